import test from 'ava';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { loadContext, loadReport } from './fixture.js';

// Config, kernel and wire side by side: the kernel's verdict has its own column, and says when it
// parts from the configuration.
test('flows show the live (kernel) verdict next to the simulated one, marked when they differ', (t) => {
  const report = loadReport('seed');
  const flow = report.flows.find((f) => f.name === 'traefik-to-portainer');
  if (!flow?.simulated) throw new Error('fixture');
  flow.simulated.action = 'ACCEPT';
  flow.live = {
    backend: 'iptables',
    action: 'DROP',
    chain: 'tap1001i0-IN',
    rule: 3,
    text: '-A tap1001i0-IN -s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j DROP',
    reason: { code: 'kernel-rule', chain: 'tap1001i0-IN', rule: 3, target: 'DROP' },
  };
  const html = renderHtml(report, loadContext(report));
  t.regex(html, /<th>Live \(kernel\)<\/th>/);
  t.regex(html, /<code>tap1001i0-IN #3<\/code> <strong>differs from the config<\/strong>/);
  t.regex(html, /-A tap1001i0-IN -s 10\.0\.0\.12\/32 -p tcp -m tcp --dport 443 -j DROP/);
  const md = renderMarkdown(report);
  t.regex(md, /DROP at `tap1001i0-IN #3` \(differs\)/);
});
