import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseHarnessLine } from '../../src/firewall/harness.js';
import { simulate } from '../../src/firewall/simulate.js';
import { fixture, modelOf } from './helpers.js';

// Every flow in each fixture's `tests` file (pve harness syntax) must get the expected action.
for (const [name, opts] of [
  ['seed', {}],
  ['harness', { localNetwork: '172.16.1.0/24' }],
  ['malformed', {}],
  ['review-host', { localNetwork: '10.50.0.0/24' }],
  ['review-guest', {}],
] as const) {
  test(`fixture ${name}: every harness test line agrees`, (t) => {
    const model = modelOf(name, opts);
    const lines = readFileSync(`${fixture(name)}/tests`, 'utf8').split('\n');
    let count = 0;
    for (const [i, l] of lines.entries()) {
      const h = parseHarnessLine(l, i + 1);
      if (!h) continue;
      if ('error' in h) {
        t.fail(`line ${i + 1}: ${h.error}`);
        continue;
      }
      for (const flow of h.flows) {
        if (/^(vm|ct)\d+$/.test(flow.from) && !model.guests.has(Number(flow.from.slice(2)))) continue;
        const r = simulate(model, flow);
        count++;
        if (h.action !== 'QUERY') t.is(r.action, h.action, `line ${i + 1}: ${l}\n${r.trace.join('\n')}`);
      }
    }
    t.true(count > 5);
  });
}
