// The demo wallet through the real app: its qualifications, and the audit of one of them, as
// the Rust core counts the learner's credentials toward it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, openApp, screenshot } from '../harness.mjs';

let app;
before(async () => {
  app = await openApp();
  await byTestId(app.browser, 'empty-wallet').waitForDisplayed({ timeout: 15000 });
});
after(async () => { await app?.close(); });

/** Text of every element with this data-testid, read from the DOM (see 02-wallet on why). */
async function texts(browser, testid) {
  return browser.execute(
    (id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].map((el) => el.textContent.replace(/\s+/g, ' ').trim()),
    testid,
  );
}

test('loading the demo wallet brings its credentials', async () => {
  const { browser } = app;
  await byTestId(browser, 'load-demo').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 30000 });
  await browser.waitUntil(async () => (await byTestId(browser, 'total-count').getText()) === '10', { timeout: 15000 });
  // Two of them are genuine but not in force (one revoked, one expired): "Expired or revoked",
  // kept apart from forgeries, of which the demo has none.
  await byTestId(browser, 'filter-status').selectByAttribute('value', 'inactive');
  await browser.waitUntil(async () => (await texts(browser, 'credential-card')).length === 2, { timeout: 5000 });
  const lapsed = await texts(browser, 'credential-card');
  assert.ok(lapsed.some((c) => /Green Transition in Industry/.test(c) && /Expired \S.*2025/.test(c)), lapsed.join('\n'));
  assert.ok(lapsed.some((c) => /Secure Networks Fundamentals/.test(c) && /Revoked/.test(c)), lapsed.join('\n'));
  assert.ok(lapsed.every((c) => !/Not valid|imported anyway/.test(c)), lapsed.join('\n'));
  await byTestId(browser, 'filter-status').selectByAttribute('value', 'invalid');
  await browser.waitUntil(async () => (await texts(browser, 'credential-card')).length === 0, { timeout: 5000 });
  await byTestId(browser, 'filter-status').selectByAttribute('value', '');
});

test('the expired demo credential is shown as genuine and expired, its proof and issuer passing', async () => {
  const { browser } = app;
  await byTestId(browser, 'filter-status').selectByAttribute('value', 'inactive');
  await browser.waitUntil(async () => (await texts(browser, 'credential-card')).length === 2, { timeout: 5000 });
  await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="credential-card"]')]
      .find((el) => /Green Transition in Industry/.test(el.textContent))
      .click(),
  );
  await byTestId(browser, 'detail-verdict').waitForDisplayed({ timeout: 10000 });
  const verdict = byTestId(browser, 'detail-verdict');
  assert.equal(await verdict.getAttribute('data-verdict'), 'inactive');
  assert.equal(await verdict.getAttribute('data-lapse'), 'expired');
  const text = (await texts(browser, 'detail-verdict'))[0];
  assert.match(text, /^Genuine — Expired on \S.*2025/);
  assert.doesNotMatch(text, /Not valid/);
  const steps = await browser.execute(() =>
    Object.fromEntries([...document.querySelectorAll('[data-testid="verification-step"]')].map((el) => [el.dataset.step, el.dataset.status])),
  );
  assert.equal(steps.proof, 'pass', JSON.stringify(steps));
  assert.equal(steps['issuer-identity'], 'pass', JSON.stringify(steps));
  await screenshot(browser, 'credential-expired');
  await byTestId(browser, 'back-to-list').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 5000 });
  await byTestId(browser, 'filter-status').selectByAttribute('value', '');
});

test('a provider outside the network is shown as a genuine signature whose issuer nothing confirms', async () => {
  const { browser } = app;
  // Academia Abierta de Competencias signs with a did:key that the demo registry does not list:
  // anyone could make such a key and give it any name.
  await browser.waitUntil(async () => (await texts(browser, 'credential-card')).length === 10, { timeout: 5000 });
  const cardsNow = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="credential-card"]')].map((el) => ({
      text: el.textContent.replace(/\s+/g, ' ').trim(),
      unconfirmed: !!el.querySelector('[data-testid="unconfirmed-badge"]'),
    })),
  );
  const outside = cardsNow.filter((c) => c.unconfirmed);
  assert.equal(outside.length, 1, JSON.stringify(cardsNow));
  assert.match(outside[0].text, /Agile Project Management/);
  assert.match(outside[0].text, /Issuer not confirmed/);
  await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="credential-card"]')]
      .find((el) => /Agile Project Management/.test(el.textContent))
      .click(),
  );
  await byTestId(browser, 'issuer-standing').waitForDisplayed({ timeout: 10000 });
  assert.equal(await byTestId(browser, 'issuer-standing').getAttribute('data-kind'), 'unconfirmed');
  const standing = (await texts(browser, 'issuer-standing'))[0];
  assert.match(standing, /^Genuine signature, but nothing confirms who the issuer is: it calls itself “Academia Abierta de Competencias” \(did:key:z6Mk\w+\), which is not in the trust registry of MicroCredX Recognition Network\./);
  assert.equal(await byTestId(browser, 'detail-issuer-unconfirmed').isExisting(), true);
  await screenshot(browser, 'credential-unconfirmed-issuer');
  await byTestId(browser, 'back-to-list').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 5000 });

  // A member's credential says whose registry vouches for it.
  await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="credential-card"]')]
      .find((el) => /Industry 4\.0 Fundamentals/.test(el.textContent))
      .click(),
  );
  await byTestId(browser, 'issuer-standing').waitForDisplayed({ timeout: 10000 });
  assert.equal(await byTestId(browser, 'issuer-standing').getAttribute('data-kind'), 'member');
  assert.match((await texts(browser, 'issuer-standing'))[0], /Issued by a member of MicroCredX Recognition Network \(as its signed registry says\)/);
  await byTestId(browser, 'back-to-list').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 5000 });
});

