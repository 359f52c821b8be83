import { config } from 'zod';

// zod compiles a fast parser per object schema with new Function(); that code is parsed and compiled
// again on every start (no code cache covers it), which costs a short-lived CLI more than it saves on
// the few documents a run parses. Jitless zod takes its generic path: same results, same issues.
// Imported first by src/cli/main.ts, before any schema is built (an object schema reads it when built).
config({ jitless: true });
