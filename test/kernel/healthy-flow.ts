import { analyse } from '../../src/analyse/index.js';
import type { Facts } from '../../src/schema/facts.js';
import { nativeIntent } from '../checks/helpers.js';

// The files accept traefik -> portainer 443 (the lab's healthy 1001.fw); the kernel tests vary what
// the live ruleset holds and read the report's verdicts for that one intended flow.

export const HEALTHY_1001 =
  '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -source 10.0.0.12 -p tcp -dport 443 # traefik -> portainer\n';

export function analyseTraefikToPortainer(facts: Facts, files: Record<string, string>) {
  const intent = nativeIntent({
    flows: [{ name: 'traefik-to-portainer', from: 'ct102', to: 'vm1001', proto: 'tcp', dport: 443, expect: 'ACCEPT' }],
  });
  return analyse(facts, intent, {
    startedAt: '2026-11-25T18:49:00Z',
    finishedAt: '2026-11-25T18:49:30Z',
    evidence: [],
    reportId: 'pve-x',
    evidenceDigest: 'd',
    incompleteSteps: [],
    files,
  });
}
