// OpenID4VCI 1.0 deferred issuance (§8.3, §9): the issuer answers a credential request with a
// transaction id, and the wallet asks its deferred credential endpoint, no sooner than the
// interval, until the credentials come. The issuer is ./deferring-issuer.mjs: the OpenWallet
// Foundation reference issues, behind endpoints that defer. Nothing is kept until they come,
// and an issuer that never issues ends with a clear message and nothing kept.
//   MCX_BIN=… MCX_OID4VC=<prepared copy of the reference> node --test tests/interop/
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startDeferringIssuer, stopAll } from './oid4vc-ref.mjs';

const mcx = process.env.MCX_BIN;
const ref = process.env.MCX_OID4VC;
assert.ok(mcx && ref, 'MCX_BIN and MCX_OID4VC must be set (scripts/test sets them)');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-oid4vci-deferred-'));
after(stopAll);

async function deferring(...flags) {
  const iss = startDeferringIssuer(ref, ...flags);
  const ready = await iss.next();
  assert.equal(ready.event, 'ready', JSON.stringify(ready));
  return { ...ready, next: iss.next };
}
const run = (wallet, ...args) => spawnSync(mcx, ['--wallet', wallet, ...args], { encoding: 'utf8' });

test('a deferred offer: the wallet waits the interval, asks again, and all three arrive verified', async () => {
  const iss = await deferring('--pending', '1');
  const wallet = path.join(work, 'wallet-1');
  const started = Date.now();
  const r = run(wallet, 'receive', iss.credential_offer, '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.reports.map((x) => x.outcome.outcome), ['imported', 'imported', 'imported'], JSON.stringify(out.reports));
  const held = JSON.parse(run(wallet, 'list', '--json').stdout);
  assert.equal(held.length, 3);
  for (const c of held) assert.equal(c.verdict, 'valid', JSON.stringify(c));
  // Three requests deferred, each asked for twice (once "not yet"), an interval apart.
  const events = [];
  for (let i = 0; i < 9; i++) events.push(await iss.next());
  assert.deepEqual(events.map((e) => e.event).sort(), [...Array(3).fill('deferred'), ...Array(6).fill('poll')].sort());
  assert.ok(Date.now() - started >= 2000 * 3, 'the interval was waited');
});

test('an issuer that asks to wait longer than an exchange waits: a clear message at once, and nothing is kept', async () => {
  const iss = await deferring('--never', '--interval', '900');
  const wallet = path.join(work, 'wallet-2');
  const r = run(wallet, 'receive', iss.credential_offer);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /will issue .* a little later; waiting for it/);
  assert.match(r.stderr, /has not issued \S+ after \d+ seconds of waiting and asks to wait 900 more seconds, past the 5 minutes an exchange waits; nothing was kept/);
  const held = run(wallet, 'list', '--json');
  assert.ok(!held.stdout.trim() || JSON.parse(held.stdout).length === 0, held.stdout);
});

test('an issuer that breaks down after the first credential: nothing is kept, not even the one that came', async () => {
  const iss = await deferring('--fail-after', '1');
  const wallet = path.join(work, 'wallet-half');
  const r = run(wallet, 'receive', iss.credential_offer);
  assert.notEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /server_error/);
  assert.match(r.stderr, /nothing was kept/);
  assert.equal((await iss.next()).failed, false, 'the first credential did arrive');
  assert.equal((await iss.next()).failed, true);
  assert.equal(JSON.parse(run(wallet, 'list', '--json').stdout).length, 0);
});
