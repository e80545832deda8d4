// Measurements of the real app (issue #7), not tests: how long until the window shows the
// wallet, and the memory of the app with its WebKit processes (PSS, from /proc), with an empty
// wallet and with 10,000 credentials. Prints figures. Run through scripts/measure-app.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { byTestId, openApp } from '../harness.mjs';

const mcx = process.env.MCX_BIN;
const COUNT = Number(process.env.MCX_MEASURE_COUNT ?? 10000);
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-measure-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Every process whose command line names the app binary, with all their descendants. */
function appTree() {
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return { pid, ppid, cmd };
    } catch {
      return null;
    }
  }).filter(Boolean);
  const roots = procs.filter((p) => p.cmd.split('\0')[0].endsWith('microcredx-wallet'));
  const tree = new Set(roots.map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (tree.has(p.ppid) && !tree.has(p.pid)) { tree.add(p.pid); grew = true; }
  }
  return [...tree];
}

/** Whether any process has a file under `dir` open (the wallet's lock, its index). */
function holdsFiles(dir) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(dir)) return true;
        } catch { /* closed meanwhile */ }
      }
    } catch { /* gone, or not ours to read */ }
  }
  return false;
}

function pssMiB(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      if (m) kb += Number(m[1]);
    } catch { /* gone */ }
  }
  return kb / 1024;
}

/** When the app's main process started, in ms since the epoch (from /proc, 10 ms steps). */
function processStartEpochMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const bootEpochMs = Date.now() - uptime * 1000;
  return bootEpochMs + (startTicks / ticksPerSecond) * 1000;
}

/** One start of the app on `wallet`: times (ms) and, when `memory`, PSS after it settles. */
async function startOnce(wallet, ready, memory) {
  const t0 = performance.now();
  const app = await openApp({ wallet });
  try {
    await byTestId(app.browser, ready).waitForDisplayed({ timeout: 30000 });
  } catch (e) {
    const text = await app.browser.execute(() => document.body.innerText.slice(0, 400)).catch(() => '?');
    await app.close();
    throw new Error(`${e.message}; the window shows: ${text}`);
  }
  const session = performance.now() - t0;
  await app.browser.waitUntil(() => app.browser.execute(() => performance.getEntriesByName('wallet-shown').length > 0), {
    timeout: 10000,
  });
  // The UI marks the moment the wallet is first on screen (ui/src/lib/timing.ts).
  const page = await app.browser.execute(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      origin: performance.timeOrigin,
      domReady: nav?.domContentLoadedEventEnd ?? NaN,
      shown: performance.getEntriesByName('wallet-shown')[0]?.startTime ?? NaN,
    };
  });
  const pids = appTree();
  const main = pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].endsWith('microcredx-wallet'));
  const started = processStartEpochMs(main);
  const out = {
    own: page.origin + page.shown - started,
    navigation: page.origin - started,
    domReady: page.domReady,
    ui: page.shown - page.domReady,
    session,
  };
  if (memory) {
    await new Promise((r) => setTimeout(r, 3000)); // let it settle
    out.pss = pssMiB(appTree());
    out.processes = appTree().length;
  }
  await app.close();
  // The next start must not find this one still holding the wallet.
  for (let i = 0; i < 200 && (appTree().length > 0 || holdsFiles(wallet)); i++) await new Promise((r) => setTimeout(r, 100));
  return out;
}

const RUNS = Number(process.env.MCX_MEASURE_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

/** Start the app RUNS times on `wallet` and print the median times and the memory. */
async function measure(label, wallet, ready) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await startOnce(wallet, ready, i === RUNS - 1));
  const of = (k) => runs.map((r) => r[k]);
  console.log(`${label}: wallet on screen ${median(of('own')).toFixed(0)} ms after the app's process started (median of ${RUNS} starts, ${range(of('own'))}); of which process start → page navigation ${median(of('navigation')).toFixed(0)} ms, → DOM ready +${median(of('domReady')).toFixed(0)} ms, → wallet on screen +${median(of('ui')).toFixed(0)} ms; ${median(of('session')).toFixed(0)} ms after the WebDriver session was requested (driver start included)`);
  const last = runs[runs.length - 1];
  console.log(`${label}: PSS ${last.pss.toFixed(0)} MiB over ${last.processes} processes (app + WebKit)`);
}

test('empty wallet', async () => {
  await measure('empty wallet', path.join(work, 'empty'), 'empty-wallet');
});

test(`${COUNT} credentials`, async () => {
  const wallet = path.join(work, 'big');
  const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'measure' };
  const issuer = path.join(work, 'issuer');
  execFileSync(mcx, ['issuer', 'init', '--dir', issuer, '--name', 'Hochschule Messung'], { env });
  const csv = ['name,email'];
  for (let i = 0; i < COUNT; i++) csv.push(`Learner ${i},l${i}@example.org`);
  writeFileSync(path.join(work, 'learners.csv'), csv.join('\n') + '\n');
  const out = path.join(work, 'issued');
  execFileSync(mcx, ['issuer', 'issue', '--dir', issuer, '--suite', 'jcs', '--out', out,
    '--achievement', path.resolve('assets/network/src/achievements/thn--industry-4-0-fundamentals.json'),
    '--learners', path.join(work, 'learners.csv')], { env, stdio: 'ignore' });
  execFileSync(mcx, ['--wallet', wallet, 'import', out], { stdio: 'ignore' });
  await measure(`${COUNT} credentials`, wallet, 'credential-list');
});
