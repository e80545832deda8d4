// OpenID4VP 1.0 against the OpenWallet Foundation's libraries (../shared/tools/oid4vc verifier on
// 127.0.0.1): a wallet filled by `mcx receive` from the reference issuer answers the reference
// verifier's DCQL requests with `mcx present`. The SD-JWT VC discloses exactly the claims asked
// for, with a key-binding JWT for that verifier and nonce; the Open Badges credential goes in a
// presentation whose proof carries the nonce and the client id. The verifier's own verdict
// (printed on its stdout) is what counts. Declining tells the verifier so.
//   MCX_BIN=… MCX_OID4VC=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gradeOptionalQuery, startReference, stopAll } from './oid4vc-ref.mjs';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_OID4VC;
assert.ok(mcx && ref, 'MCX_BIN and MCX_OID4VC must be set (scripts/test sets them)');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-oid4vp-'));
const wallet = path.join(work, 'wallet');
after(stopAll);

const start = (role, ...args) => startReference(ref, role, ...args);

const mcxRun = (...args) => spawnSync(mcx, ['--wallet', wallet, ...args], { encoding: 'utf8' });

// The wallet: the reference issuer's three micro-credentials, received by OpenID4VCI.
const issuer = start('issuer', '--status');
const offer = (await issuer.next()).credential_offer;
const received = mcxRun('receive', offer);
assert.equal(received.status, 0, received.stdout + received.stderr);

