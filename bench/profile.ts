import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Summarises a V8 `.cpuprofile` (node --cpu-prof): self time by function and by source file or package. */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly byFunction: readonly { readonly name: string; readonly ms: number; readonly pct: number }[];
  readonly byFile: readonly { readonly name: string; readonly ms: number; readonly pct: number }[];
  /** Time in a function and what it calls (the project's own code and a few libraries), recursion counted once. */
  readonly inclusive: readonly { readonly name: string; readonly ms: number; readonly pct: number }[];
}

/** The main thread's `.cpuprofile` of a folder (the largest: tsx's loader thread writes a small one too). */
export function mainProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  return files[0];
}

function where(url: string): string {
  if (url === '') return '(native/V8)';
  const clean = url.replace(/^file:\/\//, '');
  if (clean.includes('/node_modules/.cache/dmp-bench-host/')) return 'the host (compiled bundle)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(clean);
  if (modules) return `npm:${modules[1]}`;
  const own = /\/(packages\/[^?]+|bench\/[^?]+)/.exec(clean);
  if (own) return own[1]!;
  if (clean.startsWith('node:')) return clean;
  return clean;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') continue;
    total += micros;
    const place = where(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${place}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const bucket = frame.functionName === '(garbage collector)' ? '(garbage collector)' : frame.functionName === '(program)' ? '(program)' : place;
    files.set(bucket, (files.get(bucket) ?? 0) + micros);
  }
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), pct: Math.round((micros / total) * 1000) / 10 }));
  // Inclusive time: a depth-first walk from the root, adding each node's subtree to every function
  // on the path (once per function, so recursion is not counted twice).
  const inclusive = new Map<string, number>();
  const subtree = new Map<number, number>();
  const sizeOf = (id: number): number => {
    const known = subtree.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let sum = node?.callFrame.functionName === '(idle)' ? 0 : (self.get(id) ?? 0);
    for (const child of node?.children ?? []) sum += sizeOf(child);
    subtree.set(id, sum);
    return sum;
  };
  const interesting = (url: string): boolean => /\/(packages|bench)\/|node_modules\/(fastify|undici|pg|pg-protocol|jose|@peculiar|pino|kysely)\//.test(url) || url.startsWith('node:');
  const walk = (id: number, active: Set<string>): void => {
    const node = byId.get(id);
    if (!node) return;
    const frame = node.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${where(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    const counted = interesting(frame.url) && !active.has(name);
    if (counted) {
      inclusive.set(name, (inclusive.get(name) ?? 0) + sizeOf(id));
      active.add(name);
    }
    for (const child of node.children ?? []) walk(child, active);
    if (counted) active.delete(name);
  };
  const root = profile.nodes[0];
  if (root) walk(root.id, new Set());
  return { file, totalMs: Math.round(total / 1000), byFunction: rank(functions), byFile: rank(files), inclusive: rank(inclusive) };
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [`CPU profile of the DMP host (${summary.file}), ${summary.totalMs} ms of samples, idle excluded:`, '  self time by source file / package:'];
  for (const entry of summary.byFile) lines.push(`    ${String(entry.pct).padStart(5)} %  ${String(entry.ms).padStart(7)} ms  ${entry.name}`);
  lines.push('  self time by function:');
  for (const entry of summary.byFunction) lines.push(`    ${String(entry.pct).padStart(5)} %  ${String(entry.ms).padStart(7)} ms  ${entry.name}`);
  lines.push('  inclusive time (the function and what it calls):');
  for (const entry of summary.inclusive) lines.push(`    ${String(entry.pct).padStart(5)} %  ${String(entry.ms).padStart(7)} ms  ${entry.name}`);
  return lines.join('\n');
}

// `tsx bench/profile.ts FILE.cpuprofile` prints a summary of a profile.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1])) && process.argv[2]) {
  process.stdout.write(`${formatProfile(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25)))}\n`);
}
