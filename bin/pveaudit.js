#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npm ci` alone makes `npx pveaudit` work (no build step).
import { register } from 'tsx/esm/api';

// `pveaudit ... | head` closes the pipe early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
