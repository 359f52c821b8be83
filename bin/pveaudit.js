#!/usr/bin/env node
// Starts the compiled CLI in dist/ (built by `npm ci` through `prepare`, or by `npm run build`). Without
// dist/, or with PVEAUDIT_FROM_SOURCE=1, it runs the TypeScript sources through tsx (a checkout with
// dev dependencies), saying so when dist/ is the reason.
import { existsSync, readFileSync } from 'node:fs';

// `pveaudit --version` alone is answered here, from the same package.json the CLI reads: scripts call
// it to probe for the tool, and it should cost no more than starting Node.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}

// `pveaudit ... | head` closes the pipe early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const fromSource = process.env.PVEAUDIT_FROM_SOURCE === '1';
const dist = new URL('../dist/main.cjs', import.meta.url).pathname;
const built = existsSync(dist);
let main;
if (built && !fromSource) {
  ({ main } = (await import('./load-dist.js')).loadDist(dist));
} else {
  const root = new URL('..', import.meta.url).pathname;
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`pveaudit: dist/ is missing in ${root}: run \`npm run build\` there (\`npm ci\` does it too)\n`);
    process.exit(2);
  }
  if (!fromSource)
    process.stderr.write(`pveaudit: dist/ is missing (\`npm run build\`); running the sources through tsx, slower\n`);
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
