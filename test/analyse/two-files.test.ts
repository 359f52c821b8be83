import test from 'ava';
import { analyse } from '../../src/analyse/index.js';
import { baseIntent, factsFrom, trapTree } from '../checks/helpers.js';

const META = { startedAt: 'a', finishedAt: 'b', evidence: [], reportId: 'r', evidenceDigest: 'd', incompleteSteps: [] };

// With a native intent a misplaced rule is moved: one step edits the guest's file and cluster.fw,
// and the step names both files it touches.
test('a step that edits two files names both, in the order it edits them', (t) => {
  const files = trapTree('rules-in-cluster');
  const r = analyse(factsFrom(files), baseIntent(), { ...META, files });
  const moved = r.findings.find((f) => f.checkId === 'rules_guest_traffic_in_cluster');
  t.truthy(moved, r.findings.map((f) => f.checkId).join(', '));
  const patch = moved?.remediation.patch ?? '';
  const touched = [...patch.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1]);
  t.true(touched.length >= 2, patch);
  t.is(moved?.remediation.file, touched.join(', '));
});
