// Runs the end-to-end suite against the real built app.
//
// It starts tauri-driver (which drives WebKitWebDriver, which starts the app), runs every
// `tests/*.test.mjs` with node's test runner, and then stops the driver's whole process group,
// so no app, driver or WebKit process is left behind. Run it under a display and a D-Bus
// session, e.g. `dbus-run-session -- xvfb-run -a node e2e/run.mjs` (scripts/test does).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appBinary, DRIVER_PORT } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.end(); resolve(); });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`tauri-driver did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function killGroup(child) {
  if (!child || child.exitCode !== null) return;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
}

const app = appBinary();
if (!existsSync(app)) {
  console.error(`e2e: the app binary ${app} does not exist; build it first (cargo build -p microcredx-app)`);
  process.exit(2);
}
const tauriDriver = process.env.TAURI_DRIVER
  ?? path.join(process.env.CARGO_HOME ?? path.join(process.env.HOME ?? '/root', '.cargo'), 'bin', 'tauri-driver');

// The learner's browser, as the app opens it for a login at an issuer ($BROWSER, which the
// app inherits from the driver): the test browser that fills the login form
// (tests/interop/fake-browser.mjs); what it did is logged where the tests read it.
const browserLog = path.join(os.tmpdir(), `mcx-e2e-browser-${process.pid}.log`);
const driver = spawn(tauriDriver, ['--port', String(DRIVER_PORT), '--native-port', String(DRIVER_PORT + 1)], {
  detached: true,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, BROWSER: path.join(here, '..', 'tests', 'interop', 'fake-browser.mjs'), FAKE_BROWSER_LOG: browserLog },
});
driver.on('error', (e) => { console.error(`e2e: could not start tauri-driver: ${e.message}`); process.exit(2); });
const stop = () => killGroup(driver);
process.on('exit', stop);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stop(); process.exit(130); });

let code = 1;
try {
  await waitForPort(DRIVER_PORT, 20000);
  // `node e2e/run.mjs share` runs only the files whose names contain "share";
  // `node e2e/run.mjs --measure` runs the measurements in measure/ instead of the tests.
  const args = process.argv.slice(2);
  const dir = path.join(here, args.includes('--measure') ? 'measure' : 'tests');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => args.filter((a) => !a.startsWith('--')).every((part) => f.includes(part)))
    .sort()
    .map((f) => path.join(dir, f));
  const tests = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, MCX_APP: app, FAKE_BROWSER_LOG: browserLog },
  });
  code = await new Promise((resolve) => tests.on('exit', (c) => resolve(c ?? 1)));
} catch (e) {
  console.error(`e2e: ${e.message}`);
} finally {
  stop();
}
process.exit(code);
