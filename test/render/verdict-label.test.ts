import test from 'ava';
import { verdictLabel } from '../../src/render/labels.js';

const sentence =
  'intended ACCEPT, simulated DROP at firewall/1001.fw line 4 (policy_in: DROP) (not as intended); 3 SYNs unanswered';

test('a short verdict is its own label', (t) => {
  t.deepEqual(verdictLabel({ verdict: 'pass', expected: 'ACCEPT', simulated: { action: 'ACCEPT' } }), {
    label: 'pass',
    tone: 'good',
    sentence: null,
  });
});

test('a sentence is summed up from intent vs simulation and kept for the reader', (t) => {
  const notAsIntended = verdictLabel({ verdict: sentence, expected: 'ACCEPT', simulated: { action: 'DROP' } });
  t.deepEqual(notAsIntended, { label: 'not as intended', tone: 'bad', sentence });
  t.is(verdictLabel({ verdict: sentence, expected: 'DROP', simulated: { action: 'DROP' } }).label, 'as intended');
  t.is(verdictLabel({ verdict: sentence, expected: null, simulated: { action: 'DROP' } }).label, 'no intent');
  t.is(
    verdictLabel({ verdict: sentence, expected: 'ACCEPT', simulated: { action: 'ACCEPT' }, agreement: 'disagree' })
      .label,
    'wire differs',
  );
});

test('allowed as intended but the probe failed later: the label names the failing phase', (t) => {
  const v = verdictLabel({
    verdict: sentence,
    expected: 'ACCEPT',
    simulated: { action: 'ACCEPT' },
    observed: { probe: { phase: 'tls' } },
  });
  t.deepEqual(v, { label: 'fails at tls', tone: 'bad', sentence });
  const ok = verdictLabel({
    verdict: sentence,
    expected: 'ACCEPT',
    simulated: { action: 'ACCEPT' },
    observed: { probe: { phase: 'done' } },
  });
  t.is(ok.label, 'as intended');
});
