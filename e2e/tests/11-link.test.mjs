// A clicked offer link (issue 19): the desktop entry starts the app with the link as its
// argument (`Exec=… %u`), and the app opens the Import screen on that offer at once, with the
// issuer and what it offers, ready to receive. Against the reference issuer on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startReference, stopAll } from '../../tests/interop/oid4vc-ref.mjs';
import { byTestId, openApp, screenshot } from '../harness.mjs';

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
