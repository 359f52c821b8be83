import { readFileSync } from 'node:fs';
import test from 'ava';
import { loadPhoenix } from '../../src/intent/load.js';

const lab = (p: string) => new URL(`../lab/scenarios/${p}`, import.meta.url);

// The lab's seed is the story's situation only if its cluster.fw is exactly what the Phoenix
// generator writes from the lab's JSON: that is what makes "applied as generated" true there.
test('the lab seed cluster.fw is what the Phoenix generator writes from the lab Phoenix files', async (t) => {
  const loaded = await loadPhoenix(lab('common/phoenix').pathname);
  t.is(loaded.phoenix?.generatedClusterFw, readFileSync(lab('seed/pve/firewall/cluster.fw'), 'utf8'));
  const flows = loaded.intent.flows ?? [];
  t.true(flows.some((f) => f.from === 'ct102' && f.to === 'vm1001' && f.dport === 443 && f.expect === 'ACCEPT'));
});
