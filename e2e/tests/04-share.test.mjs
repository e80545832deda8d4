// Sharing through the real app: the demo learner saves a PDF portfolio (which `mcx verify`
// then checks, as an employer would), and makes a share link with its QR code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { appBinary, byTestId, openApp, screenshot } from '../harness.mjs';

const mcx = process.env.MCX_BIN ?? path.join(path.dirname(appBinary()), 'mcx');
const out = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-share-'));
let app;
before(async () => {
  app = await openApp();
  await byTestId(app.browser, 'empty-wallet').waitForDisplayed({ timeout: 15000 });
  await byTestId(app.browser, 'load-demo').click();
  await byTestId(app.browser, 'credential-list').waitForDisplayed({ timeout: 30000 });
  await app.browser.waitUntil(async () => (await byTestId(app.browser, 'total-count').getText()) === '10', { timeout: 15000 });
});
after(async () => {
  await app?.close();
  rmSync(out, { recursive: true, force: true });
});

const checked = (browser) => browser.execute(() =>
  [...document.querySelectorAll('[data-testid="share-item"]')].map((el) => ({ checked: el.checked, disabled: el.disabled })));

test('the Share screen preselects the verified credentials; the expired and the revoked one may be added', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-share').click();
  await byTestId(browser, 'share-item').waitForExist({ timeout: 15000 });
  const items = await checked(browser);
  assert.equal(items.length, 10);
  assert.equal(items.filter((i) => i.checked).length, 8);
  // Genuine but not in force (one expired, one revoked): not preselected, but not refused.
  assert.equal(items.filter((i) => i.disabled).length, 0);
  assert.match(await byTestId(browser, 'share-count').getText(), /8 selected/);
});

test('saving the PDF portfolio writes a file that mcx verify accepts', async () => {
  const { browser } = app;
  await byTestId(browser, 'share-folder').setValue(out);
  await byTestId(browser, 'share-qualification').selectByVisibleText('Certificate in Industry 4.0');
  await byTestId(browser, 'share-pdf').click();
  const saved = byTestId(browser, 'share-saved');
  await saved.waitForDisplayed({ timeout: 60000 });
  const file = await saved.getAttribute('data-path');
  assert.ok(file.startsWith(out) && file.endsWith('.pdf'), file);
  assert.ok(existsSync(file));
  assert.match(await saved.getText(), /8 credentials/);
  const r = spawnSync(mcx, ['--wallet', path.join(out, 'employer'), 'verify', file], { encoding: 'utf8' });
  // The employer's fresh wallet has not cached the institutions' did:web documents, so the
  // credentials inside are "not checked"; the PDF itself must be intact and its presentation
  // signed by the learner.
  assert.match(r.stdout, /signature by did:key:\S+ matches/, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /INVALID/, r.stdout);
});

test('the share link comes with a QR code when it fits, and says so when it does not', async () => {
  const { browser } = app;
  await byTestId(browser, 'share-link').click();
  const text = byTestId(browser, 'share-link-text');
  await text.waitForDisplayed({ timeout: 30000 });
  const link = await text.getValue();
  // The demo network's signed registry names where its verifier page lives: links point there.
  assert.match(link, /^https:\/\/verify\.microcredx\.example\/#vp=[A-Za-z0-9_-]+$/);
  assert.equal(await byTestId(browser, 'share-link-result').getAttribute('data-shareable'), 'true');
  assert.equal(await byTestId(browser, 'share-link-local-only').isExisting(), false);
  assert.match(await byTestId(browser, 'share-qr-problem').getText(), /too long for a QR code/);
  const r = spawnSync(mcx, ['--wallet', path.join(out, 'w2'), 'verify', link], { encoding: 'utf8' });
  assert.match(r.stdout, /Verifiable Presentation/, r.stdout + r.stderr);

  // One credential: the link fits in a QR code.
  await browser.$('button=Clear the selection').click();
  await browser.$('[data-testid="share-item"]:not([disabled])').click();
  await byTestId(browser, 'share-link').click();
  await byTestId(browser, 'share-qr').waitForDisplayed({ timeout: 30000 });
  const src = await byTestId(browser, 'share-qr').getAttribute('src');
  assert.match(src, /^data:image\/png;base64,/);
  await browser.execute(() => document.querySelector('[data-testid="share-qr"]').scrollIntoView({ block: 'center' }));
  await screenshot(browser, 'share');

  // Each chosen credential has its own verification link (copied with a button) and an
  // "Add to LinkedIn profile" button, enabled because the page is one an employer can open.
  await byTestId(browser, 'share-each').waitForDisplayed({ timeout: 30000 });
  await browser.waitUntil(async () => (await browser.$$('[data-testid="share-each-copy"]')).length >= 1, { timeout: 30000 });
  const own = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="share-each-item"]')].map((el) => ({
      copy: !!el.querySelector('[data-testid="share-each-copy"]'),
      linkedin: !el.querySelector('[data-testid="share-linkedin"]')?.disabled,
      problem: el.querySelector('[data-testid="share-each-problem"]')?.textContent ?? null,
    })),
  );
  assert.ok(own.length >= 1, JSON.stringify(own));
  assert.ok(own.every((o) => o.copy && o.linkedin && o.problem === null), JSON.stringify(own));
  assert.equal(await byTestId(browser, 'share-linkedin-why').isExisting(), false);
  await browser.execute(() => document.querySelector('[data-testid="share-each"]').scrollIntoView({ block: 'start' }));
  await browser.pause(300);
  await screenshot(browser, 'share-each');
});
