// Where the verifier page's time goes, in real time: headless Chromium driven over its
// DevTools pipe (no virtual clock, which stops `performance.now()` across asynchronous steps),
// the page opened RUNS times, each in a new tab. The first tab of a fresh browser is the cold
// case (an employer clicking a link with the browser closed); the later ones are the warm case
// (the browser already open). Prints one JSON line per tab: the stamps the page sets on <body>
// (milliseconds from navigation start) and its verdict.
//   node scripts/page-timing.mjs URL PROFILE_DIR [RUNS]
import { spawn } from 'node:child_process';

const [url, profile, runsArg] = process.argv.slice(2);
if (!url || !profile) {
  console.error('usage: node scripts/page-timing.mjs URL PROFILE_DIR [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 5);
const chrome = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`,
  '--remote-debugging-pipe', 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
const [, , , toChrome, fromChrome] = chrome.stdio;

// The pipe carries NUL-terminated JSON messages.
let next = 0;
let buffer = '';
const pending = new Map();
fromChrome.on('data', (chunk) => {
  buffer += chunk.toString();
  for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
    const message = JSON.parse(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  }
});
const send = (method, params = {}, sessionId = undefined) => new Promise((resolve) => {
  const id = ++next;
  pending.set(id, resolve);
  toChrome.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const settled = 'document.body && document.body.dataset.state === "done" ? JSON.stringify(document.body.dataset) : ""';
for (let run = 0; run < runs; run++) {
  const { result: { targetId } } = await send('Target.createTarget', { url: 'about:blank' });
  const { result: { sessionId } } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Page.navigate', { url }, sessionId);
  let stamps = { state: 'timeout' };
  for (const deadline = Date.now() + 20000; Date.now() < deadline; await sleep(5)) {
    const value = (await send('Runtime.evaluate', { expression: settled, returnByValue: true }, sessionId)).result?.result?.value;
    if (value) {
      stamps = JSON.parse(value);
      break;
    }
  }
  console.log(JSON.stringify({ tab: run === 0 ? 'cold' : 'warm', ...stamps }));
  await send('Target.closeTarget', { targetId });
}
await send('Browser.close');
chrome.kill();
