// Receiving from an issuer that makes the learner log in first (OpenID4VCI 1.0 §5, issue 19),
// through the real app: the learner pastes the offer, is told the browser will open the
// issuer's login page, clicks "Log in and receive"; the browser ($BROWSER, set by run.mjs to
// the test browser that fills the form) logs in and returns to the wallet's loopback address,
// and three verified credentials arrive. The issuer is tests/interop/login-issuer.mjs: the
// OpenWallet Foundation reference behind an authorization server built on its libraries.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoginIssuer, stopAll } from '../../tests/interop/oid4vc-ref.mjs';
import { byTestId, fill, openApp, screenshot } from '../harness.mjs';

const ref = process.env.MCX_OID4VC;
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-login-'));
let app;

before(async () => {
  app = await openApp({ wallet: path.join(work, 'wallet') });
});
after(async () => {
  await app?.close();
  stopAll();
  rmSync(work, { recursive: true, force: true });
});

test('an offer behind a login: the learner logs in in the browser, and three verified credentials arrive', { skip: !ref && 'MCX_OID4VC is not set' }, async () => {
  const issuer = startLoginIssuer(ref);
  const ready = await issuer.next();
  const { browser } = app;
  await byTestId(browser, 'nav-import').click();
  await fill(browser, 'receive-link', ready.credential_offer);
  await byTestId(browser, 'receive-look').click();
  const note = byTestId(browser, 'receive-login');
  await note.waitForDisplayed({ timeout: 30000 });
  assert.match(await note.getText(), new RegExp(`login page at ${ready.authorization_server.replace(/[.]/g, '\\.')}`));
  assert.equal(await byTestId(browser, 'receive-submit').getText(), 'Log in and receive');
  await screenshot(browser, 'exchange-login');
  await byTestId(browser, 'receive-submit').click();
  await byTestId(browser, 'import-results').waitForDisplayed({ timeout: 60000 });
  const results = await browser.$$('[data-testid="import-result"]');
  assert.equal(results.length, 3);
  for (const r of results) assert.equal(await r.getAttribute('data-outcome'), 'imported', await r.getText());
  const events = [await issuer.next(), await issuer.next(), await issuer.next()].map((e) => e.event);
  assert.deepEqual(events, ['authorize', 'login', 'token']);
  const log = readFileSync(process.env.FAKE_BROWSER_LOG, 'utf8');
  assert.match(log, /Back to the wallet/, 'the browser was shown the wallet\'s page after the login');
});

test('a login the learner never finishes: its address is shown to open by hand, and Cancel ends it with nothing kept', { skip: !ref && 'MCX_OID4VC is not set' }, async () => {
  const issuer = startLoginIssuer(ref);
  const ready = await issuer.next();
  const { browser } = app;
  const hold = `${process.env.FAKE_BROWSER_LOG}.hold`;
  writeFileSync(hold, '');
  try {
    await byTestId(browser, 'nav-import').click();
    await fill(browser, 'receive-link', ready.credential_offer);
    await byTestId(browser, 'receive-look').click();
    await byTestId(browser, 'receive-login').waitForDisplayed({ timeout: 30000 });
    await byTestId(browser, 'receive-submit').click();
    // The browser opened the page and the learner did nothing: the window shows the address.
    const address = byTestId(browser, 'receive-login-address');
    await address.waitForDisplayed({ timeout: 30000 });
    assert.match(await address.getText(), new RegExp(ready.authorization_server.replace(/[.]/g, '\\.')));
    await browser.execute(() => document.querySelector('[data-testid="receive-cancel"]').scrollIntoView({ block: 'center' }));
    await screenshot(browser, 'exchange-login-waiting');
    await byTestId(browser, 'receive-cancel').click();
    const error = byTestId(browser, 'error-notice');
    await error.waitForDisplayed({ timeout: 15000 });
    assert.match(await error.getText(), /you cancelled the login/);
    assert.match(await error.getText(), /nothing was kept/);
    assert.equal(await byTestId(browser, 'receive-cancel').isExisting(), false);
    assert.match(readFileSync(process.env.FAKE_BROWSER_LOG, 'utf8'), /"held"/);
  } finally {
    rmSync(hold, { force: true });
  }
});
