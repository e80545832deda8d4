// OpenID4VCI 1.0 against the OpenWallet Foundation's libraries (../shared/tools/oid4vc issuer on
// 127.0.0.1): `mcx receive` takes an offer by reference and by value, with a transaction code,
// a DPoP-bound token and a fresh nonce per request; every credential lands with the verdict a
// file import gives, and still verifies once the issuer is gone (its keys and status list were
// cached). The issuer's misbehaviours (--bad) end with a clear error and nothing stored.
//   MCX_BIN=… MCX_OID4VC=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startReference, stopAll } from './oid4vc-ref.mjs';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_OID4VC;
assert.ok(mcx && ref, 'MCX_BIN and MCX_OID4VC must be set (scripts/test sets them)');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-oid4vci-'));
after(stopAll);

// Start the reference issuer with `args`, logging its requests; resolves with its ready line.
let issuers = 0;
async function issuer(...args) {
  const log = path.join(work, `issuer-${++issuers}.log`);
  const started = startReference(ref, 'issuer', '--log', log, ...args);
  const ready = await started.next();
  assert.equal(ready.event, 'ready', JSON.stringify(ready));
  return { ...ready, log, process: started.process };
}

let wallets = 0;
const newWallet = () => path.join(work, `wallet-${++wallets}`);
const mcxRun = (wallet, ...args) => spawnSync(mcx, ['--wallet', wallet, ...args], { encoding: 'utf8' });
const list = (wallet) => JSON.parse(mcxRun(wallet, 'list', '--json').stdout);
const logOf = (iss) => readFileSync(iss.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('an offer by reference with a transaction code: all three formats arrive verified, and verify offline later', async () => {
  const iss = await issuer('--tx-code', '4711', '--status');
  const wallet = newWallet();
  const r = mcxRun(wallet, 'receive', iss.credential_offer_uri, '--tx-code', '4711', '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.issuer, iss.issuer);
  assert.equal(out.reports.length, 3);
  for (const rep of out.reports) {
    assert.equal(rep.outcome.outcome, 'imported', JSON.stringify(rep));
    assert.equal(rep.outcome.verdict, 'valid', JSON.stringify(rep));
  }
  // The issuer's keys and its status list were cached, each recognised.
  assert.ok(out.trust.some((t) => t.url.endsWith('/.well-known/jwt-vc-issuer') && /JWT VC Issuer Metadata/.test(t.recognised)), JSON.stringify(out.trust));
  assert.ok(out.trust.some((t) => t.url.endsWith('/status/1') && t.recognised), JSON.stringify(out.trust));
  // The token was DPoP-bound (the server offers DPoP) and every credential request proved it.
  const log = logOf(iss);
  assert.ok(log.filter((l) => l.path === '/token' || l.path === '/credential').every((l) => l.dpop), 'DPoP on every token and credential request');
  assert.equal(log.filter((l) => l.path === '/nonce').length, 3, 'a fresh nonce for each credential');
  // The SD-JWT VC is bound to the wallet's P-256 key; the W3C ones to its did:key.
  const info = JSON.parse(mcxRun(wallet, 'info', '--json').stdout);
  const issued = log.filter((l) => l.path === '/credential').map((l) => l.request).join('\n');
  assert.match(issued, /openid4vci-proof\+jwt|eyJ/);
  const held = list(wallet);
  assert.equal(held.length, 3);
  assert.ok(held.every((c) => c.verdict === 'valid'), JSON.stringify(held));
  assert.ok(info.holder, 'the wallet has a holder did:key');

  // The issuer is gone: everything still verifies from the wallet's own cache.
  iss.process.kill();
  await new Promise((ok) => iss.process.once('exit', ok));
  const again = mcxRun(wallet, 'reverify', '--json');
  assert.equal(again.status, 0, again.stdout + again.stderr);
  for (const c of list(wallet)) assert.equal(c.verdict, 'valid', JSON.stringify(c));
});

test('an offer by value: a wrong or missing transaction code is refused and nothing is kept', async () => {
  const iss = await issuer('--tx-code', '4711');
  const wallet = newWallet();
  const missing = spawnSync(mcx, ['--wallet', wallet, 'receive', iss.credential_offer], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /transaction code/);
  const short = mcxRun(wallet, 'receive', iss.credential_offer, '--tx-code', '12');
  assert.notEqual(short.status, 0);
  assert.match(short.stderr, /4 characters/);
  const wrong = mcxRun(wallet, 'receive', iss.credential_offer, '--tx-code', '1234');
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /invalid_grant/);
  assert.match(wrong.stderr, /transaction code is wrong/);
  assert.equal(list(wallet).length, 0);
});

test('control: an issuer that accepts any transaction code issues to a wrong one, so the refusal above is the issuer\'s own answer', async () => {
  const iss = await issuer('--tx-code', '4711', '--bad', 'wrong-tx-code-accepted', '--formats', 'ldp_vc');
  const wallet = newWallet();
  const wrong = mcxRun(wallet, 'receive', iss.credential_offer, '--tx-code', '1234');
  assert.equal(wrong.status, 0, wrong.stdout + wrong.stderr);
  assert.equal(list(wallet).length, 1);
});

test('a tampered credential is not stored, and says why', async () => {
  const iss = await issuer('--bad', 'tampered-credential', '--formats', 'ldp_vc,dc+sd-jwt');
  const wallet = newWallet();
  const r = mcxRun(wallet, 'receive', iss.credential_offer, '--json');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.reports.length, 2);
  for (const rep of out.reports) {
    assert.equal(rep.outcome.outcome, 'rejected', JSON.stringify(rep));
    assert.match(rep.outcome.reason, /not valid/);
  }
  assert.equal(list(wallet).length, 0);
  // The issuer is told the credentials were refused.
  assert.ok(logOf(iss).some((l) => l.path === '/notification' && /credential_failure/.test(l.request)));
});

