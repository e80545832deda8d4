// A wallet on a read-only medium (issue 17): a USB stick or a mounted backup. The real app
// opens it, says "Read-only: changes are off", and still lists and shows every credential.
// Mounting needs root (as in CI); elsewhere the test is skipped with a note.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { appBinary, byTestId, openApp, screenshot } from '../harness.mjs';

const mcx = process.env.MCX_BIN ?? path.join(path.dirname(appBinary()), 'mcx');
const mnt = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-ro-'));
const wallet = path.join(mnt, 'wallet');
const sh = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });
const mounted = process.getuid?.() === 0 && sh('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]).status === 0;
let app;

before(async () => {
  if (!mounted) return;
  const demo = sh(mcx, ['--wallet', wallet, 'demo', 'load']);
  assert.equal(demo.status, 0, demo.stdout + demo.stderr);
  assert.equal(sh('mount', ['-o', 'remount,ro', mnt]).status, 0);
  app = await openApp({ wallet });
});
after(async () => {
  await app?.close();
  if (mounted) {
    // The app's processes may still be letting go of the medium for a moment.
    for (let i = 0; i < 20 && sh('umount', [mnt]).status !== 0; i++) await new Promise((r) => setTimeout(r, 250));
    if (sh('mountpoint', ['-q', mnt]).status === 0) sh('umount', ['-l', mnt]);
  }
  try {
    rmSync(mnt, { recursive: true, force: true });
  } catch (e) {
    console.error(`could not remove ${mnt}: ${e.message}`);
  }
});

test('a wallet on a read-only medium opens with changes off, import and re-checking disabled, and every credential listed', { skip: !mounted && 'needs root to mount a read-only tmpfs' }, async () => {
  const { browser } = app;
  const banner = byTestId(browser, 'read-only-banner');
  await banner.waitForDisplayed({ timeout: 30000 });
  assert.match(await banner.getText(), /Read-only: changes are off/);
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 30000 });
  await browser.waitUntil(async () => (await byTestId(browser, 'total-count').getText()) === '10', { timeout: 15000 });
  await screenshot(browser, 'read-only');
  // Whatever would write is off, and says why; reading is not.
  for (const id of ['add-more', 'reverify-all']) {
    const button = byTestId(browser, id);
    assert.equal(await button.isEnabled(), false, `${id} is off on a read-only wallet`);
    assert.equal(await button.getAttribute('title'), 'Off while the wallet is read-only');
  }
  await byTestId(browser, 'nav-import').click();
  const note = byTestId(browser, 'import-read-only');
  await note.waitForDisplayed({ timeout: 10000 });
  assert.match(await note.getText(), /Adding credentials is off while this wallet is read-only/);
  for (const id of ['import-choose-files', 'import-choose-folder', 'import-text-submit', 'import-paths-submit']) {
    assert.equal(await byTestId(browser, id).isEnabled(), false, `${id} is off on a read-only wallet`);
  }
  await screenshot(browser, 'read-only-import');
  await byTestId(browser, 'nav-wallet').click();
  // Nothing was written: the medium is read-only, and the wallet still reads the same.
  const r = sh(mcx, ['--wallet', wallet, 'list']);
  assert.match(r.stdout, /10 credentials/, r.stdout + r.stderr);
});
