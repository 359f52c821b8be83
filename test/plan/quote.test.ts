import { execFileSync } from 'node:child_process';
import test from 'ava';
import { joinArgv, shQuote } from '../../src/plan/quote.js';

test('plain words stay as they are', (t) => {
  t.is(joinArgv(['pct', 'config', 102]), 'pct config 102');
  t.is(shQuote('/etc/pve/firewall/cluster.fw'), '/etc/pve/firewall/cluster.fw');
});

test('anything the shell would interpret is single-quoted, and sh gets back the exact bytes', (t) => {
  const nasty = ['102; reboot', '$(id)', '`id`', "it's", 'a b', '', '*', 'x\ny', '--a=$HOME'];
  for (const arg of nasty) {
    const quoted = shQuote(arg);
    t.not(quoted, arg);
    t.is(execFileSync('sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' }), arg);
  }
});
