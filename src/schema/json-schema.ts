import { z } from 'zod';
import { ManifestSchema } from './manifest.js';
import { ReportSchema } from './report.js';

// JSON Schema for consumers outside TypeScript; generated, committed, and pinned by a test.
export function jsonSchemas(): Record<string, unknown> {
  return {
    report: {
      $id: 'https://pveaudit.dev/schema/report-1.json',
      ...openObjects(z.toJSONSchema(ReportSchema, { io: 'output' })),
    },
    manifest: {
      $id: 'https://pveaudit.dev/schema/manifest-1.json',
      ...openObjects(z.toJSONSchema(ManifestSchema, { io: 'output', unrepresentable: 'any' })),
    },
  };
}

// Schema version 1 promises that fields may be added: readers must accept unknown keys.
function openObjects<T>(node: T): T {
  if (Array.isArray(node)) return node.map(openObjects) as T;
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'additionalProperties' && v === false) continue;
      out[k] = openObjects(v);
    }
    return out as T;
  }
  return node;
}
