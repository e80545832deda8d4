#!/usr/bin/env node
// A browser for the login tests, named by $BROWSER: it opens the address the wallet gives it,
// fills the issuer's login form as a learner would (FAKE_BROWSER_ACTION: login, the default,
// or deny), and follows the issuer's redirect back (or, while FAKE_BROWSER_LOG.hold exists, does nothing)
// to the wallet's loopback address. What it did goes to FAKE_BROWSER_LOG, if set.
import { appendFileSync, existsSync } from 'node:fs';

const url = process.argv[2];
const action = process.env.FAKE_BROWSER_ACTION || 'login';
const log = (e) => process.env.FAKE_BROWSER_LOG && appendFileSync(process.env.FAKE_BROWSER_LOG, `${JSON.stringify(e)}\n`);
log({ opened: url });
// A learner who opens the login page and never logs in (the E2E test of Cancel): while the
// file FAKE_BROWSER_LOG.hold exists, the page is left as it is.
if (process.env.FAKE_BROWSER_LOG && existsSync(`${process.env.FAKE_BROWSER_LOG}.hold`)) {
  log({ held: url });
  process.exit(0);
}
const page = await (await fetch(url, { redirect: 'manual' })).text();
const form = /<form method="post" action="([^"]+)">[\s\S]*?name="txn" value="([^"]+)"/.exec(page);
if (!form) {
  log({ page });
  process.exit(1);
}
const password = 'correct horse';
const answer = await fetch(form[1], { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ txn: form[2], user: 'maria', password, action: action === 'deny' ? 'deny' : 'login' }) });
const location = answer.headers.get('location');
log({ status: answer.status, location });
if (!location) process.exit(1);
const back = await fetch(location);
log({ back: back.status, page: await back.text() });
