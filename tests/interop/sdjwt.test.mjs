// SD-JWT VC against the OpenWallet Foundation's libraries (../shared/tools/oid4vc): every case
// `oid4vc.mjs sdjwt issue` makes gets its manifest verdict from `mcx verify` once the trust
// files it names are imported with `mcx trust import`, and a presentation the reference makes
// (chosen disclosures, KB-JWT by the holder) verifies in the wallet with exactly those claims.
//   MCX_BIN=… MCX_OID4VC=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_OID4VC;
assert.ok(mcx && ref, 'MCX_BIN and MCX_OID4VC must be set (scripts/test sets them)');
const refScript = path.join(ref, 'oid4vc.mjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-sdjwt-'));
const out = path.join(work, 'issued');
const wallet = path.join(work, 'wallet');

execFileSync(process.execPath, [refScript, 'sdjwt', 'issue', '--out', out, '--count', '1'], { env: process.env });
const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));

function mcxRun(args) {
  return spawnSync(mcx, ['--wallet', wallet, ...args], { encoding: 'utf8' });
}

function verify(files) {
  const r = mcxRun(['verify', '--json', ...files]);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// The reference answers "invalid" for a genuine credential that is not in force; the wallet
// keeps that apart from a forgery (issue 14): "inactive", with the signature checked. And it
// answers "unverifiable" for a type whose metadata nobody has; for the wallet unknown type
// metadata is a warning (issue 18: "Unknown metadata is a warning, never a fetch"; type
// metadata is optional in SD-JWT VC, and the reference's own verifier role does not require
// it either): the signature, disclosures and dates are all checked, so the verdict is valid
// and the format step says the type is unknown.
const OURS = {
  expired: 'inactive',
  'not-yet-valid': 'inactive',
  revoked: 'inactive',
  'unknown-vct': 'valid',
};
const caseOf = (file) => file.replace(/^sdjwt-\d+-/, '').replace(/\.sd-jwt$/, '');

test('mcx trust import recognises every trust file the reference writes', () => {
  const t = manifest.trust;
  const files = [t.jwt_vc_issuer, ...t.type_metadata.map((m) => m.file)].map((f) => path.join(out, f));
  let r = mcxRun(['trust', 'import', ...files]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /JWT VC Issuer Metadata of https:\/\/issuer\.microcredx\.test/);
  assert.match(r.stdout, /type metadata for urn:eudi:micro_credential:1/);
  r = mcxRun(['trust', 'import', '--url', t.status_list.uri, path.join(out, t.status_list.file)]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /status list token/);
  // A key set has no address of its own: without --url it is refused, naming what to give.
  r = mcxRun(['trust', 'import', path.join(out, t.jwks)]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /--url/);
});

test('every SD-JWT VC case gets its manifest verdict, offline', () => {
  const creds = manifest.credentials;
  assert.ok(creds.length >= 12, `${creds.length} cases`);
  const results = verify(creds.map((c) => path.join(out, c.file)));
  assert.equal(results.length, creds.length);
  const wrong = [];
  for (const [i, c] of creds.entries()) {
    const r = results[i];
    const expected = OURS[caseOf(c.file)] ?? c.expect;
    if (r.verdict !== expected) wrong.push(`${c.file} (${c.reason}): expected ${expected}, got ${r.verdict}: ${JSON.stringify(r.steps)}`);
    if (expected === 'inactive') {
      const proof = r.steps.filter((s) => s.step === 'proof');
      assert.ok(proof.every((s) => s.status === 'pass'), `${c.file}: the signature is checked and passes`);
    }
    if (caseOf(c.file) === 'unknown-vct') {
      assert.ok(r.steps.some((s) => s.step === 'format' && s.status === 'warn' && /not known/.test(s.message)), c.file);
    }
  }
  assert.deepEqual(wrong, []);
});

test('a presentation the reference makes, with a KB-JWT and two claims, verifies with exactly those claims', () => {
  const valid = manifest.credentials.find((c) => caseOf(c.file) === 'valid');
  const holder = path.join(out, valid.holder_key ?? 'holder-0.jwk.json');
  const presented = execFileSync(
    process.execPath,
    [refScript, 'sdjwt', 'present', path.join(out, valid.file), '--disclose', 'title,ects', '--aud', 'https://employer.example', '--nonce', 'n-42', '--holder-key', holder],
    { env: process.env, encoding: 'utf8' },
  );
  const file = path.join(work, 'presented.sd-jwt');
  spawnSync('sh', ['-c', `cat > "${file}"`], { input: presented });
  const [r] = verify([file]);
  assert.equal(r.verdict, 'valid', JSON.stringify(r.steps));
  assert.ok(r.steps.some((s) => s.step === 'proof' && /Presented by its holder/.test(s.message)), JSON.stringify(r.steps));
  assert.equal(r.credential.ects, 5);
  assert.ok(r.credential.title);
  assert.equal(r.credential.grade ?? null, null, 'the grade was not disclosed');
  // A presentation is not a credential to keep: importing it is refused, saying why.
  const imp = mcxRun(['import', file]);
  assert.match(imp.stdout, /key-binding JWT: it is a presentation/, imp.stdout + imp.stderr);
});

test('a genuine SD-JWT VC is imported and listed with its ECTS; an expired one as expired', () => {
  const pick = (name) => path.join(out, manifest.credentials.find((c) => caseOf(c.file) === name).file);
  const r = mcxRun(['import', pick('valid'), pick('expired'), pick('tampered-disclosure')]);
  assert.match(r.stdout, /2 imported, 0 duplicate, 1 rejected/, r.stdout + r.stderr);
  const list = JSON.parse(mcxRun(['list', '--json']).stdout);
  const rows = Array.isArray(list) ? list : list.credentials;
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((x) => x.verdict).sort(), ['inactive', 'valid']);
});

