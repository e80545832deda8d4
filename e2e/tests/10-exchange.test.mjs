// Receiving and presenting by protocol through the real app (issue 19), against the OpenWallet
// Foundation's reference issuer and verifier (../shared/tools/oid4vc, on 127.0.0.1): the learner
// pastes an issuer's offer on the Import screen, sees who offers what, types the transaction
// code and receives three verified credentials; then pastes a verifier's request on the Share
// screen, sees the verifier named as verified and exactly the three details it asks for, and
// sends them; then answers a request that lets the grade be left out, with the grade unticked.
// The reference verifier's own verdict is what counts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gradeOptionalQuery, startReference, stopAll } from '../../tests/interop/oid4vc-ref.mjs';
import { byTestId, fill, openApp, screenshot } from '../harness.mjs';

const ref = process.env.MCX_OID4VC;
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-exchange-'));
let app;

const start = (role, ...args) => startReference(ref, role, ...args);

before(async () => {
  app = await openApp({ wallet: path.join(work, 'wallet') });
});
after(async () => {
  await app?.close();
  stopAll();
  rmSync(work, { recursive: true, force: true });
});

test('an offer pasted on the Import screen: the issuer and its credentials are shown, the code asked, all three arrive verified', { skip: !ref && 'MCX_OID4VC is not set' }, async () => {
  const issuer = start('issuer', '--tx-code', '4711');
  const ready = await issuer.next();
  const { browser } = app;
  await byTestId(browser, 'nav-import').click();
  await fill(browser, 'receive-link', ready.credential_offer_uri);
  await byTestId(browser, 'receive-look').click();
  const offer = byTestId(browser, 'receive-offer');
  await offer.waitForDisplayed({ timeout: 30000 });
  const text = await offer.getText();
  assert.match(text, /Offered by Hochschule Beispielstadt/);
  assert.equal((await browser.$$('[data-testid="receive-offered"][data-supported="yes"]')).length, 3);
  await fill(browser, 'receive-tx', '4711');
  await screenshot(browser, 'exchange-offer');
  await byTestId(browser, 'receive-submit').click();
  await byTestId(browser, 'import-results').waitForDisplayed({ timeout: 60000 });
  const results = await browser.$$('[data-testid="import-result"]');
  assert.equal(results.length, 3);
  for (const r of results) assert.equal(await r.getAttribute('data-outcome'), 'imported', await r.getText());
  assert.match(await byTestId(browser, 'receive-trust').getText(), /Kept for checking offline later/);
  await screenshot(browser, 'exchange-received');
});

test('a request pasted on the Share screen: a verified verifier, exactly the details it asks for, sent on consent', { skip: !ref && 'MCX_OID4VC is not set' }, async () => {
  const verifier = start('verifier', '--preset', 'title,ects,eqf');
  const ready = await verifier.next();
  const { browser } = app;
  await byTestId(browser, 'nav-share').click();
  await fill(browser, 'present-link', ready.authorization_request);
  await byTestId(browser, 'present-look').click();
  const who = byTestId(browser, 'present-verifier');
  await who.waitForDisplayed({ timeout: 30000 });
  assert.equal(await who.getAttribute('data-verified'), 'yes', await who.getText());
  const claims = [];
  for (const c of await browser.$$('[data-testid="present-claim"]')) claims.push(await c.getAttribute('data-path'));
  assert.deepEqual(claims.sort(), ['ects_credits', 'eqf_level', 'title']);
  assert.match(await who.parentElement().getText(), /ECTS credits\s+5/, 'details are named in words');
  await screenshot(browser, 'exchange-request');
  await byTestId(browser, 'present-send').click();
  await byTestId(browser, 'present-sent').waitForDisplayed({ timeout: 30000 });
  const result = await verifier.next();
  assert.equal(result.verified, true, JSON.stringify(result));
  assert.deepEqual([...result.credentials[0].selectively_disclosed].sort(), ['ects_credits', 'eqf_level', 'title']);
});

test('a request that lets the grade be left out: the learner unticks it, and the verifier gets exactly title, ECTS and EQF level', { skip: !ref && 'MCX_OID4VC is not set' }, async () => {
  const query = gradeOptionalQuery(work);
  const verifier = start('verifier', '--query', query, '--strict');
  const ready = await verifier.next();
  const { browser } = app;
  await byTestId(browser, 'nav-share').click();
  await fill(browser, 'present-link', ready.authorization_request);
  await byTestId(browser, 'present-look').click();
  await byTestId(browser, 'present-verifier').waitForDisplayed({ timeout: 30000 });
  const optional = [];
  for (const b of await browser.$$('[data-testid="present-withhold"]')) optional.push(await b.getAttribute('data-path'));
  assert.deepEqual(optional, ['grade'], 'only the grade is optional');
  await byTestId(browser, 'present-withhold').click();
  const grade = await browser.$('[data-testid="present-claim"][data-sent="no"]');
  await grade.waitForDisplayed({ timeout: 5000 });
  assert.match(await grade.getText(), /Grade.*1\.7.*withheld/s);
  assert.ok((await browser.$$('[data-testid="present-always"]')).length >= 2, 'what the issuer signed in the clear is listed');
  await screenshot(browser, 'exchange-withhold');
  await byTestId(browser, 'present-send').click();
  await byTestId(browser, 'present-sent').waitForDisplayed({ timeout: 30000 });
  const result = await verifier.next();
  assert.equal(result.verified, true, JSON.stringify(result));
  assert.deepEqual([...result.credentials[0].selectively_disclosed].sort(), ['ects_credits', 'eqf_level', 'title']);
});
