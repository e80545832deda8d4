// A clicked offer link (issue 19): the desktop entry starts the app with the link as its
// argument (`Exec=… %u`), and the app opens the Import screen on that offer at once, with the
// issuer and what it offers, ready to receive. A link clicked while the app is already open
// on the wallet starts it a second time: that start hands the link to the open window and
// ends, and the window shows the verifier's request. Against the reference on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startReference, stopAll } from '../../tests/interop/oid4vc-ref.mjs';
import { appBinary, byTestId, openApp, screenshot } from '../harness.mjs';

const ref = process.env.MCX_OID4VC;
let app;

before(async () => {
  if (!ref) return;
  const ready = await startReference(ref, 'issuer', '--formats', 'ldp_vc').next();
  app = await openApp({ args: [ready.credential_offer_uri] });
});
after(async () => {
  await app?.close();
  stopAll();
});

test('the app started with an offer link opens on that offer and receives it', { skip: !ref && 'MCX_OID4VC is not set' }, async () => {
  const { browser } = app;
  await byTestId(browser, 'screen-import').waitForDisplayed({ timeout: 30000 });
  const offer = byTestId(browser, 'receive-offer');
  await offer.waitForDisplayed({ timeout: 30000 });
  assert.match(await offer.getText(), /Offered by Hochschule Beispielstadt/);
  await screenshot(browser, 'exchange-clicked-link');
  await byTestId(browser, 'receive-submit').click();
  await byTestId(browser, 'import-results').waitForDisplayed({ timeout: 60000 });
  const results = await browser.$$('[data-testid="import-result"]');
  assert.equal(results.length, 1);
  assert.equal(await results[0].getAttribute('data-outcome'), 'imported', await results[0].getText());
});

test('a request link clicked while the app is open goes to the open window', { skip: !ref && 'MCX_OID4VC is not set' }, async () => {
  const verifier = startReference(ref, 'verifier', '--formats', 'ldp_vc', '--preset', 'title,ects');
  const ready = await verifier.next();
  // What the desktop does for a click: start the app again with the link.
  const second = spawnSync(appBinary(), ['--wallet', app.dir, ready.authorization_request], { encoding: 'utf8', timeout: 30000 });
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /already open on .*: the link was handed to it/);
  const { browser } = app;
  await byTestId(browser, 'present-request').waitForDisplayed({ timeout: 30000 });
  assert.equal(await byTestId(browser, 'present-verifier').getAttribute('data-verified'), 'yes');
  await byTestId(browser, 'present-send').click();
  await byTestId(browser, 'present-sent').waitForDisplayed({ timeout: 30000 });
  assert.equal((await verifier.next()).verified, true);
});
