// Protecting the wallet through the real app: a passphrase, a backup, locking and unlocking,
// and restoring the backup into a fresh wallet.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { byTestId, fill, openApp, screenshot } from '../harness.mjs';

const out = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-protect-'));
const backup = path.join(out, 'wallet.mcxbackup');
const apps = [];
after(async () => {
  for (const a of apps) await a.close();
  rmSync(out, { recursive: true, force: true });
});

async function settings(browser) {
  await byTestId(browser, 'nav-settings').click();
  await byTestId(browser, 'settings-protection').waitForDisplayed({ timeout: 15000 });
}

async function done(browser, pattern) {
  const read = () => browser.execute(() => ({
    done: document.querySelector('[data-testid="protect-done"]')?.textContent ?? '',
    error: document.querySelector('[data-testid="error-notice"]')?.textContent ?? '',
  }));
  let last;
  try {
    await browser.waitUntil(async () => { last = await read(); return pattern.test(last.done) || last.error !== ''; }, { timeout: 60000 });
  } catch {
    /* reported below */
  }
  assert.match(last?.done ?? '', pattern, `no "${pattern}": ${JSON.stringify(last)}`);
}

/** Every file under a folder, read as bytes. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f));
}

test('a passphrase encrypts the wallet; a backup is saved; locked, it opens again with the passphrase', async () => {
  const app = await openApp();
  apps.push(app);
  const { browser } = app;
  await byTestId(browser, 'load-demo').click();
  await browser.waitUntil(async () => (await byTestId(browser, 'total-count').getText()) === '10', { timeout: 30000 });

  await settings(browser);
  await fill(browser, 'protect-pass', 'correct horse battery');
  await fill(browser, 'protect-confirm', 'correct horse battery');
  await byTestId(browser, 'protect-set').click();
  await done(browser, /now encrypted/);
  // Nothing readable is left in the wallet's files.
  assert.ok(filesUnder(app.dir).every((bytes) => !bytes.includes('Maria Ionescu')), 'no learner name in the wallet files');

  await fill(browser, 'backup-path', backup);
  await fill(browser, 'backup-pass', 'backup secret');
  await byTestId(browser, 'backup-save').click();
  await done(browser, /backup of 10 credentials/);
  assert.ok(existsSync(backup));
  await screenshot(browser, 'settings-protection');

  await byTestId(browser, 'protect-lock').click();
  const form = byTestId(browser, 'unlock-form');
  await form.waitForDisplayed({ timeout: 15000 });
  await form.$('input').setValue('wrong passphrase');
  await form.$('button[type="submit"]').click();
  await byTestId(browser, 'error-notice').waitForDisplayed({ timeout: 30000 });
  assert.equal(await byTestId(browser, 'error-notice').getAttribute('data-code'), 'wrong_passphrase');
  await form.$('input').clearValue();
  await form.$('input').setValue('correct horse battery');
  await form.$('button[type="submit"]').click();
  await browser.waitUntil(async () => (await byTestId(browser, 'total-count').isExisting())
    && (await byTestId(browser, 'total-count').getText()) === '10', { timeout: 30000 });
});

test('the backup restores into a fresh wallet, whole', async () => {
  await apps.pop().close();
  const app = await openApp();
  apps.push(app);
  const { browser } = app;
  await byTestId(browser, 'empty-wallet').waitForDisplayed({ timeout: 15000 });
  await settings(browser);
  await fill(browser, 'restore-path', backup);
  await fill(browser, 'restore-pass', 'backup secret');
  await byTestId(browser, 'restore-merge').click(); // into an empty wallet: no merge needed
  await byTestId(browser, 'restore-run').click();
  await done(browser, /Restored 10 credentials/);
  await byTestId(browser, 'nav-wallet').click();
  await browser.waitUntil(async () => (await byTestId(browser, 'total-count').isExisting())
    && (await byTestId(browser, 'total-count').getText()) === '10', { timeout: 30000 });
});
