// Real credentials through the real app: paste and folder import, the wallet list with search
// and filters, the credential screen, and untrusted markup that must stay text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { byTestId, importResults, openApp, repo, screenshot } from '../harness.mjs';

const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
const MCX = process.env.MCX_CLI ?? path.join(target, 'debug', 'mcx');
const fixtures = path.join(repo, 'e2e', 'fixtures');

let app;
let work;
const signed = {};

/** Sign a template from e2e/fixtures with `key`, into the work folder. */
function sign(key, name) {
  const out = path.join(work, 'signed', name);
  execFileSync(MCX, ['issue', '--key', key, '--suite', 'jcs', '--issuer-from-key', '--out', out, path.join(fixtures, name)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-data-'));
  mkdirSync(path.join(work, 'signed'));
  const key = path.join(work, 'issuer.key');
  execFileSync(MCX, ['key', 'new', '--out', key], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const name of ['micro-data-analytics.json', 'micro-machine-learning.json', 'micro-sustainability.json', 'micro-xss.json']) {
    signed[name] = sign(key, name);
  }
  // A folder as a learner would have it: two credentials and a file that is not one.
  const batch = path.join(work, 'batch');
  mkdirSync(batch);
  copyFileSync(signed['micro-machine-learning.json'], path.join(batch, 'machine-learning.json'));
  copyFileSync(signed['micro-sustainability.json'], path.join(batch, 'sustainability.json'));
  writeFileSync(path.join(batch, 'notes.json'), '{"todo": "ask about the exam"}\n');
  signed.batch = batch;
  // The classic forgery: more ECTS credits than were awarded, the signature left as it was.
  const forged = JSON.parse(readFileSync(signed['micro-data-analytics.json'], 'utf8'));
  forged.credentialSubject.achievement.creditsAvailable = 50;
  signed.tampered = JSON.stringify(forged, null, 2);

  app = await openApp();
  await byTestId(app.browser, 'empty-wallet').waitForDisplayed({ timeout: 15000 });
});

after(async () => {
  await app?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Put text into a field the way a paste does (one input event, not one per key). */
async function fill(browser, testid, text) {
  await browser.execute(
    (id, value) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      el.focus();
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    testid,
    text,
  );
}

async function openImport(browser) {
  await byTestId(browser, 'nav-import').click();
  await byTestId(browser, 'screen-import').waitForDisplayed({ timeout: 5000 });
}

async function openWallet(browser) {
  await byTestId(browser, 'nav-wallet').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 10000 });
}

/** The card whose text matches `pattern` (the list renders only the cards in view). */
async function cardWith(browser, pattern) {
  const found = (await cards(browser)).find((c) => pattern.test(c.text));
  if (!found) throw new Error(`no card matches ${pattern}`);
  return browser.$(`[data-testid="credential-card"][data-id="${found.id}"]`);
}

// The cards' text is read from the DOM: WebKitWebDriver's visible-text algorithm skips text
// that is clipped with an ellipsis, although it is on screen (see the wallet-list screenshot).
async function cards(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="credential-card"]')].map((card) => ({
      id: card.getAttribute('data-id'),
      text: card.textContent.replace(/\s+/g, ' ').trim(),
    })),
  );
}

test('a tampered credential is rejected because its signature does not match', async () => {
  const { browser } = app;
  await openImport(browser);
  await fill(browser, 'import-text', signed.tampered);
  await byTestId(browser, 'import-text-submit').click();
  const items = await importResults(browser);
  assert.equal(items.length, 1);
  assert.equal(items[0].outcome, 'rejected');
  assert.match(items[0].text, /signature does not match/);
});

