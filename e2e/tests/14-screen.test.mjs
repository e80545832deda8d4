// A QR code on the screen (issue 19): an issuer's offer shown by another program (ImageMagick's
// `display`, as a browser would show it), the learner clicks "Read a QR code on the screen",
// points at the code during the countdown (xdotool moves the real pointer), and the wallet
// reads the code under the pointer and opens the offer, and receives it. Then a verifier's
// request, shown the same way, is read off the screen and answered with the grade withheld;
// the reference verifier reports exactly the consented claims. Against the reference issuer
// and verifier on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gradeOptionalQuery, startReference, stopAll } from '../../tests/interop/oid4vc-ref.mjs';
import { byTestId, openApp, screenshot } from '../harness.mjs';

const ref = process.env.MCX_OID4VC;
const target = process.env.CARGO_TARGET_DIR ?? path.join(import.meta.dirname, '..', '..', 'target');
const qr = path.join(target, 'debug', 'examples', 'qr');
const tools = ['display', 'xdotool'].every((t) => !spawnSync('which', [t]).status);
const skip = (!ref && 'MCX_OID4VC is not set') || (!tools && 'ImageMagick display or xdotool is not installed');
let app;
let shown;
let offer;

before(async () => {
  if (skip) return;
  offer = (await startReference(ref, 'issuer').next()).credential_offer_uri;
  app = await openApp();
});
after(async () => {
  shown?.kill();
  await app?.close();
  stopAll();
});

const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-qr-'));

/** Show `link` as a QR code on top of the wallet's window (Xvfb has no window manager, so
 * the window mapped last is on top), click `button`, and point at the code while it counts
 * down. */
async function pointAtCode(browser, link, name) {
  const picture = path.join(work, `${name}.png`);
  const made = spawnSync(qr, [link, picture], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  shown?.kill();
  shown = spawn('display', ['-geometry', '+760+120', '-title', name, picture], { stdio: 'ignore' });
  const size = spawnSync('identify', ['-format', '%w %h', picture], { encoding: 'utf8' }).stdout.split(' ').map(Number);
  await new Promise((r) => setTimeout(r, 1500));
  await byTestId(browser, `${name}-screen`).click();
  await byTestId(browser, `${name}-countdown`).waitForDisplayed({ timeout: 5000 });
  const moved = spawnSync('xdotool', ['mousemove', String(760 + size[0] / 2), String(120 + size[1] / 2)]);
  assert.equal(moved.status, 0);
}

test('the offer under the pointer is read off the screen, opened and received', { skip }, async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-import').click();
  await byTestId(browser, 'receive-screen').waitForDisplayed({ timeout: 15000 });
  await pointAtCode(browser, offer, 'receive');
  const found = byTestId(browser, 'receive-offer');
  await found.waitForDisplayed({ timeout: 30000 });
  assert.match(await found.getText(), /Offered by Hochschule Beispielstadt/);
  assert.equal(await byTestId(browser, 'receive-link').getValue(), offer);
  await screenshot(browser, 'exchange-screen-qr');
  await byTestId(browser, 'receive-submit').click();
  await byTestId(browser, 'import-results').waitForDisplayed({ timeout: 60000 });
  const results = await browser.$$('[data-testid="import-result"]');
  assert.equal(results.length, 3);
});

test('a verifier\'s QR request is read off the screen and answered with the grade withheld', { skip }, async () => {
  const query = gradeOptionalQuery(work);
  const verifier = startReference(ref, 'verifier', '--query', query, '--strict');
  const ready = await verifier.next();
  const { browser } = app;
  await byTestId(browser, 'nav-share').click();
  await byTestId(browser, 'present-screen').waitForDisplayed({ timeout: 15000 });
  await pointAtCode(browser, ready.authorization_request, 'present');
  await byTestId(browser, 'present-verifier').waitForDisplayed({ timeout: 30000 });
  assert.equal(await byTestId(browser, 'present-verifier').getAttribute('data-verified'), 'yes');
  await byTestId(browser, 'present-withhold').click();
  await browser.$('[data-testid="present-claim"][data-sent="no"]').waitForDisplayed({ timeout: 5000 });
  await byTestId(browser, 'present-send').click();
  await byTestId(browser, 'present-sent').waitForDisplayed({ timeout: 30000 });
  const result = await verifier.next();
  assert.equal(result.verified, true, JSON.stringify(result));
  assert.deepEqual([...result.credentials[0].selectively_disclosed].sort(), ['ects_credits', 'eqf_level', 'title']);
});