test('an SD-JWT VC to a verifier that signs its request: exactly title, ECTS and EQF level are disclosed', async () => {
  const v = start('verifier', '--preset', 'title,ects,eqf');
  const ready = await v.next();
  const r = mcxRun('present', ready.authorization_request, '--yes', '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.verifier.verified, true, 'a signed decentralized_identifier request is verified');
  assert.deepEqual(Object.keys(out.sent), ['micro_sd_jwt']);
  const result = await v.next();
  assert.equal(result.event, 'result');
  assert.equal(result.verified, true, JSON.stringify(result));
  const [c] = result.credentials;
  assert.equal(c.format, 'dc+sd-jwt');
  assert.equal(c.key_binding, true);
  assert.equal(c.kb.aud, ready.client_id);
  assert.equal(c.kb.nonce, ready.nonce);
  assert.deepEqual([...c.selectively_disclosed].sort(), ['ects_credits', 'eqf_level', 'title']);
  assert.deepEqual(c.over_disclosed, []);
  assert.equal(result.dcql.satisfied, true);
});

// A query whose claim sets let the grade be left out (OpenID4VP 1.0 §6.4.1): the verifier
// prefers it, and accepts the credential without it.
const gradeOptional = () => gradeOptionalQuery(work);

test('the grade withheld (--withhold grade): the reference verifier gets exactly title, ECTS and EQF level, and verifies them', async () => {
  const v = start('verifier', '--query', gradeOptional(), '--strict');
  const ready = await v.next();
  const r = mcxRun('present', ready.authorization_request, '--withhold', 'grade', '--yes', '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  const grade = out.answer.queries[0].candidates[0].claims.find((c) => c.path === 'grade');
  assert.equal(grade.optional, true, 'the learner is told the grade may be withheld');
  assert.deepEqual(out.sent.micro_sd_jwt.withheld, ['grade']);
  const result = await v.next();
  assert.equal(result.verified, true, JSON.stringify(result));
  assert.deepEqual([...result.credentials[0].selectively_disclosed].sort(), ['ects_credits', 'eqf_level', 'title']);
  assert.equal(result.dcql.satisfied, true);
});

test('the same query answered without withholding sends the grade the verifier prefers', async () => {
  const v = start('verifier', '--query', gradeOptional(), '--strict');
  const ready = await v.next();
  const r = mcxRun('present', ready.authorization_request, '--yes');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const result = await v.next();
  assert.equal(result.verified, true, JSON.stringify(result));
  assert.deepEqual([...result.credentials[0].selectively_disclosed].sort(), ['ects_credits', 'eqf_level', 'grade', 'title']);
});

test('withholding what the verifier requires, or what it did not ask for, is refused before anything is sent', async () => {
  const v = start('verifier', '--query', gradeOptional());
  const ready = await v.next();
  const required = mcxRun('present', ready.authorization_request, '--withhold', 'title', '--yes');
  assert.notEqual(required.status, 0);
  assert.match(required.stderr, /the verifier requires title: it cannot be withheld/);
  const unasked = mcxRun('present', ready.authorization_request, '--withhold', 'assessment_type', '--yes');
  assert.notEqual(unasked.status, 0);
  assert.match(unasked.stderr, /does not ask for assessment_type/);
  // The request is still open and unanswered: answering it now works.
  const yes = mcxRun('present', ready.authorization_request, '--withhold', 'grade', '--yes');
  assert.equal(yes.status, 0, yes.stdout + yes.stderr);
  assert.equal((await v.next()).verified, true);
});

test('an Open Badges credential to an unverified redirect_uri verifier: a presentation bound to its nonce and client id', async () => {
  const v = start('verifier', '--formats', 'ldp_vc', '--client-id-prefix', 'redirect_uri', '--preset', 'title,ects');
  const ready = await v.next();
  const r = mcxRun('present', ready.authorization_request, '--yes', '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.verifier.verified, false, 'a redirect_uri client is shown as unverified');
  assert.match(out.verifier.how, /nothing confirms who sent this request/);
  const result = await v.next();
  assert.equal(result.verified, true, JSON.stringify(result));
  assert.equal(result.credentials[0].format, 'ldp_vc');
  assert.equal(result.credentials[0].verdict, 'valid');
  assert.ok(out.answer.queries[0].candidates[0].whole, 'the learner is told the whole credential goes');
});

test('declining tells the verifier access_denied and sends nothing', async () => {
  const v = start('verifier');
  const ready = await v.next();
  const r = mcxRun('present', ready.authorization_request, '--decline');
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /Declined/);
  const result = await v.next();
  assert.equal(result.verified, false);
  assert.match(JSON.stringify(result), /access_denied/);
});

test('without --yes and without a terminal nothing is sent', async () => {
  const v = start('verifier');
  const ready = await v.next();
  const r = spawnSync(mcx, ['--wallet', wallet, 'present', ready.authorization_request], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /nothing was sent/);
  // The same request is still open: answering it now works.
  const yes = mcxRun('present', ready.authorization_request, '--yes');
  assert.equal(yes.status, 0, yes.stdout + yes.stderr);
  assert.equal((await v.next()).verified, true);
});

test('a request for something the wallet does not hold is answered with an error, not a guess', async () => {
  writeFileSync(path.join(work, 'q.json'), JSON.stringify({ credentials: [{ id: 'diploma', format: 'dc+sd-jwt',
    meta: { vct_values: ['urn:eudi:diploma:1'] }, claims: [{ path: ['degree'] }] }] }));
  const w = start('verifier', '--query', path.join(work, 'q.json'));
  const ready = await w.next();
  const r = mcxRun('present', ready.authorization_request, '--yes');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot answer this request/);
  assert.match(r.stderr, /no verified credential of the wallet has the type/);
  const result = await w.next();
  assert.equal(result.verified, false);
  assert.match(JSON.stringify(result), /access_denied/);
});

test('a request object changed after the verifier signed it is refused, and nothing is sent', async () => {
  const v = start('verifier');
  const ready = await v.next();
  const link = new URL(ready.authorization_request.replace('openid4vp://', 'http://x/'));
  const jar = await (await fetch(link.searchParams.get('request_uri'))).text();
  const [h, p, s] = jar.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  claims.response_uri = 'http://127.0.0.1:9/elsewhere';
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  const http = await import('node:http');
  const server = http.createServer((_, res) => res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' }).end(forged));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const uri = `http://127.0.0.1:${server.address().port}/request`;
    // Run asynchronously: the forged request is served from this process.
    const r = await mcxAsync('present', `openid4vp://?client_id=${encodeURIComponent(ready.client_id)}&request_uri=${encodeURIComponent(uri)}`, '--yes');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /signature does not check out/);
  } finally {
    server.close();
  }
});

// A verifier named by the DNS name in its certificate (x509_san_dns), made here with openssl:
// a CA and a leaf for `localhost`, the request object signed ES256 with the leaf's key.
async function x509Verifier(dnsInCert) {
  const { execFileSync } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const crypto = await import('node:crypto');
  const http = await import('node:http');
  const d = mkdtempSync(path.join(work, 'x509-'));
  const f = (n) => path.join(d, n);
  const ssl = (...a) => execFileSync('openssl', a, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=Test Verifier CA', '-days', '2');
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', `/CN=${dnsInCert}`);
  writeFileSync(f('ext'), `subjectAltName=DNS:${dnsInCert}\n`);
  ssl('x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '1', '-extfile', f('ext'));
  const der = (pem) => new crypto.X509Certificate(readFileSync(pem)).raw.toString('base64');
  const answers = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      if (req.method === 'POST') {
        answers.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' }).end(server.jar);
    });
  });
  await new Promise((ok) => server.listen(0, ok));
  const port = server.address().port;
  const clientId = 'x509_san_dns:localhost';
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = { alg: 'ES256', typ: 'oauth-authz-req+jwt', x5c: [der(f('leaf.pem')), der(f('ca.pem'))] };
  const payload = { client_id: clientId, response_type: 'vp_token', response_mode: 'direct_post',
    response_uri: `http://localhost:${port}/response`, nonce: 'n-x509', state: 's-x509',
    dcql_query: { credentials: [{ id: 'mc', format: 'dc+sd-jwt', meta: { vct_values: ['urn:eudi:micro_credential:1'] }, claims: [{ path: ['title'] }] }] } };
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: readFileSync(f('leaf.key')), dsaEncoding: 'ieee-p1363' });
  server.jar = `${input}.${sig.toString('base64url')}`;
  const link = `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(`http://localhost:${port}/request`)}`;
  return { server, link, answers, clientId };
}

