// Headless Chromium for the verifier page tests: a URL in, the page's DOM after it has settled
// and the outcome attributes the page sets on <body> out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--virtual-time-budget=20000'];

/** Open `url` with a profile under `work`; `cards` lists each credential card's verdict. */
export function openInChromium(url, work) {
  const r = spawnSync('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${path.join(work, 'profile')}`, '--dump-dom', url],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const body = r.stdout.match(/<body([^>]*)>/);
  assert.ok(body, `the page rendered for ${url.slice(0, 80)}`);
  const attr = (name) => body[1].match(new RegExp(`${name}="([^"]*)"`))?.[1];
  const cards = [...r.stdout.matchAll(/<article class="card" data-verdict="(\w+)"/g)].map((m) => m[1]);
  return { dom: r.stdout, state: attr('data-state'), verdict: attr('data-verdict'), issuers: attr('data-issuers'), cards };
}
