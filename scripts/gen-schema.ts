// Regenerates the committed JSON Schemas from the zod schemas (the only source of types).
import { writeFileSync } from 'node:fs';
import { jsonSchemas } from '../src/schema/json-schema.js';

for (const [name, schema] of Object.entries(jsonSchemas())) {
  const path = new URL(`../src/schema/json/${name}.schema.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${path.pathname}`);
}
