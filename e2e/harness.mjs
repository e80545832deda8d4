// Shared helpers for the end-to-end tests: where the app is, and a WebDriver session on it
// with a fresh wallet directory.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

export const DRIVER_PORT = Number(process.env.MCX_E2E_PORT ?? 4444);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..');
export const artifacts = path.join(here, 'artifacts');

/** The built desktop app (debug build unless MCX_APP says otherwise). */
export function appBinary() {
  if (process.env.MCX_APP) return process.env.MCX_APP;
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
  return path.join(target, 'debug', 'microcredx-wallet');
}

/**
 * Start the real app on a fresh (or given) wallet directory, with any further program arguments
 * (a clicked offer or request link arrives as one), and return the browser session.
 * Call `close()` when done: it ends the session (and with it the app) and removes the wallet.
 */
export async function openApp({ wallet, args = [] } = {}) {
  const dir = wallet ?? mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-'));
  const browser = await remote({
    hostname: '127.0.0.1',
    port: DRIVER_PORT,
    logLevel: 'warn',
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: appBinary(), args: ['--wallet', dir, ...args] },
    },
  });
  const close = async () => {
    try { await browser.deleteSession(); } catch { /* the app may already be gone */ }
    if (!wallet) rmSync(dir, { recursive: true, force: true });
  };
  return { browser, dir, close };
}

/** Find an element by its data-testid. */
export function byTestId(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

/**
 * Type into a field (or choose in a select) the way the page sees it: set the value and send
 * the event Svelte listens to. WebKitWebDriver refuses to type into fields below the fold.
 */
export async function fill(browser, testid, value) {
  await browser.execute((id, v) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    el.scrollIntoView({ block: 'center' });
    el.value = v;
    el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  }, testid, value);
}

/** The import screen's results, once shown: each item's outcome and text. */
export async function importResults(browser) {
  await byTestId(browser, 'import-results').waitForDisplayed({ timeout: 20000 });
  const items = await browser.$$('[data-testid="import-result"]');
  const out = [];
  for (const item of items) out.push({ outcome: await item.getAttribute('data-outcome'), text: await item.getText() });
  return out;
}

/** Save a screenshot to e2e/artifacts/NAME.png (and docs/screenshots when MCX_SCREENSHOTS=1). */
export async function screenshot(browser, name) {
  mkdirSync(artifacts, { recursive: true });
  // WebKit captures the last painted frame: let the page paint what the test just checked.
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await browser.saveScreenshot(path.join(artifacts, `${name}.png`));
  if (process.env.MCX_SCREENSHOTS === '1') {
    const docs = path.join(repo, 'docs', 'screenshots');
    mkdirSync(docs, { recursive: true });
    await browser.saveScreenshot(path.join(docs, `${name}.png`));
  }
}
