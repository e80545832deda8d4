// A credential with an ecdsa-sd-2023 base proof through the real app (issue 18): in the wallet
// (made by the interop reference, its issuer a did:key the wallet checks offline), the Share
// screen gives it the same claim choice as an SD-JWT VC. The learner withholds the field of
// study and makes a presentation for an employer and a share link; the employer's mcx accepts
// both, derived, without the field of study.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appBinary, byTestId, fill, openApp, screenshot } from '../harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const mcx = process.env.MCX_BIN ?? path.join(path.dirname(appBinary()), 'mcx');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-derive-'));
const wallet = path.join(work, 'wallet');
const base = path.join(here, '../../tests/fixtures/ecdsa/ecdsa-sd-2023/reference/base.json');
const FIELD = 'credentialSubject.achievement.fieldOfStudy';
let app;

before(async () => {
  const r = spawnSync(mcx, ['--wallet', wallet, 'import', base], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  app = await openApp({ wallet });
});
after(async () => {
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

const employerVerifies = (file, ...flags) => {
  const r = spawnSync(mcx, ['--wallet', path.join(work, `employer-${Math.random()}`), 'verify', '--json', ...flags, file], { encoding: 'utf8' });
  return { status: r.status, v: JSON.parse(r.stdout.trim().split('\n')[0]), out: r.stdout + r.stderr };
};

test('the Share screen offers the claim choice for a base-proof credential, and the presentation carries only the choice', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-share').click();
  await byTestId(browser, 'sdjwt-share').waitForDisplayed({ timeout: 15000 });
  await byTestId(browser, 'share-derive-elsewhere').waitForDisplayed({ timeout: 15000 });
  const field = await browser.$(`[data-testid="sdjwt-claim"][data-path="${FIELD}"]`);
  await field.waitForExist({ timeout: 15000 });
  assert.equal(await field.isEnabled(), true, 'the field of study may be withheld');
  const name = await browser.$('[data-testid="sdjwt-claim"][data-path="credentialSubject.achievement.name"]');
  assert.equal(await name.isEnabled(), false, 'the issuer made the achievement name mandatory');
  assert.match(await browser.execute(() => document.querySelector('[data-testid="sdjwt-always"]').textContent), /the issuer requires it/);
  await field.click();
  assert.match(await byTestId(browser, 'sdjwt-hidden').getText(), /fieldOfStudy|Field of study/i);
  await fill(browser, 'sdjwt-aud', 'https://employer.example');
  await fill(browser, 'sdjwt-nonce', 'n-e2e-4711');
  await byTestId(browser, 'sdjwt-create').click();
  const out = byTestId(browser, 'sdjwt-text');
  await out.waitForDisplayed({ timeout: 30000 });
  const presentation = (await out.getValue()).trim();
  await browser.execute(() => document.querySelector('[data-testid="sdjwt-share"]').scrollIntoView({ block: 'start' }));
  await screenshot(browser, 'share-derive');
  assert.equal(presentation.includes('Mechatronics'), false);
  const vp = JSON.parse(presentation);
  assert.match(vp.verifiableCredential[0].proof.proofValue, /^u2V0B/, 'a derived proof');
  const file = path.join(work, 'vp.json');
  writeFileSync(file, presentation);
  const { status, v, out: text } = employerVerifies(file, '--challenge', 'n-e2e-4711', '--domain', 'https://employer.example');
  assert.equal(status, 0, text);
  assert.equal(v.embedded[0].verdict, 'valid', text);
});

test('the share link of the same choice verifies for the employer, without the withheld claim', async () => {
  const { browser } = app;
  const field = await browser.$(`[data-testid="sdjwt-claim"][data-path="${FIELD}"]`);
  assert.equal(await field.isSelected(), false, 'still withheld');
  await byTestId(browser, 'sdjwt-link-create').click();
  const out = byTestId(browser, 'sdjwt-link-text');
  await out.waitForDisplayed({ timeout: 30000 });
  const shared = (await out.getValue()).trim();
  assert.match(shared, /#vp=/, shared.slice(0, 200));
  const { status, v, out: text } = employerVerifies(shared);
  assert.equal(status, 0, text);
  assert.equal(JSON.stringify(v).includes('Mechatronics'), false);
});
