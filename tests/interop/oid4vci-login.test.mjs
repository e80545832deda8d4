// OpenID4VCI 1.0 with the authorization code grant (§5): the learner logs in at the issuer in
// the browser before it issues. The issuer is ./login-issuer.mjs: the OpenWallet Foundation
// reference issues, behind an authorization server built on its @openid4vc/oauth2 that checks
// the loopback redirect, PKCE S256, state, issuer_state and the authorization details. The
// browser is ./fake-browser.mjs, named by $BROWSER as a learner's desktop would name theirs;
// it fills the login form and follows the redirect back to the wallet.
//   MCX_BIN=… MCX_OID4VC=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startLoginIssuer, stopAll } from './oid4vc-ref.mjs';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_OID4VC;
assert.ok(mcx && ref, 'MCX_BIN and MCX_OID4VC must be set (scripts/test sets them)');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-oid4vci-login-'));
after(stopAll);

let runs = 0;
// `mcx receive` with the test browser; runs beside this process, which serves nothing itself
// but reads the issuer's events.
function receive(offer, action = 'login') {
  const n = ++runs;
  const wallet = path.join(work, `wallet-${n}`);
  const browserLog = path.join(work, `browser-${n}.log`);
  const env = { ...process.env, BROWSER: path.join(import.meta.dirname, 'fake-browser.mjs'), FAKE_BROWSER_ACTION: action, FAKE_BROWSER_LOG: browserLog };
  const p = spawn(mcx, ['--wallet', wallet, 'receive', offer, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => { stdout += d; });
  p.stderr.on('data', (d) => { stderr += d; });
  return new Promise((ok) => p.on('close', (status) => ok({ status, stdout, stderr, wallet,
    browser: () => readFileSync(browserLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) })));
}

const list = (wallet) => new Promise((ok) => {
  const p = spawn(mcx, ['--wallet', wallet, 'list', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.on('close', () => ok(out ? JSON.parse(out) : null));
});

async function loginIssuer(...flags) {
  const issuer = startLoginIssuer(ref, ...flags);
  const ready = await issuer.next();
  assert.equal(ready.event, 'ready', JSON.stringify(ready));
  return { ...ready, next: issuer.next };
}

test('an offer that needs a login: the browser opens the issuer, the learner logs in, all three arrive verified', async () => {
  const iss = await loginIssuer();
  const r = await receive(iss.credential_offer);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /Log in at the issuer in your browser/);
  const out = JSON.parse(r.stdout);
  assert.equal(out.issuer, iss.issuer);
  assert.deepEqual(out.reports.map((x) => x.outcome.outcome), ['imported', 'imported', 'imported'], JSON.stringify(out.reports));
  const held = await list(r.wallet);
  assert.equal(held.length, 3, JSON.stringify(held));
  for (const c of held) assert.equal(c.verdict, 'valid', JSON.stringify(c));
  const events = [await iss.next(), await iss.next(), await iss.next()].map((e) => e.event);
  assert.deepEqual(events, ['authorize', 'login', 'token']);
  const opened = new URL(r.browser()[0].opened);
  assert.equal(opened.searchParams.get('code_challenge_method'), 'S256');
  assert.match(opened.searchParams.get('redirect_uri'), /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  assert.equal(opened.searchParams.get('client_id'), 'microcredx-wallet');
});

test('a server that requires pushed authorization requests (RFC 9126): the browser carries only the reference', async () => {
  const iss = await loginIssuer('--par');
  const r = await receive(iss.credential_offer);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const opened = new URL(r.browser()[0].opened);
  assert.deepEqual([...opened.searchParams.keys()].sort(), ['client_id', 'request_uri']);
  assert.equal((await list(r.wallet)).length, 3);
});

test('the learner declines at the issuer: access_denied is shown, and nothing is kept', async () => {
  const iss = await loginIssuer();
  const r = await receive(iss.credential_offer, 'deny');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /the login at http:\/\/127\.0\.0\.1:\d+: the server said access_denied \(the learner did not log in\); nothing was kept/);
  const held = await list(r.wallet);
  assert.ok(held === null || held.length === 0, JSON.stringify(held));
});

test('an answer that names another server than the one asked (RFC 9207 iss) is not used, and nothing is kept', async () => {
  const iss = await loginIssuer('--wrong-iss');
  const r = await receive(iss.credential_offer);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /not from the authorization server the wallet asked/);
  const held = await list(r.wallet);
  assert.ok(held === null || held.length === 0, JSON.stringify(held));
});
