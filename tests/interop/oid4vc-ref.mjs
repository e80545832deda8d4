// The OpenWallet Foundation reference (../shared/tools/oid4vc) started for a test: an issuer
// or verifier on 127.0.0.1 (or ./login-issuer.mjs, an issuer behind a login, built on it) whose JSON lines (the ready line first, then a verifier's results)
// are read one by one with `next()`. Every role started is stopped by `stopAll()`.
// Shared by tests/interop/ and e2e/tests/.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const running = [];

/** Start `node oid4vc.mjs ROLE ARGS…` from the prepared copy at `ref`. */
export function startReference(ref, role, ...args) {
  return startLines([path.join(ref, 'oid4vc.mjs'), role, ...args]);
}

/** Start the issuer that makes the learner log in first (./login-issuer.mjs) on `ref`. */
export function startLoginIssuer(ref, ...flags) {
  return startLines([path.join(import.meta.dirname, 'login-issuer.mjs'), ref, ...flags]);
}

function startLines(args) {
  const p = spawn(process.execPath, args, { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  running.push(p);
  const queue = [];
  const waiting = [];
  createInterface({ input: p.stdout }).on('line', (l) => {
    const v = JSON.parse(l);
    (waiting.shift() ?? ((x) => queue.push(x)))(v);
  });
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((ok) => waiting.push(ok)));
  return { process: p, next };
}

/** Stop every role started here. */
export function stopAll() {
  for (const p of running) p.kill();
}