test('what mcx issuer issues as SD-JWT VC verifies in the reference; revoked, it is inactive in the wallet and refused by the reference', () => {
  const dir = path.join(work, 'issuer');
  const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'interop-passphrase' };
  const run = (args) => {
    const r = spawnSync(mcx, args, { encoding: 'utf8', env, cwd: dir });
    assert.equal(r.status, 0, `mcx ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  spawnSync('mkdir', ['-p', dir]);
  run(['issuer', 'init', '--dir', 'k', '--name', 'Hochschule Nordstadt', '--country', 'DE', '--web-domain', 'hs-nordstadt.example']);
  run(['issuer', 'status', 'create', '--dir', 'k', '--out', 'rev.jwt', '--token']);
  const achievement = {
    id: 'https://hs-nordstadt.example/mc/pm', name: 'Predictive Maintenance', description: 'Sensor data and models.',
    ects: 5, eqfLevel: 6, learningOutcomes: ['Analyse sensor data', 'Plan maintenance'], assessmentType: 'Supervised written exam',
    participationForm: 'Online', qualityAssurance: 'Internal quality assurance', supervision: 'Supervised exam with identity verification',
  };
  writeFileSync(path.join(dir, 'ach.json'), JSON.stringify(achievement));
  // The learner's wallet key: here the reference's holder key, as a did:jwk.
  const jwk = JSON.parse(readFileSync(path.join(out, 'holder-0.jwk.json'), 'utf8'));
  const pub = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const didJwk = `did:jwk:${Buffer.from(JSON.stringify(pub)).toString('base64url')}`;
  writeFileSync(path.join(dir, 'learners.csv'), `id,name,grade\n${didJwk},Maria Ionescu,1.7\n`);
  run(['issuer', 'issue', '--dir', 'k', '--achievement', 'ach.json', '--learners', 'learners.csv', '--out', 'out', '--format', 'sd-jwt', '--status-list', 'rev.jwt']);
  const file = path.join(dir, 'out', 'predictive-maintenance-maria-ionescu-1.sd-jwt');
  // The reference, offline, with the files the issuer publishes.
  const trust = path.join(dir, 'trust');
  spawnSync('mkdir', ['-p', trust]);
  const vctm = path.join(path.dirname(new URL(import.meta.url).pathname), '../../assets/sd-jwt-vc/vctm_microcredential.json');
  writeFileSync(path.join(trust, 'jwt-vc-issuer.json'), readFileSync(path.join(dir, 'out', 'jwt-vc-issuer.json')));
  writeFileSync(path.join(trust, 'vctm.json'), readFileSync(vctm));
  const refTrust = (list) => {
    writeFileSync(path.join(trust, 'rev.jwt'), list);
    writeFileSync(path.join(trust, 'manifest.json'), JSON.stringify({
      trust: {
        jwt_vc_issuer: 'jwt-vc-issuer.json',
        status_list: { file: 'rev.jwt', uri: 'https://hs-nordstadt.example/status/rev' },
        type_metadata: [{ vct: 'urn:eudi:micro_credential:1', file: 'vctm.json' }],
      },
      credentials: [],
    }));
  };
  const refVerify = (f, extra = []) => {
    const r = spawnSync(process.execPath, [refScript, 'sdjwt', 'verify', f, '--trust', trust, '--offline', ...extra], { encoding: 'utf8', env: process.env });
    return JSON.parse(r.stdout.trim().split('\n')[0]);
  };
  refTrust(readFileSync(path.join(dir, 'rev.jwt')));
  let ref = refVerify(file);
  assert.equal(ref.verdict, 'valid', JSON.stringify(ref));
  // A presentation bound to an employer, made by the reference with the learner's key (the
  // DC4EU type signs every claim in the clear, so nothing can be withheld from this one).
  const presented = execFileSync(process.execPath, [refScript, 'sdjwt', 'present', file, '--disclose', 'credentialSubject.achievement.name', '--aud', 'https://employer.example', '--nonce', 'n-9', '--holder-key', path.join(out, 'holder-0.jwk.json')], { env: process.env, encoding: 'utf8' });
  const vp = path.join(dir, 'presented.sd-jwt');
  writeFileSync(vp, presented);
  ref = refVerify(vp, ['--aud', 'https://employer.example', '--nonce', 'n-9']);
  assert.equal(ref.verdict, 'valid', JSON.stringify(ref));
  const w = path.join(dir, 'wallet');
  const trustImport = spawnSync(mcx, ['--wallet', w, 'trust', 'import', path.join(dir, 'out', 'jwt-vc-issuer.json'), path.join(dir, 'rev.jwt')], { encoding: 'utf8' });
  assert.equal(trustImport.status, 0, trustImport.stdout + trustImport.stderr);
  const both = spawnSync(mcx, ['--wallet', w, 'verify', '--json', file, vp], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(both.map((r) => r.verdict), ['valid', 'valid'], JSON.stringify(both.map((r) => r.steps)));
  assert.ok(both[1].steps.some((s) => /Presented by its holder/.test(s.message)));
  let mine;
  // Revoked: the issuer re-signs its token list; the wallet says inactive, the reference invalid.
  run(['issuer', 'status', 'revoke', '--dir', 'k', 'rev.jwt', '0']);
  refTrust(readFileSync(path.join(dir, 'rev.jwt')));
  assert.equal(refVerify(file).verdict, 'invalid');
  spawnSync(mcx, ['--wallet', w, 'trust', 'import', path.join(dir, 'rev.jwt')], { encoding: 'utf8' });
  [mine] = spawnSync(mcx, ['--wallet', w, 'verify', '--json', file], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(mine.verdict, 'inactive', JSON.stringify(mine.steps));
});

test('the learner keeps an SD-JWT VC bound to the wallet, shares it with the grade withheld, and the reference accepts exactly that', () => {
  const dir = path.join(work, 'roundtrip');
  spawnSync('mkdir', ['-p', dir]);
  const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'interop-passphrase' };
  const run = (args) => {
    const r = spawnSync(mcx, args, { encoding: 'utf8', env, cwd: dir });
    assert.equal(r.status, 0, `mcx ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const w = path.join(dir, 'wallet');
  const didJwk = run(['--wallet', w, 'info']).match(/SD-JWT VC, P-256\):\s+(did:jwk:\S+)/)[1];
  run(['issuer', 'init', '--dir', 'k', '--name', 'Universidade do Litoral', '--country', 'PT', '--web-domain', 'ulitoral.example']);
  // The institution's own type metadata for the DC4EU type: the grade may be withheld.
  const vctm = {
    vct: 'urn:eudi:micro_credential:1', name: 'Micro-credential (grade optional)',
    claims: [
      { path: ['credentialSubject', 'result[0]', 'value'], sd: 'allowed', display: [{ lang: 'en', label: 'Grade' }] },
      { path: ['credentialSubject', 'achievement', 'name'], sd: 'never' },
    ],
  };
  writeFileSync(path.join(dir, 'vctm.json'), JSON.stringify(vctm));
  writeFileSync(path.join(dir, 'ach.json'), JSON.stringify({
    id: 'https://ulitoral.example/mc/dt', name: 'Digital Twins', description: 'Modelling plants.', ects: 4, eqfLevel: 6,
    learningOutcomes: ['Build a digital twin'], assessmentType: 'Project', participationForm: 'Blended',
    qualityAssurance: 'Accredited programme', gradeName: 'Final grade',
  }));
  writeFileSync(path.join(dir, 'learners.csv'), `id,name,grade\n${didJwk},Ana Sousa,18/20\n`);
  run(['issuer', 'issue', '--dir', 'k', '--achievement', 'ach.json', '--learners', 'learners.csv', '--out', 'out', '--format', 'sd-jwt', '--type-metadata', 'vctm.json']);
  const cred = path.join(dir, 'out', 'digital-twins-ana-sousa-1.sd-jwt');
  run(['--wallet', w, 'trust', 'import', path.join(dir, 'out', 'jwt-vc-issuer.json'), path.join(dir, 'vctm.json')]);
  assert.match(run(['--wallet', w, 'import', cred]), /1 imported/);
  const id = JSON.parse(run(['--wallet', w, 'list', '--json'])).find((r) => r.verdict === 'valid').id;
  assert.match(run(['--wallet', w, 'export', 'sd-jwt', id, '--list']), /credentialSubject\.result\.0\.value\s+may be withheld/);
  const vp = path.join(dir, 'vp.sd-jwt');
  run(['--wallet', w, 'export', 'sd-jwt', id, '--aud', 'https://employer.example', '--nonce', 'n-77', '--out', vp]);
  // The reference, offline with what the issuer publishes, checking aud and nonce.
  const trust = path.join(dir, 'trust');
  spawnSync('mkdir', ['-p', trust]);
  writeFileSync(path.join(trust, 'jwt-vc-issuer.json'), readFileSync(path.join(dir, 'out', 'jwt-vc-issuer.json')));
  writeFileSync(path.join(trust, 'vctm.json'), readFileSync(path.join(dir, 'vctm.json')));
  writeFileSync(path.join(trust, 'manifest.json'), JSON.stringify({
    trust: { jwt_vc_issuer: 'jwt-vc-issuer.json', type_metadata: [{ vct: vctm.vct, file: 'vctm.json' }] }, credentials: [],
  }));
  const r = spawnSync(process.execPath, [refScript, 'sdjwt', 'verify', vp, '--trust', trust, '--offline', '--aud', 'https://employer.example', '--nonce', 'n-77'], { encoding: 'utf8', env: process.env });
  const ref = JSON.parse(r.stdout.trim().split('\n')[0]);
  assert.equal(ref.verdict, 'valid', JSON.stringify(ref));
  assert.equal(ref.key_binding, true);
  assert.equal(JSON.stringify(ref.claims).includes('18/20'), false, 'the grade is not disclosed');
  assert.equal(ref.claims.credentialSubject.achievement.name, 'Digital Twins');
  // The wrong nonce is refused by the reference: the key binding is real.
  const wrong = spawnSync(process.execPath, [refScript, 'sdjwt', 'verify', vp, '--trust', trust, '--offline', '--aud', 'https://employer.example', '--nonce', 'other'], { encoding: 'utf8', env: process.env });
  assert.equal(JSON.parse(wrong.stdout.trim().split('\n')[0]).verdict, 'invalid');
  const [mine] = spawnSync(mcx, ['--wallet', w, 'verify', '--json', vp], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(mine.verdict, 'valid', JSON.stringify(mine.steps));
  assert.ok(mine.steps.some((s) => /chose not to show: Grade/.test(s.message)), JSON.stringify(mine.steps));
});
