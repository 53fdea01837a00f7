// Builds the patient web app once (packages/portal/dist) so that `npm start` serves it on a fresh
// checkout; later starts reuse the build (`npm run build -w @dmp/portal` rebuilds it).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync(new URL('../packages/portal/dist/index.html', import.meta.url))) {
  process.stderr.write('Building the patient web app (first start)…\n');
  const result = spawnSync('npm', ['run', 'build', '-w', '@dmp/portal'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
