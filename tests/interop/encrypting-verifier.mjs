// A verifier that asks for its answer encrypted (OpenID4VP 1.0 §8.3, response mode
// direct_post.jwt), which the reference verifier (../shared/tools/oid4vc) does not offer. The
// OpenWallet Foundation's Openid4vpVerifier makes the request (client id `redirect_uri:`, every
// parameter by value, client_metadata with a fresh P-256 ECDH-ES key) and parses the answer,
// decrypting it through its decryptJwe callback, written here on node:crypto (ECDH, the Concat
// KDF of RFC 7518 §4.6.2, AES-GCM). Each SD-JWT presentation is then checked by the reference's
// verifySdJwt (key binding to this client id and nonce). Prints a ready line, then one result
// line per answer.
// With --bad no-nonce or --bad code, the request leaves out its nonce, or asks for
// response_type code, for the wallet to refuse (the link is then written here, since the
// library refuses to make such a request).
//   node tests/interop/encrypting-verifier.mjs REF [--enc A128GCM|A256GCM] [--key ec|rsa] [--bad no-nonce|code]
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [ref, ...flags] = process.argv.slice(2);
if (!ref) {
  console.error('usage: encrypting-verifier.mjs REF [--enc A128GCM|A256GCM] [--key ec|rsa]');
  process.exit(2);
}
const flag = (name, fallback) => {
  const at = flags.indexOf(name);
  return at >= 0 ? flags[at + 1] : fallback;
};
const enc = flag('--enc', 'A128GCM');
const keyKind = flag('--key', 'ec');
const bad = flag('--bad', null);
const load = (p) => import(pathToFileURL(path.join(ref, p)).href);
const { startServer, reply, oauthError, makeCallbacks, randomId } = await load('lib/common.mjs');
const { presetQuery } = await load('lib/verifier.mjs');
const { Trust, verifySdJwt } = await load('lib/credentials.mjs');
const { Openid4vpVerifier } = await import(
  pathToFileURL(path.join(ref, 'node_modules/@openid4vc/openid4vp/dist/index.mjs')).href
);
const emit = (e) => process.stdout.write(`${JSON.stringify(e)}\n`);

const KID = 'enc-1';
const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, use: 'enc', alg: 'ECDH-ES' };
const offeredKey = keyKind === 'rsa'
  ? { ...crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RSA-OAEP-256' }
  : publicJwk;

const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const lengthPrefixed = (b) => Buffer.concat([u32(b.length), b]);

// RFC 7516 §5.2 with RFC 7518 §4.6 (ECDH-ES direct key agreement) and §5.3 (AES-GCM).
function decryptJwe(jwe) {
  const [h, encryptedKey, iv, ciphertext, tag] = String(jwe).split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const keyLen = { A128GCM: 16, A256GCM: 32 }[header.enc];
  if (header.alg !== 'ECDH-ES' || encryptedKey !== '' || !keyLen || (header.kid && header.kid !== KID)) {
    return { decrypted: false };
  }
  const z = crypto.diffieHellman({ privateKey, publicKey: crypto.createPublicKey({ key: header.epk, format: 'jwk' }) });
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(header.enc)),
    lengthPrefixed(Buffer.from(header.apu ?? '', 'base64url')),
    lengthPrefixed(Buffer.from(header.apv ?? '', 'base64url')),
    u32(keyLen * 8),
  ]);
  // One round of the Concat KDF gives 32 bytes, enough for either key.
  const cek = crypto.createHash('sha256').update(Buffer.concat([u32(1), z, otherInfo])).digest().subarray(0, keyLen);
  const decipher = crypto.createDecipheriv(`aes-${keyLen * 8}-gcm`, cek, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(h));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const payload = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  return { decrypted: true, decryptionJwk: publicJwk, payload };
}

const callbacks = { ...makeCallbacks([]), decryptJwe };
const verifier = new Openid4vpVerifier({ callbacks });
const txs = new Map();
let url;

const server = await startServer({
  name: 'encrypting-verifier', log: () => {}, handler: async (req) => {
    if (req.method !== 'POST' || !req.path.startsWith('/response/')) return undefined;
    const tx = txs.get(req.path.slice('/response/'.length));
    if (!tx) return oauthError(400, 'invalid_request', 'unknown transaction');
    const result = { event: 'result', errors: [], credentials: [], verified: false };
    try {
      if (typeof req.body !== 'object' || Object.keys(req.body).join() !== 'response') {
        throw new Error(`direct_post.jwt sends one form parameter, response (§8.3); got ${Object.keys(req.body ?? {}).join(', ')}`);
      }
      result.jwe_header = JSON.parse(Buffer.from(req.body.response.split('.')[0], 'base64url'));
      const decrypted = decryptJwe(req.body.response);
      if (decrypted.decrypted) result.payload_members = Object.keys(JSON.parse(decrypted.payload)).sort();
      if (decrypted.decrypted && JSON.parse(decrypted.payload).error) {
        const p = JSON.parse(decrypted.payload);
        Object.assign(result, { error: p.error, error_description: p.error_description, state_matches: p.state === tx.payload.state });
      } else {
        const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
          authorizationResponse: req.body, authorizationRequestPayload: tx.payload, callbacks,
        });
        result.state_matches = parsed.authorizationResponsePayload?.state === tx.payload.state;
        for (const [qid, entries] of Object.entries(parsed.dcql.presentations)) {
          for (const entry of entries) {
            const r = await verifySdJwt(entry, { trust: new Trust(), aud: tx.clientId, nonce: tx.payload.nonce, requireType: false, requireKb: true });
            const { claims: _c, credentials: _cs, ...summary } = r;
            result.credentials.push({ query_id: qid, ...summary });
          }
        }
        result.verified = result.state_matches && result.credentials.length > 0 && result.credentials.every((c) => c.verified);
      }
    } catch (e) {
      result.errors.push(String(e?.message ?? e).split('\n')[0]);
    }
    setImmediate(() => emit(result));
    return reply(200, {});
  },
});
url = server.url;

const id = randomId(12);
const responseUri = `${url}/response/${id}`;
const clientId = `redirect_uri:${responseUri}`;
const payload = {
  response_type: 'vp_token', client_id: clientId, response_uri: responseUri, response_mode: 'direct_post.jwt',
  nonce: randomId(), state: randomId(8), dcql_query: presetQuery(['title', 'ects', 'eqf'], ['dc+sd-jwt']),
  client_metadata: {
    client_name: 'Encrypting test verifier',
    jwks: { keys: [offeredKey] },
    encrypted_response_enc_values_supported: [enc],
    vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256', 'EdDSA'], 'kb-jwt_alg_values': ['ES256', 'EdDSA'] } },
  },
};
let link;
if (bad) {
  if (bad === 'no-nonce') delete payload.nonce;
  else if (bad === 'code') payload.response_type = 'code';
  else throw new Error(`--bad is no-nonce or code, not ${bad}`);
  const params = Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  link = `openid4vp://?${new URLSearchParams(params)}`;
  txs.set(id, { clientId, payload });
} else {
  const created = await verifier.createOpenId4vpAuthorizationRequest({ authorizationRequestPayload: payload });
  link = created.authorizationRequest;
  txs.set(id, { clientId, payload: created.authorizationRequestPayload ?? payload });
}
emit({ event: 'ready', role: 'encrypting-verifier', url, authorization_request: link, client_id: clientId, nonce: payload.nonce });
