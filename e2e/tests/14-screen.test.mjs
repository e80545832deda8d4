// A QR code on the screen (issue 19): an issuer's offer shown by another program (ImageMagick's
// `display`, as a browser would show it), the learner clicks "Read a QR code on the screen",
// points at the code during the countdown (xdotool moves the real pointer), and the wallet
// reads the code under the pointer and opens the offer, ready to receive. Against the
// reference issuer on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startReference, stopAll } from '../../tests/interop/oid4vc-ref.mjs';
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
  offer = (await startReference(ref, 'issuer', '--formats', 'ldp_vc').next()).credential_offer_uri;
  app = await openApp();
});
after(async () => {
  shown?.kill();
  await app?.close();
  stopAll();
});

test('the offer under the pointer is read off the screen and opened', { skip }, async () => {
  const picture = path.join(mkdtempSync(path.join(os.tmpdir(), 'mcx-qr-')), 'offer.png');
  const made = spawnSync(qr, [offer, picture], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const { browser } = app;
  await byTestId(browser, 'nav-import').click();
  await byTestId(browser, 'receive-screen').waitForDisplayed({ timeout: 15000 });
  // Shown after the wallet's window, so on top of it (Xvfb has no window manager).
  shown = spawn('display', ['-geometry', '+760+120', '-title', 'offer', picture], { stdio: 'ignore' });
  const size = spawnSync('identify', ['-format', '%w %h', picture], { encoding: 'utf8' }).stdout.split(' ').map(Number);
  await new Promise((r) => setTimeout(r, 1500));
  await byTestId(browser, 'receive-screen').click();
  await byTestId(browser, 'receive-countdown').waitForDisplayed({ timeout: 5000 });
  const moved = spawnSync('xdotool', ['mousemove', String(760 + size[0] / 2), String(120 + size[1] / 2)]);
  assert.equal(moved.status, 0);
  const found = byTestId(browser, 'receive-offer');
  await found.waitForDisplayed({ timeout: 30000 });
  assert.match(await found.getText(), /Offered by Hochschule Beispielstadt/);
  assert.equal(await byTestId(browser, 'receive-link').getValue(), offer);
  await screenshot(browser, 'exchange-screen-qr');
});
