// OpenID4VP 1.0 §8.3, response mode direct_post.jwt: the wallet's answer encrypted for the
// verifier (ECDH-ES on P-256, A128GCM or A256GCM), decrypted and parsed by the OpenWallet
// Foundation's Openid4vpVerifier (tests/interop/encrypting-verifier.mjs), each SD-JWT
// presentation checked by the reference's verifySdJwt. A declined request is answered
// encrypted too; a verifier offering no key the wallet can encrypt for gets nothing.
//   MCX_BIN=… MCX_OID4VC=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startEncryptingVerifier, startReference, stopAll } from './oid4vc-ref.mjs';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_OID4VC;
assert.ok(mcx && ref, 'MCX_BIN and MCX_OID4VC must be set (scripts/test sets them)');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-oid4vp-jwe-'));
const wallet = path.join(work, 'wallet');
after(stopAll);

const mcxRun = (...args) => spawnSync(mcx, ['--wallet', wallet, ...args], { encoding: 'utf8' });

const issuer = startReference(ref, 'issuer');
const offer = (await issuer.next()).credential_offer;
const received = mcxRun('receive', offer);
assert.equal(received.status, 0, received.stdout + received.stderr);

for (const enc of ['A128GCM', 'A256GCM']) {
  test(`the answer goes encrypted with ECDH-ES and ${enc}, and the verifier decrypts and verifies it`, async () => {
    const v = startEncryptingVerifier(ref, '--enc', enc);
    const ready = await v.next();
    assert.equal(ready.event, 'ready', JSON.stringify(ready));
    const r = mcxRun('present', ready.authorization_request, '--yes', '--json');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const result = await v.next();
    assert.equal(result.event, 'result');
    assert.deepEqual(result.errors, []);
    assert.equal(result.jwe_header.alg, 'ECDH-ES');
    assert.equal(result.jwe_header.enc, enc);
    assert.equal(result.jwe_header.kid, 'enc-1');
    assert.equal(result.jwe_header.epk.crv, 'P-256');
    assert.deepEqual(result.payload_members, ['state', 'vp_token']);
    assert.equal(result.state_matches, true);
    assert.equal(result.verified, true, JSON.stringify(result));
    const [c] = result.credentials;
    assert.equal(c.key_binding, true);
    assert.equal(c.kb.aud, ready.client_id);
    assert.equal(c.kb.nonce, ready.nonce);
    assert.deepEqual([...c.selectively_disclosed].sort(), ['ects_credits', 'eqf_level', 'title']);
  });
}

test('declining answers access_denied, encrypted as well', async () => {
  const v = startEncryptingVerifier(ref);
  const ready = await v.next();
  const r = mcxRun('present', ready.authorization_request, '--decline', '--json');
  assert.equal(r.status, 2, 'declined, as `mcx present` says by its exit code: ' + r.stdout + r.stderr);
  const result = await v.next();
  assert.equal(result.jwe_header.alg, 'ECDH-ES');
  assert.equal(result.error, 'access_denied', JSON.stringify(result));
  assert.equal(result.state_matches, true);
});

test('a verifier that offers only an RSA key gets nothing, and the learner is told why', async () => {
  const v = startEncryptingVerifier(ref, '--key', 'rsa');
  const ready = await v.next();
  const r = mcxRun('present', ready.authorization_request, '--yes', '--json');
  assert.notEqual(r.status, 0, r.stdout);
  assert.match(r.stderr + r.stdout, /no P-256 key for ECDH-ES to encrypt its answer with \(it offers: RSA/);
  const silence = await Promise.race([v.next(), new Promise((res) => setTimeout(() => res('nothing'), 1500))]);
  assert.equal(silence, 'nothing', 'the verifier got no answer');
});

for (const [bad, code, said] of [['no-nonce', 'invalid_request', /has no nonce/], ['code', 'unsupported_response_type', /response_type code/]]) {
  test(`a request the wallet does not answer (${bad}) is refused, and the verifier is told ${code}, encrypted`, async () => {
    const v = startEncryptingVerifier(ref, '--bad', bad);
    const ready = await v.next();
    const r = mcxRun('present', ready.authorization_request, '--yes');
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, said);
    const result = await v.next();
    assert.equal(result.jwe_header?.alg, 'ECDH-ES', JSON.stringify(result));
    assert.equal(result.error, code, JSON.stringify(result));
  });
}
