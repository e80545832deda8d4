// An SD-JWT VC through the real app (issue 18): a university issues it to the wallet's P-256
// key with `mcx issuer`, the learner pastes it into the Import screen, sees it verified with its
// ECTS, chooses on the Share screen to keep the grade to themselves, and makes a presentation
// for an employer, which `mcx verify` (the employer's side) accepts without the grade.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { appBinary, byTestId, fill, openApp, screenshot } from '../harness.mjs';

const mcx = process.env.MCX_BIN ?? path.join(path.dirname(appBinary()), 'mcx');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-sdjwt-'));
const wallet = path.join(work, 'wallet');
const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'e2e-issuer-passphrase' };
const run = (args) => {
  const r = spawnSync(mcx, args, { encoding: 'utf8', env, cwd: work });
  assert.equal(r.status, 0, `mcx ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
};
let app;
let credential;

before(async () => {
  // The learner's wallet key, as Settings shows it; the issuer binds the credential to it.
  const didJwk = run(['--wallet', wallet, 'info']).match(/SD-JWT VC, P-256\):\s+(did:jwk:\S+)/)[1];
  run(['issuer', 'init', '--dir', 'uni', '--name', 'Universidade do Litoral', '--country', 'PT', '--web-domain', 'ulitoral.example']);
  writeFileSync(path.join(work, 'vctm.json'), JSON.stringify({
    vct: 'urn:eudi:micro_credential:1', name: 'Micro-credential',
    claims: [
      { path: ['credentialSubject', 'result[0]', 'value'], sd: 'allowed', display: [{ lang: 'en', label: 'Grade' }] },
      { path: ['credentialSubject', 'achievement', 'name'], sd: 'never', display: [{ lang: 'en', label: 'Title' }] },
    ],
  }));
  writeFileSync(path.join(work, 'ach.json'), JSON.stringify({
    id: 'https://ulitoral.example/mc/dt', name: 'Digital Twins for Manufacturing', description: 'Modelling production lines.',
    ects: 4, eqfLevel: 6, learningOutcomes: ['Build a digital twin'], assessmentType: 'Project assessed by two examiners',
    participationForm: 'Blended', qualityAssurance: 'Accredited programme', gradeName: 'Final grade',
  }));
  writeFileSync(path.join(work, 'learners.csv'), `id,name,grade\n${didJwk},Ana Sousa,18/20\n`);
  run(['issuer', 'issue', '--dir', 'uni', '--achievement', 'ach.json', '--learners', 'learners.csv', '--out', 'out', '--format', 'sd-jwt', '--type-metadata', 'vctm.json']);
  credential = readFileSync(path.join(work, 'out', 'digital-twins-for-manufacturing-ana-sousa-1.sd-jwt'), 'utf8');
  // The issuer's published keys and type, as the learner's network hands them out.
  run(['--wallet', wallet, 'trust', 'import', path.join(work, 'out', 'jwt-vc-issuer.json'), path.join(work, 'vctm.json')]);
  app = await openApp({ wallet });
});
after(async () => {
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

test('a pasted SD-JWT VC is imported and listed as verified with its ECTS', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-import').click();
  await fill(browser, 'import-text', credential);
  await byTestId(browser, 'import-text-submit').click();
  const result = byTestId(browser, 'import-result');
  await result.waitForDisplayed({ timeout: 30000 });
  assert.equal(await result.getAttribute('data-outcome'), 'imported', await result.getText());
  await byTestId(browser, 'nav-wallet').click();
  await byTestId(browser, 'credential-list').waitForDisplayed({ timeout: 15000 });
  await browser.$('[data-testid="credential-card"]').waitForDisplayed({ timeout: 15000 });
  // Read from the DOM: WebKitWebDriver's visible text skips text clipped with an ellipsis.
  const text = await browser.execute(() =>
    document.querySelector('[data-testid="credential-card"]').textContent.replace(/\s+/g, ' '));
  assert.match(text, /Digital Twins for Manufacturing/);
  assert.match(text, /Verified/);
  assert.match(text, /4 ECTS/);
});

test('on the Share screen the learner withholds the grade and presents the rest to an employer', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-share').click();
  await byTestId(browser, 'sdjwt-share').waitForDisplayed({ timeout: 15000 });
  const grade = await browser.$('[data-testid="sdjwt-claim"][data-path="credentialSubject.result.0.value"]');
  await grade.waitForExist({ timeout: 15000 });
  assert.equal(await grade.isEnabled(), true, 'the grade may be withheld');
  // A claim the issuer signed in the clear cannot be hidden, and says so.
  const fixed = await browser.$('[data-testid="sdjwt-claim"][data-path="credentialSubject.achievement.name"]');
  assert.equal(await fixed.isEnabled(), false);
  // Why each fixed claim is shown: its type never lets it be hidden (the title), or the issuer
  // signed it in the clear (the description).
  const note = (p) => browser.execute((path) =>
    document.querySelector(`[data-testid="sdjwt-claim"][data-path="${path}"]`).closest('li')
      .querySelector('[data-testid="sdjwt-always"]').textContent, p);
  assert.equal(await note('credentialSubject.achievement.name'), 'always shown: its type says it may never be hidden');
  assert.equal(await note('credentialSubject.achievement.description'), 'always shown: the issuer signed it in the clear');
  await grade.click();
  assert.match(await byTestId(browser, 'sdjwt-hidden').getText(), /Grade/);
  await fill(browser, 'sdjwt-aud', 'https://employer.example');
  await byTestId(browser, 'sdjwt-create').click();
  const out = byTestId(browser, 'sdjwt-text');
  await out.waitForDisplayed({ timeout: 30000 });
  const presentation = (await out.getValue()).trim();
  await browser.execute(() => document.querySelector('[data-testid="sdjwt-share"]').scrollIntoView({ block: 'start' }));
  await screenshot(browser, 'share-sdjwt');
  assert.ok(presentation.split('~').length >= 2, presentation);
  assert.equal(presentation.includes('18/20'), false);
  // The employer's side: the wallet's verifier on a fresh wallet with the issuer's keys.
  const employer = path.join(work, 'employer');
  run(['--wallet', employer, 'trust', 'import', path.join(work, 'out', 'jwt-vc-issuer.json'), path.join(work, 'vctm.json')]);
  writeFileSync(path.join(work, 'vp.sd-jwt'), presentation);
  const r = spawnSync(mcx, ['--wallet', employer, 'verify', '--json', path.join(work, 'vp.sd-jwt')], { encoding: 'utf8' });
  const v = JSON.parse(r.stdout.trim().split('\n')[0]);
  assert.equal(v.verdict, 'valid', JSON.stringify(v.steps));
  assert.equal(v.credential.grade ?? null, null);
  assert.ok(v.steps.some((s) => /chose not to show: Grade/.test(s.message)), JSON.stringify(v.steps));
  assert.ok(v.steps.some((s) => /Presented by its holder/.test(s.message)));
});

test('the learner makes a share link with the grade withheld, and the employer verifies it', async () => {
  const { browser } = app;
  // Still on the Share screen, the grade unticked by the test before.
  const grade = await browser.$('[data-testid="sdjwt-claim"][data-path="credentialSubject.result.0.value"]');
  assert.equal(await grade.isSelected(), false, 'the grade stays withheld');
  await byTestId(browser, 'sdjwt-link-create').click();
  const out = byTestId(browser, 'sdjwt-link-text');
  await out.waitForDisplayed({ timeout: 30000 });
  const shared = (await out.getValue()).trim();
  assert.match(shared, /#vp=/, shared.slice(0, 200));
  await browser.execute(() => document.querySelector('[data-testid="sdjwt-link-section"]').scrollIntoView({ block: 'start' }));
  await screenshot(browser, 'share-sdjwt-link');
  const employer = path.join(work, 'employer-link');
  run(['--wallet', employer, 'trust', 'import', path.join(work, 'out', 'jwt-vc-issuer.json'), path.join(work, 'vctm.json')]);
  const r = spawnSync(mcx, ['--wallet', employer, 'verify', '--json', shared], { encoding: 'utf8' });
  const v = JSON.parse(r.stdout.trim().split('\n')[0]);
  assert.equal(v.verdict, 'valid', JSON.stringify(v.steps));
  assert.equal(v.credential.grade ?? null, null);
  assert.ok(v.steps.some((s) => /chose not to show: Grade/.test(s.message)), JSON.stringify(v.steps));
});

test('the PDF portfolio carries the SD-JWT VC with the grade withheld, and the employer verifies it', async () => {
  const { browser } = app;
  // Still on the Share screen, the grade unticked on the credential's card.
  const grade = await browser.$('[data-testid="sdjwt-claim"][data-path="credentialSubject.result.0.value"]');
  assert.equal(await grade.isSelected(), false, 'the grade stays withheld');
  const folder = path.join(work, 'pdf');
  spawnSync('mkdir', ['-p', folder]);
  await byTestId(browser, 'share-folder').setValue(folder);
  await byTestId(browser, 'share-pdf').click();
  const saved = byTestId(browser, 'share-saved');
  await saved.waitForDisplayed({ timeout: 60000 });
  const file = await saved.getAttribute('data-path');
  const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
  assert.match(text, /Digital Twins for Manufacturing/);
  assert.doesNotMatch(text, /18\/20/);
  const employer = path.join(work, 'employer-pdf');
  run(['--wallet', employer, 'trust', 'import', path.join(work, 'out', 'jwt-vc-issuer.json'), path.join(work, 'vctm.json')]);
  const r = spawnSync(mcx, ['--wallet', employer, 'verify', '--json', file], { encoding: 'utf8' });
  const v = JSON.parse(r.stdout.trim().split('\n')[0]);
  assert.equal(v.verdict, 'valid', JSON.stringify(v.steps));
  assert.equal(v.embedded.length, 1);
  assert.equal(JSON.stringify(v).includes('18/20'), false);
});
