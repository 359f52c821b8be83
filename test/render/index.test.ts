import test from 'ava';
import { FORMATS, isFormat, renderAll } from '../../src/render/index.js';
import { ReportSchema } from '../../src/schema/report.js';
import { loadContext, loadReport } from './fixture.js';

const seed = loadReport('seed');
const ctx = loadContext(seed);

test('FORMATS names one file per format', (t) => {
  t.deepEqual(Object.keys(FORMATS).sort(), ['html', 'json', 'md', 'pdf']);
  t.deepEqual(
    Object.values(FORMATS)
      .map((f) => f.file)
      .sort(),
    ['report.html', 'report.json', 'report.md', 'report.pdf'],
  );
  t.true(isFormat('md'));
  t.false(isFormat('docx'));
  t.false(isFormat('toString'));
});

test('renderAll returns file name -> content for the formats asked for, and nothing else', async (t) => {
  const out = await renderAll(seed, ctx, ['json', 'md', 'html']);
  t.deepEqual(Object.keys(out), ['report.json', 'report.md', 'report.html']);
  t.true(String(out['report.html']).startsWith('<!doctype html>'));
  t.true(String(out['report.md']).startsWith('# Firewall audit: pve1'));
});

test('report.json is pretty (2 spaces), ends with a newline and round-trips through the schema', async (t) => {
  const out = await renderAll(seed, ctx, ['json']);
  const json = String(out['report.json']);
  t.true(json.startsWith('{\n  "schemaVersion": "1",'));
  t.true(json.endsWith('}\n'));
  t.deepEqual(ReportSchema.parse(JSON.parse(json)), seed);
});
