// The OpenWallet Foundation reference (../shared/tools/oid4vc) started for a test: an issuer
// or verifier on 127.0.0.1 (or ./login-issuer.mjs, an issuer behind a login, built on it) whose JSON lines (the ready line first, then a verifier's results)
// are read one by one with `next()`. Every role started is stopped by `stopAll()`.
// Shared by tests/interop/ and e2e/tests/.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/** Start the issuer that issues later (./deferring-issuer.mjs) on `ref`. */
export function startDeferringIssuer(ref, ...flags) {
  return startLines([path.join(import.meta.dirname, 'deferring-issuer.mjs'), ref, ...flags]);
}

/** Write, in `dir`, a DCQL query for the reference's SD-JWT micro-credential whose claim sets
 * (OpenID4VP 1.0 §6.4.1) let the grade be left out; the verifier prefers it. Returns its path. */
export function gradeOptionalQuery(dir) {
  const file = path.join(dir, 'grade-optional.json');
  writeFileSync(file, JSON.stringify({ credentials: [{ id: 'micro_sd_jwt', format: 'dc+sd-jwt',
    meta: { vct_values: ['urn:eudi:micro_credential:1'] },
    claims: [{ id: 'title', path: ['title'] }, { id: 'ects', path: ['ects_credits'] },
      { id: 'eqf', path: ['eqf_level'] }, { id: 'grade', path: ['grade'] }],
    claim_sets: [['title', 'ects', 'eqf', 'grade'], ['title', 'ects', 'eqf']] }] }));
  return file;
}

export function startEncryptingVerifier(ref, ...flags) {
  return startLines([path.join(import.meta.dirname, 'encrypting-verifier.mjs'), ref, ...flags]);
}

// A role prints its ready line within a second or two. Node 20 has been seen to hang at start
// (the main thread waiting on a futex before any module ran, the inspector unreachable): a
// role silent this long is killed and started again, twice at most, so a start-up hang of
// the runtime does not hang the suite; each restart is said on stderr.
const STARTUP_SECONDS = Number(process.env.REF_STARTUP_SECONDS ?? 45);

function startLines(args) {
  const queue = [];
  const waiting = [];
  const deliver = (v) => (waiting.shift() ?? ((x) => queue.push(x)))(v);
  let p;
  let attempts = 0;
  const launch = () => {
    attempts += 1;
    const me = spawn(process.execPath, args, { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    p = me;
    running.push(me);
    let started = false;
    const timer = setTimeout(() => {
      if (started) return;
      me.kill('SIGKILL');
      if (attempts < 3) {
        console.error(`# ${path.basename(args[0])} printed nothing in ${STARTUP_SECONDS} s: started again`);
        launch();
      } else {
        deliver({ event: 'exited', error: `${path.basename(args[0])} did not start, ${attempts} times` });
      }
    }, STARTUP_SECONDS * 1000);
    createInterface({ input: me.stdout }).on('line', (l) => {
      started = true;
      clearTimeout(timer);
      deliver(JSON.parse(l));
    });
    // A role that ends answers every wait after its last line, instead of leaving it hanging.
    me.on('close', (code, signal) => {
      clearTimeout(timer);
      if (me === p) deliver({ event: 'exited', code, signal });
    });
  };
  launch();
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((ok) => waiting.push(ok)));
  return {
    get process() {
      return p;
    },
    next,
  };
}

/** Stop every role started here. */
export function stopAll() {
  for (const p of running) p.kill();
}
