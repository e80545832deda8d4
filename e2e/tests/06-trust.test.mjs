// Trust data from files through Settings: the network's signed registry is accepted, a copy
// with an extra member is refused (its signature no longer verifies).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { byTestId, fill, openApp, repo } from '../harness.mjs';

const out = mkdtempSync(path.join(os.tmpdir(), 'mcx-e2e-trust-'));
let app;
before(async () => {
  app = await openApp();
  await byTestId(app.browser, 'empty-wallet').waitForDisplayed({ timeout: 15000 });
  await byTestId(app.browser, 'nav-settings').click();
  await byTestId(app.browser, 'settings-trust').waitForExist({ timeout: 15000 });
});
after(async () => {
  await app?.close();
  rmSync(out, { recursive: true, force: true });
});

async function importFile(browser, kind, file) {
  await fill(browser, 'trust-kind', kind);
  await fill(browser, 'trust-path', file);
  await byTestId(browser, 'trust-import').click();
  const done = byTestId(browser, 'trust-done');
  const error = browser.$('[data-testid="settings-trust"] [data-testid="error-notice"]');
  await browser.waitUntil(async () => (await done.isExisting()) || (await error.isExisting()), { timeout: 30000 });
  return {
    done: (await done.isExisting()) ? await done.getText() : '',
    error: (await error.isExisting()) ? await error.getText() : '',
  };
}

test('the network registry imports; a tampered copy is refused with the reason', async () => {
  const { browser } = app;
  const registry = path.join(repo, 'assets/network/registry.json');
  const ok = await importFile(browser, 'registry', registry);
  assert.match(ok.done, /trust registry "MicroCredX Recognition Network" with 7 member institutions/, JSON.stringify(ok));

  const doc = JSON.parse(readFileSync(registry, 'utf8'));
  doc.members.push({ id: 'did:web:intruder.example', name: 'Intruder', country: 'XX' });
  const tampered = path.join(out, 'registry.json');
  writeFileSync(tampered, JSON.stringify(doc));
  const bad = await importFile(browser, 'registry', tampered);
  assert.equal(bad.done, '');
  assert.match(bad.error, /signature does not verify/, JSON.stringify(bad));
});

// Issue 18: any trust document the wallet understands, recognised by its content, through the
// same Settings form: an SD-JWT VC issuer's JWT VC Issuer Metadata and a type's metadata, each
// named in the outcome; a key set without its address says what is missing.
test('any trust document is recognised by its content: issuer metadata, type metadata, a key set needs its address', async () => {
  const { browser } = app;
  const meta = path.join(out, 'jwt-vc-issuer.json');
  writeFileSync(meta, JSON.stringify({ issuer: 'https://ulitoral.example', jwks: { keys: [{ kty: 'EC', crv: 'P-256', kid: 'k1',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] } }));
  const recognised = await importFile(browser, 'any', meta);
  assert.match(recognised.done, /JWT VC Issuer Metadata of https:\/\/ulitoral\.example \(1 keys\)/, JSON.stringify(recognised));
  const vctm = path.join(out, 'vctm.json');
  writeFileSync(vctm, JSON.stringify({ vct: 'https://ulitoral.example/vct/mc', name: 'Micro-credential' }));
  const typed = await importFile(browser, 'any', vctm);
  assert.match(typed.done, /type metadata/i, JSON.stringify(typed));
  const jwks = path.join(out, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: JSON.parse(readFileSync(meta, 'utf8')).jwks.keys }));
  const keys = await importFile(browser, 'any', jwks);
  assert.match(keys.error, /give the issuer's jwks_uri/, JSON.stringify(keys));
});
