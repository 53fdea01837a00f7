import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./embedded-postgres.ts', import.meta.url));

/** Runs a tiny program that loads the module, then ends with `exitCode` set (or not). */
function exitStatusWith(code: number | undefined): number | null {
  const program = `import(${JSON.stringify(MODULE)}).then(() => { ${code === undefined ? '' : `process.exitCode = ${code};`} });`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 }).status;
}

describe('loading embedded-postgres', () => {
  it('keeps the exit code the program set (its exit hook would end the process with 0)', () => {
    expect(exitStatusWith(3)).toBe(3);
  });

  it('still exits 0 when the program set nothing', () => {
    expect(exitStatusWith(undefined)).toBe(0);
  });
});
