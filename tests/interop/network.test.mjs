// What `mcx issuer` signs for a recognition network — did:web credentials with status entries,
// Bitstring Status Lists, a registry, a catalogue and qualification rules — checked by an
// independent verifier built here from the same public JS libraries the reference uses
// (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022-cryptosuite; `canonicalize` and
// @noble/curves for eddsa-jcs-2022). reference.mjs itself resolves only did:key and passes no
// `checkStatus`, so this file adds the two things it lacks: a document loader that serves the
// institutions' did:web documents from files (as a verifier with cached copies would) and a
// Bitstring Status List check that reads cached list credentials and verifies them too.
//
// Run by scripts/test:  MCX_BIN=… MCX_INTEROP=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_INTEROP;
assert.ok(mcx && ref, 'MCX_BIN and MCX_INTEROP must be set (scripts/test sets them)');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.resolve(repo, '../shared/fixtures');

// The libraries live in the prepared copy of the reference, not in this repository.
const resolveIn = createRequire(path.join(ref, 'package.json'));
const lib = async (name) => import(pathToFileURL(resolveIn.resolve(name)).href);
const vc = await lib('@digitalbazaar/vc');
const { DataIntegrityProof } = await lib('@digitalbazaar/data-integrity');
const { cryptosuite: eddsaRdfc2022 } = await lib('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const { default: canonicalize } = await lib('canonicalize');
const { ed25519 } = await lib('@noble/curves/ed25519.js');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const jsonFiles = (dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f));

// ---------- a verifier with local copies only ----------

function contextsFrom(dir) {
  const index = readJson(path.join(dir, 'contexts.json'));
  return Object.entries(index).map(([url, file]) => [url, readJson(path.join(dir, file))]);
}
const contexts = new Map([
  ...contextsFrom(path.join(repo, 'assets/contexts')),
  ...contextsFrom(path.join(fixtures, 'jsonld-contexts')),
]);

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(text) {
  let n = 0n;
  for (const c of text) {
    const v = BASE58.indexOf(c);
    if (v < 0) throw new Error(`not base58: ${c}`);
    n = n * 58n + BigInt(v);
  }
  const bytes = [];
  for (; n > 0n; n >>= 8n) bytes.unshift(Number(n & 0xffn));
  for (const c of text) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

class Verifier {
  constructor() {
    this.dids = new Map(); // did → DID document
    this.lists = new Map(); // status list URL → list credential
  }

  addDid(doc) {
    this.dids.set(doc.id, doc);
  }

  addStatusList(list) {
    this.lists.set(list.id, list);
  }

  // JSON-LD document loader: bundled contexts, did:key computed, did:web from the local copies.
  loader = async (url) => {
    const found = (document) => ({ contextUrl: null, documentUrl: url, document });
    if (contexts.has(url)) return found(contexts.get(url));
    const [did, fragment] = url.split('#');
    let doc = this.dids.get(did);
    if (!doc && did.startsWith('did:key:z6Mk')) doc = didKeyDocument(did);
    if (!doc) throw new Error(`no local copy of ${url}`);
    if (fragment === undefined) return found(doc);
    const vm = (doc.verificationMethod || []).find((m) => m.id === url);
    if (!vm) throw new Error(`${did} lists no key ${url}`);
    return found({ '@context': 'https://w3id.org/security/multikey/v1', ...vm });
  };

  publicKeyOf(vmUrl) {
    const [did] = vmUrl.split('#');
    const doc = this.dids.get(did) || (did.startsWith('did:key:') ? didKeyDocument(did) : null);
    const vm = doc?.verificationMethod?.find((m) => m.id === vmUrl);
    if (!vm) throw new Error(`no key ${vmUrl}`);
    const raw = base58(vm.publicKeyMultibase.slice(1));
    assert.deepEqual([raw[0], raw[1]], [0xed, 0x01], 'an Ed25519 multikey');
    return { controller: vm.controller, key: raw.slice(2) };
  }

  // Bitstring Status List: the list must be cached, verify, come from the credential's
  // issuer, and have the entry's bit clear.
  checkStatus = async ({ credential }) => {
    for (const entry of [].concat(credential.credentialStatus)) {
      const list = this.lists.get(entry.statusListCredential);
      if (!list) return { verified: false, error: new Error(`no cached status list ${entry.statusListCredential}`) };
      const listCheck = await this.verifyCredential(list);
      if (!listCheck.verified) return { verified: false, error: new Error('the status list does not verify') };
      const issuerId = (c) => (typeof c.issuer === 'string' ? c.issuer : c.issuer.id);
      if (issuerId(list) !== issuerId(credential)) return { verified: false, error: new Error('list from another issuer') };
      const encoded = list.credentialSubject.encodedList;
      const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
      const i = Number(entry.statusListIndex);
      if (bits[i >> 3] & (0x80 >> (i % 8))) return { verified: false, error: new Error(`${entry.statusPurpose} bit ${i} is set`) };
    }
    return { verified: true };
  };

  // eddsa-jcs-2022 (W3C vc-di-eddsa §3.3): SHA-256(JCS(proof config)) ‖ SHA-256(JCS(document)).
  async verifyJcs(doc) {
    const { proof, ...unsecured } = doc;
    const { proofValue, ...config } = proof;
    if (unsecured['@context']) config['@context'] = unsecured['@context'];
    const sha = async (v) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalize(v))));
    const data = new Uint8Array([...(await sha(config)), ...(await sha(unsecured))]);
    const { controller, key } = this.publicKeyOf(proof.verificationMethod);
    const issuer = typeof doc.issuer === 'string' ? doc.issuer : doc.issuer?.id;
    if (issuer && issuer !== controller) return { verified: false, error: `signed by ${controller}, not ${issuer}` };
    const ok = ed25519.verify(base58(proofValue.slice(1)), data, key);
    return ok ? { verified: true } : { verified: false, error: 'signature does not match' };
  }

  async verifyCredential(doc, now) {
    if (doc.proof?.cryptosuite === 'eddsa-jcs-2022') {
      const r = await this.verifyJcs(doc);
      if (!r.verified || !doc.credentialStatus) return r;
      const s = await this.checkStatus({ credential: doc });
      return s.verified ? r : { verified: false, error: s.error.message };
    }
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
    const options = { credential: doc, suite, documentLoader: this.loader, now };
    if (doc.credentialStatus) options.checkStatus = this.checkStatus;
    const r = await vc.verifyCredential(options);
    return { verified: r.verified, error: r.verified ? undefined : explain(r) };
  }
}

