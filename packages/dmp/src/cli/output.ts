/** How a CLI command answers: JSON for scripts (`--json`), plain text for people. */
export interface Output {
  readonly json: boolean;
  /** The command's result: printed as JSON, or through `describe` for people. */
  result(value: unknown, describe?: (value: unknown) => string): void;
  /** A progress line for people (stderr, so stdout stays the result). */
  info(line: string): void;
}

export function output(json: boolean): Output {
  return {
    json,
    result(value, describe) {
      process.stdout.write(json || !describe ? `${JSON.stringify(value, null, 2)}\n` : `${describe(value)}\n`);
    },
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

/** A usage or input error: printed plainly, exit code 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
