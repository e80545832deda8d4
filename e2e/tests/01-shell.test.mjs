// The app opens on an empty wallet, says what it is for, and navigates between its sections.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, openApp, screenshot } from '../harness.mjs';

let app;
before(async () => { app = await openApp(); });
after(async () => { await app?.close(); });

test('the window shows the empty wallet with its two first actions', async () => {
  const { browser } = app;
  const empty = byTestId(browser, 'empty-wallet');
  await empty.waitForDisplayed({ timeout: 15000 });
  assert.equal(await browser.getTitle(), 'MicroCredX Wallet');
  const text = await empty.getText();
  assert.match(text, /Import credentials/);
  assert.match(text, /demo wallet/i);
  await screenshot(browser, 'wallet-empty');
});

test('the footer shows the wallet the app opened and the version', async () => {
  const { browser, dir } = app;
  const where = byTestId(browser, 'wallet-path');
  await where.waitForDisplayed({ timeout: 10000 });
  assert.equal((await where.getText()).trim(), dir);
  const version = await byTestId(browser, 'app-version').getText();
  assert.match(version, /\d+\.\d+\.\d+/);
});

test('each section of the navigation opens its screen', async () => {
  const { browser } = app;
  for (const name of ['import', 'qualifications', 'share', 'settings', 'wallet']) {
    await byTestId(browser, `nav-${name}`).click();
    const screen = byTestId(browser, `screen-${name}`);
    await screen.waitForDisplayed({ timeout: 5000 });
    assert.equal(await byTestId(browser, `nav-${name}`).getAttribute('aria-current'), 'page');
    if (name !== 'wallet') await screenshot(browser, `section-${name}`);
  }
});
