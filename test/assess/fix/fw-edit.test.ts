import test from 'ava';
import { applyFwEdits } from '../../../src/assess/fix/fw-edit.js';

const FILE = '[OPTIONS]\nenable: 1 # on\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\n';

test('add-rule inserts at the top of [RULES], or after the given line', (t) => {
  t.is(
    applyFwEdits(FILE, [{ op: 'add-rule', text: 'IN ACCEPT -p tcp -dport 443' }]),
    FILE.replace('[RULES]\n', '[RULES]\nIN ACCEPT -p tcp -dport 443\n'),
  );
  t.is(
    applyFwEdits(FILE, [{ op: 'add-rule', text: 'IN ACCEPT -p tcp -dport 443', after: 'IN ACCEPT -p tcp -dport 22' }]),
    `${FILE}IN ACCEPT -p tcp -dport 443\n`,
  );
});

test('add-rule creates [RULES] when the file has none, and is idempotent', (t) => {
  const once = applyFwEdits('[OPTIONS]\nenable: 1\n', [{ op: 'add-rule', text: 'IN DROP' }]);
  t.is(once, '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP\n');
  t.is(applyFwEdits(once, [{ op: 'add-rule', text: 'IN DROP' }]), once);
});

test('set-option replaces an ignored line for the key, adds missing keys, creates [OPTIONS]', (t) => {
  t.is(
    applyFwEdits(FILE, [{ op: 'set-option', key: 'enable', value: '1' }]),
    FILE.replace('enable: 1 # on', 'enable: 1'),
  );
  t.is(
    applyFwEdits(FILE, [{ op: 'set-option', key: 'policy_out', value: 'DROP' }]),
    FILE.replace('policy_in: DROP\n', 'policy_in: DROP\npolicy_out: DROP\n'),
  );
  t.is(applyFwEdits('', [{ op: 'set-option', key: 'enable', value: '1' }]), '[OPTIONS]\nenable: 1\n');
});

test('replace-line and remove-line touch only the matching line', (t) => {
  t.is(
    applyFwEdits(FILE, [{ op: 'remove-line', text: 'IN ACCEPT -p tcp -dport 22' }]),
    FILE.replace('IN ACCEPT -p tcp -dport 22\n', ''),
  );
  t.is(
    applyFwEdits(FILE, [{ op: 'replace-line', from: 'policy_in: DROP', to: 'policy_in: REJECT' }]),
    FILE.replace('policy_in: DROP', 'policy_in: REJECT'),
  );
});
