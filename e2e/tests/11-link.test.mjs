// A clicked offer link (issue 19): the desktop entry starts the app with the link as its
// argument (`Exec=… %u`), and the app opens the Import screen on that offer at once, with the
// issuer and what it offers, ready to receive. A link clicked while the app is already open
// on the wallet starts it a second time: that start hands the link to the open window and
// ends, and the window shows the verifier's request. Run as an AppImage, the wallet registers
// itself for the links at start, and a link opened by the desktop (xdg-open) reaches the open
// window. Against the reference on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

const until = async (check, seconds) => {
  for (let i = 0; i < seconds * 4; i += 1) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
};

test('run as an AppImage, the wallet registers its links, and a link the desktop opens reaches the open window', { skip: (!ref && 'MCX_OID4VC is not set') || ((spawnSync('xdg-open', ['--version']).error || spawnSync('gio', ['--version']).error) && 'xdg-utils or gio is not installed') }, async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'mcx-appimage-'));
  const env = { ...process.env, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config') };
  // The "AppImage": a program that starts the wallet on the open window's wallet.
  const image = path.join(home, 'MicroCredX_Wallet.AppImage');
  writeFileSync(image, `#!/bin/sh\nexec "${appBinary()}" --wallet "${app.dir}" "$@"\n`);
  chmodSync(image, 0o755);
  // Its first start, on a wallet of its own: the runtime names the image in $APPIMAGE.
  const first = spawn(appBinary(), ['--wallet', path.join(home, 'own-wallet')], { env: { ...env, APPIMAGE: image }, stdio: 'ignore' });
  const list = path.join(home, 'config', 'mimeapps.list');
  const registered = await until(() => existsSync(list) && readFileSync(list, 'utf8').includes('x-scheme-handler/openid4vp=microcredx-wallet-appimage.desktop'), 30);
  first.kill();
  assert.ok(registered, existsSync(list) ? readFileSync(list, 'utf8') : 'no mimeapps.list');
  const entry = readFileSync(path.join(home, 'data', 'applications', 'microcredx-wallet-appimage.desktop'), 'utf8');
  assert.match(entry, new RegExp(`Exec="${image.replace(/[.]/g, '\\.')}" %u`));
  const query = spawnSync('xdg-mime', ['query', 'default', 'x-scheme-handler/openid-credential-offer'], { env, encoding: 'utf8' });
  assert.equal(query.stdout.trim(), 'microcredx-wallet-appimage.desktop');

  // A request link, opened the way a browser hands it to the desktop.
  const verifier = startReference(ref, 'verifier', '--formats', 'ldp_vc', '--preset', 'title,ects');
  const ready = await verifier.next();
  const { browser } = app;
  await byTestId(browser, 'nav-wallet').click();
  // As a GNOME desktop opens it (gio): xdg-utils 1.1.3's own fallback takes a scheme with a
  // digit (openid4vp) for a file name.
  const opened = spawnSync('xdg-open', [ready.authorization_request], { env: { ...env, XDG_CURRENT_DESKTOP: 'GNOME' }, encoding: 'utf8', timeout: 30000 });
  assert.equal(opened.status, 0, opened.stderr);
  // This verifier's request, not the one answered before.
  await browser.waitUntil(async () => (await byTestId(browser, 'present-verifier').isExisting())
    && (await byTestId(browser, 'present-verifier').getText()).includes(ready.verifier_did), { timeout: 30000 });
  assert.equal(await byTestId(browser, 'present-verifier').getAttribute('data-verified'), 'yes');
  await byTestId(browser, 'present-decline').click();
  await byTestId(browser, 'present-declined').waitForDisplayed({ timeout: 30000 });
  assert.equal((await verifier.next()).verified, false, 'the verifier was told no');
});
