import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main, reportError } from '../../src/cli/main.js';
import { loadIntent } from '../../src/intent/load.js';

// Issue 11's hostile inputs: each ends with exit 2 and one clear line naming the file (and field),
// never a stack trace, a raw terminal escape or a 100 KB echo.
const dir = mkdtempSync(join(tmpdir(), 'pveaudit-hostile-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const INVENTORY = file('inventory.yml', 'all:\n  hosts:\n    pve:\n      ansible_host: 198.18.0.2\n');
const AUDIT = file('audit.yml', 'guests: all\n');
const BOMB = [
  'a: &a [x,x,x,x,x,x,x,x,x]',
  ...'bcdef'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdef'[i]}`).join(',')}]`),
  `g: [${Array(9).fill('*f').join(',')}]`,
].join('\n');

async function run(args: string[]) {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

function clean(t: import('ava').ExecutionContext, err: string) {
  t.false(/\u001b|\u0007/.test(err), 'no raw terminal escape');
  t.false(/\n\s+at /.test(err), 'no stack trace');
  t.true(err.length < 2000, `${err.length} characters`);
}

const REFUSED: [string, string, string, RegExp][] = [
  [
    'a typo of a top-level key',
    INVENTORY,
    file('typo.yml', 'probe:\n  - name: x\n'),
    /unknown key "probe"; did you mean "probes"\?/,
  ],
  [
    'a typo inside capture',
    INVENTORY,
    file('typo2.yml', 'capture:\n  bridg: vmbr0\n  hosts: [10.0.0.1]\n'),
    /capture: unknown key "bridg"; did you mean "bridge"\?/,
  ],
  [
    'an unknown probe key',
    INVENTORY,
    file('typo3.yml', 'probes:\n  - name: x\n    from: ct102\n    url: http://a/\n    zzz: 1\n'),
    /probes\.0: unknown key "zzz" \(valid keys: name, from, url/,
  ],
  [
    'a 5 000-character URL',
    INVENTORY,
    file('url.yml', `probes:\n  - name: x\n    from: ct102\n    url: "http://a/${'b'.repeat(5000)}"\n`),
    /probes\.0\.url: must be at most 2048 characters/,
  ],
  ['an alias bomb in audit.yml', INVENTORY, file('bomb.yml', BOMB), /aliases \(\*name\) expand to too much data/],
  [
    'an alias cycle in audit.yml',
    INVENTORY,
    file('cycle.yml', 'capture: &c\n  hosts: [*c]\n'),
    /refers to a mapping or list it is inside of|capture/,
  ],
  ['an alias bomb in the inventory', file('inv-bomb.yml', BOMB), AUDIT, /expand to too much data/],
  [
    'an alias cycle in the inventory',
    file('inv-cycle.yml', 'all: &a\n  children:\n    g: *a\n'),
    AUDIT,
    /all\.children\.g: not accepted: an alias/,
  ],
  ['an inventory with no hosts', file('inv-empty.yml', 'all:\n  children:\n    x: {}\n'), AUDIT, /lists no hosts/],
  [
    'terminal escapes and a 100 KB value in the inventory',
    file(
      'inv-esc.yml',
      `all:\n  hosts:\n    pve:\n      ansible_host: "\u001b[31mred\u001b]0;title\u0007${'A'.repeat(100_000)}"\n`,
    ),
    AUDIT,
    /\\x1b\[31mred\\x1b\]0;title\\x07A+… \(\d+ more characters\)/,
  ],
];

for (const [what, inventory, audit, message] of REFUSED)
  test(`refused with a clear message: ${what}`, async (t) => {
    const r = await run(['run', '-i', inventory, '-a', audit, '--dry-run']);
    t.is(r.code, 2);
    t.regex(r.err, message);
    clean(t, r.err);
  });

test('groups named __proto__, constructor and toString are ordinary groups', async (t) => {
  const inv = file(
    'inv-proto.yml',
    'all:\n  children:\n    __proto__:\n      hosts:\n        a1: {}\n    constructor:\n      hosts:\n        a2: {}\n    toString:\n      hosts:\n        a3: {}\n',
  );
  for (const [group, host] of [
    ['__proto__', 'a1'],
    ['constructor', 'a2'],
    ['toString', 'a3'],
  ]) {
    const r = await run(['run', '-i', inv, '-a', AUDIT, '--dry-run', '--limit', group as string]);
    t.is(r.code, 0, r.err);
    t.regex(r.out, new RegExp(`^# ${host}: `, 'm'));
  }
  t.is(({} as Record<string, unknown>).a1, undefined);
});

test('an intent file whose anchors contain themselves is refused', async (t) => {
  const err = await t.throwsAsync(loadIntent(file('intent.yml', 'guests: &g\n  - *g\n')));
  t.regex(err?.message ?? '', /refers to a mapping or list it is inside of/);
  const bomb = await t.throwsAsync(loadIntent(file('intent-bomb.yml', BOMB)));
  t.regex(bomb?.message ?? '', /expand to too much data/);
});

test('an unexpected error prints its message, neutralised, and no stack unless PVEAUDIT_DEBUG is set', (t) => {
  const io = bufferIo();
  const before = process.env.PVEAUDIT_DEBUG;
  delete process.env.PVEAUDIT_DEBUG;
  t.teardown(() => {
    if (before !== undefined) process.env.PVEAUDIT_DEBUG = before;
  });
  t.is(reportError(new TypeError(`bad \u001b[2J ${'x'.repeat(50_000)}`), io), 2);
  const err = io.stderr.join('\n');
  t.regex(err, /unexpected error: TypeError: bad \\x1b\[2J x+… \(\d+ more characters\)/);
  t.regex(err, /PVEAUDIT_DEBUG=1/);
  clean(t, err);
});