// Run mcx without blocking this process (for verifiers served from it).
function mcxAsync(...args) {
  const p = spawn(mcx, ['--wallet', wallet, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => { stdout += d; });
  p.stderr.on('data', (d) => { stderr += d; });
  return new Promise((ok) => p.on('close', (status) => ok({ status, stdout, stderr })));
}

test('a verifier named by its certificate (x509_san_dns): checked, answered at its own host, its issuer shown', async () => {
  const v = await x509Verifier('localhost');
  try {
    const r = await mcxAsync('present', v.link, '--yes', '--json');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.match(out.verifier.how, /signed with its certificate, issued by Test Verifier CA/);
    assert.equal(v.answers.length, 1);
    assert.equal(v.answers[0].state, 's-x509');
    const [sdjwt] = JSON.parse(v.answers[0].vp_token).mc;
    const kb = JSON.parse(Buffer.from(sdjwt.split('~').at(-1).split('.')[1], 'base64url'));
    assert.equal(kb.aud, v.clientId);
    assert.equal(kb.nonce, 'n-x509');
  } finally {
    v.server.close();
  }
  const other = await x509Verifier('other.example');
  try {
    const r = await mcxAsync('present', other.link, '--yes');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /calls itself localhost, but its certificate is for other\.example/);
    assert.equal(other.answers.length, 0, 'nothing is sent to a verifier whose certificate does not name it');
  } finally {
    other.server.close();
  }
});

test('a redirect_uri client by reference (an unsigned request object at request_uri): answered, shown as unverified', async () => {
  const v = start('verifier', '--formats', 'ldp_vc', '--client-id-prefix', 'redirect_uri_by_reference', '--preset', 'title,ects');
  const ready = await v.next();
  assert.match(ready.authorization_request, /request_uri=/);
  const r = mcxRun('present', ready.authorization_request, '--yes', '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).verifier.verified, false);
  const result = await v.next();
  assert.equal(result.verified, true, JSON.stringify(result));
  assert.equal(result.client_id_prefix, 'redirect_uri_by_reference');
});

test('two credentials answer the query: --select chooses which one goes, read from a picture of the QR request', async () => {
  // A second issuance: the wallet now holds two SD-JWT micro-credentials that fit.
  const again = start('issuer');
  const more = mcxRun('receive', (await again.next()).credential_offer);
  assert.equal(more.status, 0, more.stdout + more.stderr);
  const v = start('verifier', '--formats', 'dc+sd-jwt', '--preset', 'title,ects');
  const ready = await v.next();
  // The request as a QR code picture (the wallet's encoder, examples/qr.rs).
  const picture = path.join(work, 'request.png');
  const qr = path.join(path.dirname(path.dirname(mcx)), 'debug', 'examples', 'qr');
  const made = spawnSync(qr, [ready.authorization_request, picture], { encoding: 'utf8' });
  assert.equal(made.status, 0, `examples/qr (cargo build --example qr): ${made.error?.code ?? made.stderr}`);
  const look = mcxRun('present', picture, '--decline', '--json');
  const candidates = JSON.parse(look.stdout).answer.queries[0].candidates;
  assert.equal(candidates.length, 2, look.stdout);
  assert.equal((await v.next()).verified, false, 'declined');
  const v2 = start('verifier', '--formats', 'dc+sd-jwt', '--preset', 'title,ects');
  const ready2 = await v2.next();
  const second = candidates[1].id;
  const r = mcxRun('present', ready2.authorization_request, '--select', `micro_sd_jwt=${second.slice(0, 8)}`, '--yes', '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).sent.micro_sd_jwt.ids, [second]);
  assert.equal((await v2.next()).verified, true);
  const wrong = mcxRun('present', ready2.authorization_request, '--select', 'micro_sd_jwt=ffffffff', '--yes');
  assert.notEqual(wrong.status, 0);
});
