import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The DMP host as compiled JavaScript, the way a deployment runs it rather than through tsx (whose
 * loader runs in a thread of its own and keeps every transpiled source: about 60 MB of the RSS).
 * esbuild (which tsx brings) bundles `bench/host-process.ts` with the project's own packages into
 * one ES module; npm packages stay imports, resolved from node_modules at run time, which is why
 * the bundle is written under the repository's node_modules (`node_modules/.cache/dmp-bench-host`).
 *
 * Files the code finds next to itself keep working: each source's `import.meta.url` is replaced by
 * its own URL, except the migrations folder, which is compiled next to the bundle (Node runs no
 * TypeScript).
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const DATABASE_SOURCE = path.join(ROOT, 'packages/dmp/src/db/database.ts');
const MIGRATIONS_SOURCE = path.join(ROOT, 'packages/dmp/src/db/migrations');

interface EsbuildPluginBuild {
  onResolve(options: { filter: RegExp }, callback: (args: { path: string; kind: string }) => { external: boolean } | undefined): void;
  onLoad(options: { filter: RegExp }, callback: (args: { path: string }) => { contents: string; loader: 'ts' } | undefined): void;
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ errors: unknown[] }>;
}

/** npm packages (and node: builtins) stay imports; the project's own packages (@dmp/*) are bundled. */
const externalPackages = {
  name: 'external-packages',
  setup(build: EsbuildPluginBuild) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@dmp/') || args.kind === 'entry-point' ? undefined : { external: true }));
  },
};

/** Builds the bundle into `outDir` (inside the repository); returns the entry file. */
export async function buildHostBundle(outDir: string): Promise<string> {
  const esbuild = (await import('esbuild')) as unknown as Esbuild;
  mkdirSync(path.join(outDir, 'db', 'migrations'), { recursive: true });
  const ownUrls = {
    name: 'own-urls',
    setup(build: EsbuildPluginBuild) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const url = args.path === DATABASE_SOURCE ? pathToFileURL(path.join(outDir, 'db', 'database.js')).href : pathToFileURL(args.path).href;
        return { contents: source.replaceAll('import.meta.url', JSON.stringify(url)), loader: 'ts' };
      });
    },
  };
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', plugins: [externalPackages, ownUrls] };
  const entry = path.join(outDir, 'host.mjs');
  const built = await esbuild.build({ ...common, entryPoints: [path.join(HERE, 'host-process.ts')], outfile: entry });
  if (built.errors.length > 0) throw new Error('bench: the host bundle did not build');
  const migrations = readdirSync(MIGRATIONS_SOURCE).filter((f) => /^\d+-.*\.ts$/.test(f) && !f.includes('.test.'));
  await esbuild.build({
    ...common,
    entryPoints: migrations.map((f) => path.join(MIGRATIONS_SOURCE, f)),
    outdir: path.join(outDir, 'db', 'migrations'),
    outExtension: { '.js': '.js' },
  });
  return entry;
}