test('the Qualifications screen lists the demo network’s four qualifications', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-qualifications').click();
  await byTestId(browser, 'qualification-list').waitForDisplayed({ timeout: 10000 });
  const items = await texts(browser, 'qualification-item');
  assert.equal(items.length, 4, items.join('\n'));
  const i40 = items.find((t) => /Certificate in Industry 4\.0/.test(t));
  assert.ok(i40, items.join('\n'));
  assert.match(i40, /Technische Hochschule Nordstadt/);
  assert.match(i40, /30 ECTS in total/);
  assert.match(i40, /Signed by the institution/);
  await screenshot(browser, 'qualifications-list');
});

test('Certificate in Industry 4.0: what counts, by which rule, what does not and why, what is missing', async () => {
  const { browser } = app;
  const id = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="qualification-item"]')]
      .find((el) => /Certificate in Industry 4\.0/.test(el.textContent))
      ?.getAttribute('data-id'),
  );
  assert.ok(id);
  await browser.$(`[data-testid="qualification-item"][data-id="${id}"]`).click();
  await byTestId(browser, 'audit').waitForDisplayed({ timeout: 20000 });

  assert.equal(await byTestId(browser, 'audit-title').getText(), 'Certificate in Industry 4.0');
  assert.equal((await byTestId(browser, 'audit-complete').getText()).trim(), 'Not complete yet');
  assert.equal(await byTestId(browser, 'audit-complete').getAttribute('data-complete'), 'false');
  assert.match((await texts(browser, 'audit-progress'))[0], /^\d+ of 30 ECTS$/);

  const statuses = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="requirement"]')].map((el) => el.getAttribute('data-status')),
  );
  assert.ok(statuses.length >= 2, String(statuses));
  assert.ok(statuses.every((s) => ['met', 'partlyMet', 'unmet'].includes(s)), String(statuses));
  assert.ok(statuses.includes('met') && statuses.some((s) => s !== 'met'), String(statuses));

  const counted = await texts(browser, 'counted-credential');
  assert.ok(counted.length > 0);
  assert.ok(counted.some((c) => /Industry 4\.0 Fundamentals/.test(c) && /counts as the module/.test(c)), counted.join('\n'));
  assert.ok(counted.every((c) => /counts/.test(c)), counted.join('\n'));

  const notCounted = await texts(browser, 'not-counted');
  const revoked = notCounted.find((c) => /Secure Networks Fundamentals/.test(c));
  assert.ok(revoked, notCounted.join('\n'));
  assert.match(revoked, /revoked/);
  assert.ok(!counted.some((c) => /Secure Networks Fundamentals/.test(c)));

  const missing = await texts(browser, 'missing-item');
  assert.ok(missing.length > 0);
  assert.ok(missing.some((m) => /more ECTS/.test(m)), missing.join('\n'));
  assert.equal(await byTestId(browser, 'rules-warning').isExisting(), false, 'the demo rules are signed');

  // What would complete it, from the network's catalogue (the demo loads it).
  const suggested = await texts(browser, 'suggested-item');
  assert.ok(suggested.length > 0, 'a suggestion from the catalogue');
  assert.ok(suggested.every((s) => /\d+ ECTS/.test(s)), suggested.join('\n'));
  assert.match((await texts(browser, 'suggestion-summary'))[0], /to complete Certificate in Industry 4\.0/);

  await screenshot(browser, 'qualification-audit');
  await browser.execute(() => document.querySelector('[data-testid="audit-missing"]').scrollIntoView());
  await browser.pause(300);
  await screenshot(browser, 'qualification-audit-missing');
});

test('what if: the suggested catalogue offers, counted as if held, complete it; back to real progress', async () => {
  const { browser } = app;
  const offers = await texts(browser, 'what-if-offer');
  assert.ok(offers.length > 2, offers.join('\n'));
  assert.ok(offers.some((o) => /suggested/.test(o)), 'the suggestion is marked among the offers');
  await byTestId(browser, 'what-if-suggested').scrollIntoView({ block: 'center' });
  await byTestId(browser, 'what-if-suggested').click();
  await byTestId(browser, 'what-if-clear').waitForDisplayed({ timeout: 20000 });
  assert.equal(await byTestId(browser, 'audit-complete').getAttribute('data-complete'), 'true');
  assert.match((await texts(browser, 'audit-complete'))[0], /Complete with the planned ones/);
  assert.match((await texts(browser, 'audit-what-if'))[0], /planned micro-credentials from the catalogue/);
  assert.ok((await texts(browser, 'counted-planned')).length > 0, 'planned offers are marked in the tree');
  await browser.execute(() => window.scrollTo(0, 0));
  await browser.pause(300);
  await screenshot(browser, 'qualification-what-if');
  await byTestId(browser, 'what-if-clear').click();
  await browser.waitUntil(async () => !(await byTestId(browser, 'audit-what-if').isExisting()), { timeout: 20000 });
  assert.equal(await byTestId(browser, 'audit-complete').getAttribute('data-complete'), 'false');
});

test('a counted credential opens in the wallet, and the audit is still there afterwards', async () => {
  const { browser } = app;
  await browser.execute(() => document.querySelector('[data-testid="counted-credential"] button').click());
  await byTestId(browser, 'detail-title').waitForDisplayed({ timeout: 10000 });
  assert.equal(await byTestId(browser, 'nav-wallet').getAttribute('aria-current'), 'page');
  await byTestId(browser, 'nav-qualifications').click();
  await byTestId(browser, 'audit').waitForDisplayed({ timeout: 20000 });
  await byTestId(browser, 'back-to-qualifications').click();
  await byTestId(browser, 'qualification-list').waitForDisplayed({ timeout: 5000 });
});
