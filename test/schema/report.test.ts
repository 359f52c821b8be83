import { readFileSync } from 'node:fs';
import test from 'ava';
import { jsonSchemas } from '../../src/schema/json-schema.js';
import { ReportSchema } from '../../src/schema/report.js';

// The report.json contract of DESIGN.md: none of these may be removed or renamed.
const CONTRACT: Record<string, string[]> = {
  '': [
    'schemaVersion',
    'tool',
    'host',
    'startedAt',
    'finishedAt',
    'status',
    'incompleteSteps',
    'summary',
    'answers',
    'guests',
    'flows',
    'rootCause',
    'findings',
    'evidence',
  ],
  tool: ['name', 'version'],
  host: ['name', 'address', 'node', 'pveVersion'],
  summary: ['critical', 'high', 'medium', 'low', 'info'],
  'answers[]': ['question', 'answer', 'because'],
  'guests[]': ['vmid', 'type', 'name', 'ips', 'firewall'],
  'guests[].firewall': ['cluster', 'guestEnable', 'nics', 'effective'],
  'flows[]': ['id', 'name', 'from', 'to', 'proto', 'dport', 'expected', 'simulated', 'observed', 'verdict'],
  'flows[].simulated': ['action', 'decidedBy'],
  'flows[].simulated.decidedBy': ['kind', 'file', 'line', 'text'],
  'flows[].observed': ['capture', 'probe'],
  'flows[].observed.capture': ['syn', 'synAck', 'rst', 'icmpUnreachable', 'verdict'],
  'flows[].observed.probe': ['exitCode', 'phase', 'httpStatus', 'verdict'],
  rootCause: ['summary', 'layer', 'flow', 'decidedBy'],
  'findings[]': ['id', 'checkId', 'severity', 'title', 'subject', 'evidence', 'remediation'],
  'findings[].remediation': ['summary', 'commands', 'patch'],
  'evidence[]': ['path', 'sha256', 'step', 'command', 'exitCode'],
};

type Node = { type?: string; properties?: Record<string, Node>; items?: Node; anyOf?: Node[] };

function at(schema: Node, path: string): Node {
  let node = schema;
  for (const part of path.split('.').filter(Boolean)) {
    const key = part.replace(/\[\]$/, '');
    node = objectOf(node).properties?.[key] as Node;
    if (part.endsWith('[]')) node = objectOf(node).items as Node;
  }
  return objectOf(node);
}
const objectOf = (n: Node): Node => n.anyOf?.find((a) => a.type === 'object' || a.type === 'array') ?? n;

const generated = jsonSchemas().report as Node;

for (const [path, keys] of Object.entries(CONTRACT)) {
  test(`report.json keeps the contract fields at ${path || '(root)'}`, (t) => {
    const props = Object.keys(at(generated, path).properties ?? {});
    for (const k of keys) t.true(props.includes(k), `${path}.${k} missing`);
  });
}

test('the committed JSON Schemas are what the zod schemas generate (run: npm run gen:schema)', (t) => {
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const committed = JSON.parse(
      readFileSync(new URL(`../../src/schema/json/${name}.schema.json`, import.meta.url), 'utf8'),
    );
    t.deepEqual(committed, JSON.parse(JSON.stringify(schema)), `${name}.schema.json is stale`);
  }
});

test('enumerations match DESIGN.md', (t) => {
  const shape = ReportSchema.shape;
  t.deepEqual(shape.status.options, ['complete', 'incomplete']);
  const answer = shape.answers.element.shape;
  t.deepEqual(answer.question.options, ['rules-loaded', 'guest-firewalls-as-intended', 'packets-dropped']);
  t.deepEqual(answer.answer.options, ['yes', 'no', 'unknown']);
  const root = shape.rootCause.unwrap();
  t.deepEqual(root.shape.layer.options, ['firewall', 'service', 'tls', 'dns', 'routing', 'unknown']);
  t.deepEqual(shape.findings.element.shape.severity.options, ['critical', 'high', 'medium', 'low', 'info']);
});

test('a report missing a contract field is rejected with the field path', (t) => {
  const r = ReportSchema.safeParse({ schemaVersion: '1' });
  t.false(r.success);
  t.true(r.error?.issues.some((i) => i.path.join('.') === 'tool'));
});