test('a pasted valid credential is imported and listed as Verified', async () => {
  const { browser } = app;
  await fill(browser, 'import-text', readFileSync(signed['micro-data-analytics.json'], 'utf8'));
  await byTestId(browser, 'import-text-submit').click();
  const items = await importResults(browser);
  assert.deepEqual(items.map((i) => i.outcome), ['imported']);
  assert.match(items[0].text, /Data Analytics with Python/);

  await openWallet(browser);
  const list = await cards(browser);
  assert.equal(list.length, 1);
  assert.match(list[0].text, /Data Analytics with Python/);
  assert.match(list[0].text, /Universität Beispielstadt/);
  assert.match(list[0].text, /Verified/);
  assert.match(list[0].text, /5 ECTS/);
  await browser.waitUntil(async () => (await byTestId(browser, 'total-ects').getText()) === '5', {
    timeout: 10000,
    timeoutMsg: 'the verified ECTS total did not arrive',
  });
});

test('a folder imported through the paths box gives one result per file', async () => {
  const { browser } = app;
  await openImport(browser);
  await fill(browser, 'import-paths', `${signed.batch}\n`);
  await byTestId(browser, 'import-paths-submit').click();
  const items = await importResults(browser);
  assert.equal(items.length, 3, JSON.stringify(items));
  const outcomes = items.map((i) => i.outcome).sort();
  assert.deepEqual(outcomes, ['imported', 'imported', 'rejected']);
  const rejected = items.find((i) => i.outcome === 'rejected');
  assert.match(rejected.text, /notes\.json/);
  assert.equal(await byTestId(browser, 'import-progress').isExisting(), false, 'the bar goes once done');
  await browser.pause(600); // the results scroll into view
  await screenshot(browser, 'import-results');

  // The same folder again: everything it held is already in the wallet.
  await byTestId(browser, 'import-paths-submit').click();
  await browser.waitUntil(async () => (await importResults(browser)).filter((i) => i.outcome === 'duplicate').length === 2, {
    timeout: 20000,
  });
});

test('the wallet lists, totals, searches and filters the credentials', async () => {
  const { browser } = app;
  await openWallet(browser);
  await browser.waitUntil(async () => (await cards(browser)).length === 3, { timeout: 10000 });
  assert.equal(await byTestId(browser, 'total-count').getText(), '3');
  // 5 + 6 + 3, all verified (summed by the core once the whole listing is in; '…' before).
  await browser.waitUntil(async () => (await byTestId(browser, 'total-ects').getText()) === '14', {
    timeout: 10000,
    timeoutMsg: 'the verified ECTS total did not arrive',
  });
  await screenshot(browser, 'wallet-list');

  await byTestId(browser, 'credential-search').setValue('machine');
  await browser.waitUntil(async () => (await cards(browser)).length === 1, { timeout: 5000 });
  assert.match((await cards(browser))[0].text, /Machine Learning Foundations/);
  await fill(browser, 'credential-search', ''); // WebDriver's Clear sends no input event
  await browser.waitUntil(async () => (await cards(browser)).length === 3, { timeout: 5000 });

  await byTestId(browser, 'filter-issuer').selectByVisibleText('Université Exemple');
  await browser.waitUntil(async () => (await cards(browser)).length === 1, { timeout: 5000 });
  assert.match((await cards(browser))[0].text, /Sustainable Supply Chains/);
  await byTestId(browser, 'filter-issuer').selectByAttribute('value', '');

  await byTestId(browser, 'sort-select').selectByAttribute('value', 'ects');
  await browser.waitUntil(async () => /Machine Learning/.test((await cards(browser))[0]?.text ?? ''), { timeout: 5000 });
  await byTestId(browser, 'sort-select').selectByAttribute('value', 'date');
});

