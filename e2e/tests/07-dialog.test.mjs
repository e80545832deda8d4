// The system's file dialog (GTK), driven as a person would with the keyboard: the learner
// clicks "Choose files…", types the file's location and presses Enter; the credential is
// imported. Then "Choose a folder…" with a folder, and a backup saved through the save dialog. xdotool sends the keys under Xvfb.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, byTestId, fill, importResults, openApp, repo } from '../harness.mjs';

const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
const MCX = process.env.MCX_CLI ?? path.join(target, 'debug', 'mcx');
const fixtures = path.join(repo, 'e2e', 'fixtures');

let app;
let work;

before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-dialog-'));
  const key = path.join(work, 'issuer.key');
  execFileSync(MCX, ['key', 'new', '--out', key], { stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(path.join(work, 'folder'));
  for (const name of ['micro-data-analytics.json', 'micro-machine-learning.json', 'micro-sustainability.json']) {
    execFileSync(MCX, ['issue', '--key', key, '--suite', 'jcs', '--issuer-from-key', '--out', path.join(work, name), path.join(fixtures, name)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  copyFileSync(path.join(work, 'micro-machine-learning.json'), path.join(work, 'folder', 'ml.json'));
  copyFileSync(path.join(work, 'micro-sustainability.json'), path.join(work, 'folder', 'sustainability.json'));
  app = await openApp();
  await byTestId(app.browser, 'empty-wallet').waitForDisplayed({ timeout: 15000 });
});

after(async () => {
  await app?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const xdotool = (...args) => execFileSync('xdotool', args, { encoding: 'utf8', timeout: 20000 }).trim();

/**
 * Wait for the dialog titled `title`, type `location` into its location bar and press Enter
 * (`enters` times: a folder dialog first opens the folder, then chooses it).
 */
function answerDialog(title, location, { shot, enters = 1, save = false } = {}) {
  const win = xdotool('search', '--sync', '--name', title).split('\n')[0];
  xdotool('windowfocus', '--sync', win);
  execFileSync('sleep', ['0.5']);
  // A save dialog has its name field focused (holding the suggested name): replace it.
  xdotool('key', '--window', win, save ? 'ctrl+a' : 'ctrl+l');
  xdotool('type', '--delay', '20', location);
  execFileSync('sleep', ['0.3']);
  if (shot) {
    mkdirSync(artifacts, { recursive: true });
    execFileSync('import', ['-window', 'root', path.join(artifacts, `${shot}.png`)]);
  }
  // Enter until the dialog is gone (a folder dialog opens the folder first, then chooses it);
  // never more than `enters` + 2 times, and never once it has closed.
  const open = () => {
    try {
      return xdotool('search', '--name', title) !== '';
    } catch {
      return false; // xdotool exits 1 when nothing matches
    }
  };
  for (let i = 0; i < enters + 2 && open(); i += 1) {
    xdotool('key', 'Return');
    execFileSync('sleep', ['0.8']);
  }
}

test('files chosen in the file dialog are imported', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-import').click();
  await byTestId(browser, 'import-choose-files').click();
  answerDialog('Choose credentials to import', path.join(work, 'micro-data-analytics.json'), { shot: 'import-dialog' });
  const items = await importResults(browser);
  assert.equal(items.length, 1, JSON.stringify(items));
  assert.equal(items[0].outcome, 'imported');
  assert.match(items[0].text, /micro-data-analytics\.json/);
});

test('a folder chosen in the dialog is imported with everything in it', async () => {
  const { browser } = app;
  await byTestId(browser, 'import-choose-folder').click();
  answerDialog('Choose a folder of credentials', path.join(work, 'folder'), { enters: 2 });
  await browser.waitUntil(async () => (await importResults(browser)).length === 2, { timeout: 20000 });
  const items = await importResults(browser);
  assert.deepEqual(items.map((i) => i.outcome), ['imported', 'imported'], JSON.stringify(items));
});

test('a backup saved where the save dialog says', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-settings').click();
  await byTestId(browser, 'backup-path-choose').waitForDisplayed({ timeout: 5000 });
  await byTestId(browser, 'backup-path-choose').scrollIntoView({ block: 'center' });
  await byTestId(browser, 'backup-path-choose').click();
  const target = path.join(work, 'my-wallet.mcxbackup');
  answerDialog('Save the backup as', target, { save: true, shot: 'save-dialog' });
  await browser.waitUntil(async () => (await byTestId(browser, 'backup-path').getValue()) === target, {
    timeout: 10000,
    timeoutMsg: 'the chosen path did not reach the field',
  });
  await fill(browser, 'backup-pass', 'backup secret');
  await byTestId(browser, 'backup-save').click();
  await browser.waitUntil(() => existsSync(target), { timeout: 30000, timeoutMsg: 'no backup file' });
});
