/**
 * Validates CDA files and prints a readable report.
 *
 *   npx tsx packages/maternity/src/cda/validation/cli.ts [--format-code CODE] [--json] file.xml...
 *
 * Exit status: 0 when every file is valid, 1 when one is not, 2 on a usage or read error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateCda, type CdaValidationReport, type ValidationIssue } from './index.js';

const USAGE = 'usage: cli.ts [--format-code CODE] [--json] file.xml...';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function issueLine(kind: string, issue: ValidationIssue): string {
  const where = issue.location === undefined ? '' : ` ${issue.location}`;
  const rule = issue.rule === undefined ? '' : `\n        rule: ${issue.rule}`;
  return `    ${kind}${where}\n        ${issue.message}${rule}`;
}

/** The report of one file as text. */
export function formatReport(file: string, report: CdaValidationReport, millis?: number): string {
  const lines = [`${file}: ${report.valid ? 'VALID' : 'INVALID'}${millis === undefined ? '' : ` (${Math.round(millis)} ms)`}`];
  lines.push(`  CDA_extended.xsd: ${report.xsd.length === 0 ? 'ok' : plural(report.xsd.length, 'error')}`);
  for (const issue of report.xsd) lines.push(issueLine('error', issue));
  if (report.schematron.length === 0 && report.xsd.length > 0) lines.push('  Schematron: not run');
  for (const s of report.schematron) {
    lines.push(`  ${s.schema}: ${plural(s.errors.length, 'error')}, ${plural(s.warnings.length, 'warning')}`);
    for (const issue of s.errors) lines.push(issueLine('error', issue));
    for (const issue of s.warnings) lines.push(issueLine('warning', issue));
  }
  return lines.join('\n');
}

export async function main(argv: readonly string[], out: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Promise<number> {
  const files: string[] = [];
  let formatCode: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--format-code') {
      formatCode = argv[++i];
      if (formatCode === undefined) {
        out(USAGE);
        return 2;
      }
    } else if (arg === '--help' || arg === '-h') {
      out(USAGE);
      return 0;
    } else files.push(arg);
  }
  if (files.length === 0) {
    out(USAGE);
    return 2;
  }
  let status = 0;
  const results: Record<string, CdaValidationReport> = {};
  for (const file of files) {
    let xml: string;
    try {
      xml = readFileSync(file, 'utf8');
    } catch (e) {
      out(`${file}: cannot be read (${e instanceof Error ? e.message : String(e)})`);
      status = 2;
      continue;
    }
    const started = performance.now();
    const report = await validateCda(xml, formatCode === undefined ? {} : { formatCode });
    if (!report.valid && status === 0) status = 1;
    if (json) results[file] = report;
    else out(formatReport(path.basename(file), report, performance.now() - started));
  }
  if (json) out(JSON.stringify(results, null, 2));
  return status;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(path.resolve(invokedPath)).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