function didKeyDocument(did) {
  const key = did.slice('did:key:'.length);
  const vm = { id: `${did}#${key}`, type: 'Multikey', controller: did, publicKeyMultibase: key };
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [vm],
    assertionMethod: [vm.id],
    authentication: [vm.id],
  };
}

function explain(result) {
  const errors = [];
  const walk = (e) => {
    if (!e) return;
    if (Array.isArray(e)) return e.forEach(walk);
    if (e.message) errors.push(e.message);
    walk(e.errors);
  };
  walk(result.error);
  for (const r of result.results || []) walk(r.error);
  if (result.statusResult && !result.statusResult.verified) walk(result.statusResult.error);
  return errors.join('; ') || JSON.stringify(result).slice(0, 300);
}

// ---------- the bundled demo network, as `scripts/make-demo-network` made it ----------

const network = path.join(repo, 'assets/network');

function networkVerifier() {
  const v = new Verifier();
  for (const f of jsonFiles(path.join(network, 'dids'))) v.addDid(readJson(f));
  for (const f of jsonFiles(path.join(network, 'status'))) v.addStatusList(readJson(f));
  return v;
}

test('every credential of the demo network verifies independently, with did:web and status', async () => {
  const v = networkVerifier();
  const now = new Date('2026-11-01T00:00:00Z');
  const verdicts = {};
  for (const file of jsonFiles(path.join(network, 'credentials'))) {
    verdicts[path.basename(file)] = await v.verifyCredential(readJson(file), now);
  }
  const failed = Object.entries(verdicts).filter(([, r]) => !r.verified);
  // Exactly the two the demo makes fail on purpose, for the reasons it intends.
  assert.deepEqual(
    failed.map(([f]) => f).sort(),
    ['green-transition-in-industry-maria-ionescu-1.json', 'secure-networks-fundamentals-maria-ionescu-1.json'],
    JSON.stringify(verdicts, null, 1),
  );
  assert.match(verdicts['green-transition-in-industry-maria-ionescu-1.json'].error, /after "validUntil"/);
  assert.match(verdicts['secure-networks-fundamentals-maria-ionescu-1.json'].error, /revocation bit \d+ is set/);
  const webIssued = jsonFiles(path.join(network, 'credentials')).filter((f) => readJson(f).issuer.id.startsWith('did:web:'));
  assert.ok(webIssued.length >= 8, 'the demo is mostly did:web');
  assert.ok(webIssued.some((f) => readJson(f).credentialStatus), 'and carries status entries');
});

