import test from 'ava';
import { FORMATS, isFormat, renderAll } from '../../src/render/index.js';
import { ReportSchema } from '../../src/schema/report.js';
import { loadContext, loadReport } from './fixture.js';

const seed = loadReport('seed');
const ctx = loadContext(seed);

test('FORMATS covers every format; each writes its own files', async (t) => {
  t.deepEqual(Object.keys(FORMATS).sort(), ['html', 'json', 'md', 'pdf', 'summary']);
  const files = await Promise.all(
    (['html', 'json', 'md'] as const).map(async (f) => Object.keys(await renderAll(seed, ctx, [f]))),
  );
  t.deepEqual(files.flat().sort(), ['report.html', 'report.json', 'report.md']);
  t.true(isFormat('md'));
  t.true(isFormat('summary'));
  t.false(isFormat('docx'));
  t.false(isFormat('toString'));
});

test('renderAll returns file name -> content for the formats asked for, and nothing else', async (t) => {
  const out = await renderAll(seed, ctx, ['json', 'md', 'html']);
  t.deepEqual(Object.keys(out), ['report.json', 'report.md', 'report.html']);
  t.true(String(out['report.html']).startsWith('<!doctype html>'));
  t.true(String(out['report.md']).startsWith('# Firewall audit: pve,'));
});

test('report.json is pretty (2 spaces), ends with a newline and round-trips through the schema', async (t) => {
  const out = await renderAll(seed, ctx, ['json']);
  const json = String(out['report.json']);
  t.true(json.startsWith('{\n  "schemaVersion": "1",'));
  t.true(json.endsWith('}\n'));
  t.deepEqual(ReportSchema.parse(JSON.parse(json)), seed);
});
