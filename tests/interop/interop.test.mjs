// Interoperability, both ways, against the independent JS reference in ../shared/tools/interop:
// every credential it issues gets the verdict its manifest states from `mcx verify`, and what
// `mcx issue` signs verifies in the reference. Run by scripts/test with node's test runner:
//   MCX_BIN=… MCX_INTEROP=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_INTEROP;
assert.ok(mcx && ref, 'MCX_BIN and MCX_INTEROP must be set (scripts/test sets them)');
const refScript = path.join(ref, 'reference.mjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-interop-'));
const wallet = path.join(work, 'wallet');

function mcxVerify(files) {
  const r = spawnSync(mcx, ['--wallet', wallet, 'verify', '--json', ...files], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { status: r.status, results: lines };
}

function refVerify(file) {
  const r = spawnSync(process.execPath, [refScript, 'verify', file], { encoding: 'utf8', env: process.env });
  return { status: r.status, out: r.stdout };
}

const REASON = {
  tampered: /signature does not match/,
  wrongkey: /signature does not match/,
  expired: /Expired on/,
  unknownsuite: /not supported/,
};

test('every credential the reference issues gets the verdict its manifest states', () => {
  const out = path.join(work, 'issued');
  execFileSync(process.execPath, [refScript, 'issue', '--out', out, '--count', '3'], { env: process.env });
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.ok(manifest.length >= 18, `manifest has ${manifest.length} entries`);
  const { results } = mcxVerify(manifest.map((m) => path.join(out, m.file)));
  assert.equal(results.length, manifest.length);
  for (const [i, m] of manifest.entries()) {
    const r = results[i];
    assert.equal(r.verdict, m.expect, `${m.file} (${m.reason}): got ${r.verdict}: ${JSON.stringify(r.steps)}`);
    const kind = m.file.replace(/\.json$/, '').split('-').pop();
    if (REASON[kind]) {
      const messages = r.steps.map((s) => s.message).join(' ');
      assert.match(messages, REASON[kind], `${m.file}: the reason is named`);
    }
  }
});

test('the verdict for a whole batch sets the exit status', () => {
  const out = path.join(work, 'batch');
  execFileSync(process.execPath, [refScript, 'issue', '--out', out, '--count', '1'], { env: process.env });
  const valid = mcxVerify([path.join(out, 'jcs-0-valid.json'), path.join(out, 'rdfc-0-valid.json')]);
  assert.equal(valid.status, 0);
  assert.equal(mcxVerify([path.join(out, 'jcs-0-valid.json'), path.join(out, 'rdfc-0-tampered.json')]).status, 1);
  assert.equal(mcxVerify([path.join(out, 'jcs-0-unknownsuite.json')]).status, 2);
});

const UNSIGNED = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'urn:uuid:2f0f6b5e-8f3c-4d5e-9a4b-7d7c1e0a9b11',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { type: ['Profile'], name: 'Universidade do Exemplo' },
  validFrom: '2026-01-15T00:00:00Z',
  name: 'Digital Twins for Manufacturing',
  credentialSubject: {
    id: 'did:example:learner-7',
    type: ['AchievementSubject'],
    achievement: {
      id: 'https://example.pt/achievements/digital-twins',
      type: ['Achievement'],
      achievementType: 'MicroCredential',
      name: 'Digital Twins for Manufacturing',
      description: 'Model, simulate and monitor a production line with a digital twin.',
      criteria: { narrative: 'Project work assessed by two examiners; supervised online exam.' },
      creditsAvailable: 2.5,
    },
  },
};

for (const suite of ['rdfc', 'jcs']) {
  test(`what mcx issue signs with ${suite} (fractional credits) verifies in the reference and in mcx`, () => {
    const key = path.join(work, `key-${suite}.json`);
    const did = execFileSync(mcx, ['key', 'new', '--out', key], { encoding: 'utf8' }).trim();
    assert.match(did, /^did:key:z6Mk/);
    const unsigned = path.join(work, `unsigned-${suite}.json`);
    writeFileSync(unsigned, JSON.stringify(UNSIGNED));
    const signed = path.join(work, `signed-${suite}.json`);
    execFileSync(mcx, ['issue', '--key', key, '--suite', suite, '--issuer-from-key', '--out', signed, unsigned]);
    const doc = JSON.parse(readFileSync(signed, 'utf8'));
    assert.equal(doc.issuer.id, did);
    const r = refVerify(signed);
    assert.equal(r.status, 0, `reference rejected ${suite}: ${r.out}`);
    assert.match(r.out, /"verified":\s*true/);
    const ours = mcxVerify([signed]);
    assert.equal(ours.results[0].verdict, 'valid', JSON.stringify(ours.results[0].steps));
    assert.equal(ours.results[0].credential.ects, 2.5);

    doc.credentialSubject.achievement.creditsAvailable = 25;
    const tampered = path.join(work, `tampered-${suite}.json`);
    writeFileSync(tampered, JSON.stringify(doc));
    assert.notEqual(refVerify(tampered).status, 0, 'the reference rejects the tampered copy');
    assert.equal(mcxVerify([tampered]).results[0].verdict, 'invalid');
  });
}
