import test from 'ava';
import { PveauditError } from '../../src/lib/errors.js';
import { CHROMIUM_ARGS, chromiumPath, DEFAULT_CHROMIUM, openPdfPrinter } from '../../src/render/pdf.js';

test('a missing Chromium is a BrowserError that says how to install it', async (t) => {
  const err = await t.throwsAsync(openPdfPrinter({ executablePath: '/nonexistent/chromium' }));
  t.true(err instanceof PveauditError);
  t.is((err as PveauditError).code, 'E_BROWSER');
  t.true(err?.message.includes('/nonexistent/chromium'));
  t.true(err?.message.includes('apt-get install -y chromium'));
  t.true(err?.message.includes('PVEAUDIT_CHROMIUM'));
});

test('PVEAUDIT_CHROMIUM overrides the default path; an explicit option overrides both', (t) => {
  const saved = process.env.PVEAUDIT_CHROMIUM;
  try {
    delete process.env.PVEAUDIT_CHROMIUM;
    t.is(chromiumPath(), DEFAULT_CHROMIUM);
    process.env.PVEAUDIT_CHROMIUM = '/opt/chromium/chrome';
    t.is(chromiumPath(), '/opt/chromium/chrome');
    t.is(chromiumPath({ executablePath: '/x/chromium' }), '/x/chromium');
  } finally {
    if (saved === undefined) delete process.env.PVEAUDIT_CHROMIUM;
    else process.env.PVEAUDIT_CHROMIUM = saved;
  }
});

test('Chromium is always told to resolve no host name', (t) => {
  t.true(CHROMIUM_ARGS.includes('--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost'));
  t.true(CHROMIUM_ARGS.includes('--disable-background-networking'));
});