test('a credential opens with its steps, Annex I completeness and original; Back returns', async () => {
  const { browser } = app;
  await openWallet(browser);
  const card = await cardWith(browser, /Data Analytics with Python/);
  await card.click();
  await byTestId(browser, 'credential-detail').waitForDisplayed({ timeout: 10000 });
  await byTestId(browser, 'detail-title').waitForDisplayed({ timeout: 10000 });
  assert.equal(await byTestId(browser, 'detail-title').getText(), 'Data Analytics with Python');
  assert.match(await byTestId(browser, 'detail-verdict').getText(), /^Verified/);
  // Its badge image came as a PNG data URI and is shown; nothing is fetched.
  assert.match(await byTestId(browser, 'detail-badge').getAttribute('src'), /^data:image\/png;base64,iVBOR/);
  const steps = await browser.$$('[data-testid="verification-step"]');
  assert.ok(steps.length >= 5);
  assert.equal(await steps[0].getAttribute('data-status'), 'pass');
  const stepText = [];
  for (const step of steps) stepText.push(await step.getText());
  assert.ok(stepText.some((s) => /Signature/.test(s) && /nothing was changed/.test(s)), stepText.join('\n'));
  assert.match(await byTestId(browser, 'annex-completeness').getText(), /11 of 11/);
  const original = await byTestId(browser, 'original-document').getText();
  assert.match(original, /"proof"/);
  assert.match(original, /eddsa-jcs-2022/);
  await screenshot(browser, 'credential-detail');
  await browser.execute(() => document.querySelector('[data-testid="annex-completeness"]').scrollIntoView());
  await screenshot(browser, 'credential-detail-checks');
  await browser.execute(() => document.querySelector('[data-testid="original-document"]').scrollIntoView({ block: 'center' }));
  await browser.pause(300);
  await screenshot(browser, 'credential-detail-original');

  await byTestId(browser, 'back-to-list').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 5000 });
  // Keyboard: Enter on a focused card opens it too.
  await browser.execute(() => document.querySelector('[data-testid="credential-card"]').focus());
  await browser.keys('Enter');
  await byTestId(browser, 'credential-detail').waitForDisplayed({ timeout: 5000 });
  await byTestId(browser, 'back-to-list').click();
});

test('markup and scripts inside a credential are shown as text and never run', async () => {
  const { browser } = app;
  await openImport(browser);
  await fill(browser, 'import-paths', signed['micro-xss.json']);
  await byTestId(browser, 'import-paths-submit').click();
  const items = await importResults(browser);
  assert.deepEqual(items.map((i) => i.outcome), ['imported']);
  assert.match(items[0].text, /<img src=x onerror=/);

  await openWallet(browser);
  const card = await cardWith(browser, /Evil Academy/);
  assert.match(
    await browser.execute((c) => c.textContent, card),
    /<img src=x onerror="window.__xss=6">Evil Academy/,
  );
  await card.click();
  await byTestId(browser, 'detail-title').waitForDisplayed({ timeout: 10000 });
  assert.equal(
    await byTestId(browser, 'detail-title').getText(),
    '<img src=x onerror="window.__xss=1"><script>window.__xss=7</script>',
  );
  const detail = await byTestId(browser, 'credential-detail').getText();
  assert.match(detail, /<script>window.__xss=2<\/script><b>bold\?<\/b>/);
  assert.match(detail, /<svg onload="window.__xss=3"><\/svg>Eve/);
  assert.match(detail, /<iframe src="javascript:window.__xss=4"><\/iframe>/);
  await browser.pause(500); // give any injected handler the chance to fire
  assert.equal(await browser.execute(() => window.__xss), null);
  const injected = await browser.execute(
    () => document.querySelectorAll('[data-testid="credential-detail"] :is(img, script, svg:not(.icon), iframe, a, b)').length,
  );
  assert.equal(injected, 0);
  // Its "badge" (an SVG with a script) and a tracking-pixel URL were dropped by the core: no image.
  assert.equal(await browser.execute(() => document.querySelectorAll('main img, main iframe').length), 0);
  await byTestId(browser, 'back-to-list').click();
});

test('a credential can be removed after confirming', async () => {
  const { browser } = app;
  await openWallet(browser);
  const before = (await cards(browser)).length;
  await (await cardWith(browser, /Evil Academy/)).click();
  await byTestId(browser, 'remove-credential').waitForDisplayed({ timeout: 10000 });
  await byTestId(browser, 'remove-credential').click();
  await byTestId(browser, 'remove-confirm').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 10000 });
  await browser.waitUntil(async () => (await cards(browser)).length === before - 1, { timeout: 10000 });
});