test('an issuer whose nonces never work: one retry, then a clear error and nothing kept', async () => {
  const iss = await issuer('--bad', 'wrong-nonce', '--formats', 'ldp_vc');
  const wallet = newWallet();
  const r = mcxRun(wallet, 'receive', iss.credential_offer);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /invalid_nonce/);
  assert.equal(logOf(iss).filter((l) => l.path === '/credential').length, 2, 'exactly one retry');
  assert.equal(list(wallet).length, 0);
});

test('an expired offer says so', async () => {
  const iss = await issuer('--bad', 'expired-offer');
  const r = mcxRun(newWallet(), 'receive', iss.credential_offer);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /invalid_grant/);
  assert.match(r.stderr, /expired or was already used/);
});

test('a format the wallet cannot verify is named as such; the others arrive', async () => {
  const iss = await issuer('--bad', 'unknown-format', '--formats', 'ldp_vc');
  const wallet = newWallet();
  const r = mcxRun(wallet, 'receive', iss.credential_offer, '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  const unknown = out.offered.find((o) => o.format === 'x-microcredx-unknown');
  assert.match(unknown.unsupported, /not one the wallet can verify/);
  assert.equal(out.reports.length, 1);
  assert.equal(out.reports[0].outcome.verdict, 'valid');
  // A used offer cannot be used twice.
  const twice = mcxRun(wallet, 'receive', iss.credential_offer);
  assert.notEqual(twice.status, 0);
  assert.match(twice.stderr, /invalid_grant/);
});

test('links the wallet will not follow: plain http off this computer, and non-offers', () => {
  const wallet = newWallet();
  const http = mcxRun(wallet, 'receive', 'openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fissuer.example%2Foffer%2F1');
  assert.notEqual(http.status, 0);
  assert.match(http.stderr, /plain http/);
  const none = mcxRun(wallet, 'receive', 'https://example.org/');
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /not a credential offer/);
});