test('the registry, catalogue, qualification rules and status lists verify independently', async () => {
  const v = networkVerifier();
  const signed = [
    path.join(network, 'registry.json'),
    path.join(network, 'catalogue.json'),
    ...jsonFiles(path.join(network, 'qualifications')),
    ...jsonFiles(path.join(network, 'status')),
  ];
  for (const file of signed) {
    const r = await v.verifyCredential(readJson(file), new Date());
    assert.ok(r.verified, `${path.relative(repo, file)}: ${r.error}`);
  }
});

test('the independent verifier is not a rubber stamp: it rejects tampering and a missing list', async () => {
  const v = networkVerifier();
  const file = path.join(network, 'credentials/industry-4-0-fundamentals-maria-ionescu-1.json');
  const doc = readJson(file);
  assert.ok((await v.verifyCredential(doc, new Date('2026-11-01T00:00:00Z'))).verified);
  const tampered = structuredClone(doc);
  tampered.credentialSubject.achievement.name += ' (Honours)';
  assert.equal((await v.verifyCredential(tampered, new Date('2026-11-01T00:00:00Z'))).verified, false);
  const noLists = new Verifier();
  for (const f of jsonFiles(path.join(network, 'dids'))) noLists.addDid(readJson(f));
  const r = await noLists.verifyCredential(doc, new Date('2026-11-01T00:00:00Z'));
  assert.equal(r.verified, false);
  assert.match(r.error, /no cached status list/);
  const registry = readJson(path.join(network, 'registry.json'));
  registry.members.push({ id: 'did:web:intruder.example', name: 'Intruder', country: 'XX' });
  assert.equal((await v.verifyCredential(registry)).verified, false);
});

// ---------- fresh, from nothing, with the CLI alone ----------

test('an institution set up now with mcx issuer: did:web credentials, both suites, revocation', async () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-network-'));
  const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'institution passphrase' };
  const run = (...args) => execFileSync(mcx, ['issuer', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const dir = path.join(work, 'issuer');
  run('init', '--dir', dir, '--name', 'Hochschule Beispiel', '--country', 'DE', '--web-domain', 'hs-beispiel.example');
  const didDoc = readJson(path.join(dir, 'did.json'));
  assert.equal(didDoc.id, 'did:web:hs-beispiel.example');
  const list = path.join(work, 'revocation.json');
  run('status', 'create', '--dir', dir, '--out', list, '--size', '1024');
  const learners = path.join(work, 'learners.csv');
  writeFileSync(learners, 'name,email\nAna Pereira,ana@example.org\nJonas Berg,jonas@example.org\n');
  const achievement = path.join(network, 'src/achievements/thn--industry-4-0-fundamentals.json');
  const out = {};
  for (const suite of ['rdfc', 'jcs']) {
    out[suite] = path.join(work, suite);
    mkdirSync(out[suite]);
    run('issue', '--dir', dir, '--achievement', achievement, '--learners', learners, '--out', out[suite], '--suite', suite, '--status-list', list);
  }
  const files = (suite) => jsonFiles(out[suite]).sort();
  const v = new Verifier();
  v.addDid(didDoc);
  v.addStatusList(readJson(list));
  for (const suite of ['rdfc', 'jcs']) {
    for (const f of files(suite)) {
      const doc = readJson(f);
      assert.equal(doc.issuer.id, 'did:web:hs-beispiel.example');
      assert.ok(doc.credentialStatus, 'carries a status entry');
      const r = await v.verifyCredential(doc);
      assert.ok(r.verified, `${suite} ${path.basename(f)}: ${r.error}`);
    }
  }
  // Revoke the first rdfc credential; the re-signed list now fails it and only it.
  const revoked = readJson(files('rdfc')[0]);
  run('status', 'revoke', '--dir', dir, list, revoked.credentialStatus.statusListIndex);
  const after = new Verifier();
  after.addDid(didDoc);
  after.addStatusList(readJson(list));
  const r = await after.verifyCredential(revoked);
  assert.equal(r.verified, false);
  assert.match(r.error, /revocation bit/);
  assert.ok((await after.verifyCredential(readJson(files('rdfc')[1]))).verified);
});