// A hostile issuer, served from this process (so mcx runs asynchronously): each answer the
// wallet must refuse, with a message naming the problem, and nothing stored.
async function hostile(handler) {
  const http = await import('node:http');
  const server = http.createServer(handler);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  const offer = JSON.stringify({ credential_issuer: base, credential_configuration_ids: ['mc'],
    grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': { 'pre-authorized_code': 'x' } } });
  const link = `openid-credential-offer://?credential_offer=${encodeURIComponent(offer)}`;
  const wallet = newWallet();
  const p = spawn(mcx, ['--wallet', wallet, 'receive', link], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => { stderr += d; });
  const status = await new Promise((ok) => p.on('close', ok));
  server.closeAllConnections?.();
  server.close();
  return { status, stderr, base, wallet };
}

test('hostile issuers: a metadata for another issuer, a redirect to a file, a huge answer', async () => {
  const other = await hostile((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ credential_issuer: 'https://university.example', credential_endpoint: 'https://university.example/c' }));
  });
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /is for https:\/\/university\.example, not for the issuer of the offer/);
  assert.equal(list(other.wallet).length, 0);

  const redirect = await hostile((req, res) => {
    res.writeHead(302, { location: 'file:///etc/passwd' });
    res.end();
  });
  assert.notEqual(redirect.status, 0);
  assert.match(redirect.stderr, /redirect \(HTTP 302 to file:\/\/\/etc\/passwd\), which the wallet does not follow/);

  const huge = await hostile((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let n = 0;
    const more = () => { while (n < 6 && res.write(chunk)) n += 1; if (n >= 6) res.end(); else { n += 1; res.once('drain', more); } };
    more();
  });
  assert.notEqual(huge.status, 0);
  assert.match(huge.stderr, /sent more than 4 MiB; the wallet stopped reading/);
});

test('a hostile issuer that never finishes its answer: the wallet gives up after its timeout', async () => {
  const slow = await hostile((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"credential_issuer":');
    // ... and nothing more.
  });
  assert.notEqual(slow.status, 0);
  assert.match(slow.stderr, /could not reach .*timeout/);
});

// Issue 17: a one-time offer is not spent on a wallet that could not keep what arrives. With
// the wallet's disk nearly full (room to open it, not to store), `mcx receive` stops with the
// full-disk message before it contacts the issuer; once there is room, the same offer works.
// Mounts a tmpfs, so it needs root (as CI runs); skipped otherwise.
test('a wallet on a nearly full disk: the offer is not used, and works once there is room', async (t) => {
  const disk = mkdtempSync(path.join(os.tmpdir(), 'mcx-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk]);
  if (mounted.status !== 0) {
    t.skip('mounting a tmpfs needs root');
    return;
  }
  try {
    const wallet = path.join(disk, 'w');
    assert.equal(mcxRun(wallet, 'info').status, 0);
    // Fill the disk, then give back 2 MiB: enough to open the wallet, not to receive into it.
    const filler = path.join(disk, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(1 << 16);
    let size = 0;
    for (;;) {
      try { size += writeSync(fd, chunk); } catch { break; }
    }
    ftruncateSync(fd, Math.max(0, size - (2 << 20)));
    closeSync(fd);

    const iss = await issuer('--tx-code', '4711', '--formats', 'ldp_vc,dc+sd-jwt');
    const r = mcxRun(wallet, 'receive', iss.credential_offer_uri, '--tx-code', '4711');
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`the disk holding ${wallet.replace(/[/.]/g, '\\$&')} is full: nothing was changed`));
    assert.match(r.stderr, /Free some space on that disk, then run the same command again/);
    assert.doesNotMatch(r.stderr, /Contacting the issuer/);
    assert.equal(existsSync(iss.log) ? readFileSync(iss.log, 'utf8').trim() : '', '', 'the issuer was not contacted');
    assert.equal(list(wallet).length, 0);

    unlinkSync(filler);
    const again = mcxRun(wallet, 'receive', iss.credential_offer_uri, '--tx-code', '4711', '--json');
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).reports.map((rep) => rep.outcome.verdict), ['valid', 'valid']);
    assert.equal(list(wallet).length, 2);
  } finally {
    spawnSync('umount', ['-l', disk]);
  }
});
