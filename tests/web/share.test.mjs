// Sharing as an employer on another machine meets it (issue 16): the verifier page served over
// HTTP, as a network publishes it on a static host, and opened in headless Chromium with
//   - a link whose address comes from the network's signed registry (`verifierPage`), not from
//     the command line, and
//   - every QR code of a PDF portfolio, rendered at 300 dpi with pdftoppm and read with zbarimg.
//   MCX_BIN=… VERIFIER_HTML=… node --test tests/web/
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openInChromium as openChromium } from './chromium.mjs';

// zbarimg reads QR codes only: its other symbologies see bars in a QR code's modules now and then.
const QR_ONLY = ['-q', '--raw', '-Sdisable', '-Sqrcode.enable'];

const mcx = process.env.MCX_BIN;
const page = process.env.VERIFIER_HTML;
assert.ok(mcx && page, 'MCX_BIN and VERIFIER_HTML must be set (scripts/test sets them)');
const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-share-'));
const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'share test passphrase', MCX_ISSUER_TEST_KDF: '1' };
delete env.MCX_VERIFIER_URL;
const sh = (...args) => execFileSync(mcx, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const openInChromium = (url) => openChromium(url, work);

// The static host: a separate process (Chromium is run synchronously), serving the one file and
// logging each request's path, so the test can see that the fragment never reaches it.
let server;
let origin;
const requests = [];
before(async () => {
  const code = `
    const http = require('node:http'); const fs = require('node:fs');
    const html = fs.readFileSync(process.argv[1]);
    const s = http.createServer((req, res) => {
      process.stdout.write('GET ' + req.url + '\\n');
      if (req.url.split('?')[0] === '/network/verifier.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(html);
      } else { res.writeHead(404); res.end(); }
    });
    s.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + s.address().port + '\\n'));`;
  server = spawn(process.execPath, ['-e', code, path.resolve(page)], { stdio: ['ignore', 'pipe', 'inherit'] });
  origin = await new Promise((resolve, reject) => {
    let buf = '';
    server.stdout.on('data', (d) => {
      const lines = (buf + d).split('\n');
      buf = lines.pop();
      for (const line of lines) {
        const port = line.match(/^PORT (\d+)/)?.[1];
        if (port && !origin) resolve(`http://127.0.0.1:${port}`);
        if (line.startsWith('GET ')) requests.push(line.slice(4));
      }
    });
    server.on('exit', (c) => reject(new Error(`the test server exited (${c})`)));
  });
});
after(() => server?.kill());

test('a link built from the address the signed registry names opens and verifies from a web server', async () => {
  const url = `${origin}/network/verifier.html`;
  // A small network: its coordinator signs a registry that names where its page lives, and one
  // member institution issues a credential.
  const { registry, issued } = smallNetwork(path.join(work, 'network-a'), url, [{
    id: 'https://hs-teststadt.example/mc/data-literacy', name: 'Data Literacy for Engineers',
    description: 'Read, clean and chart production data.', ects: 3, eqfLevel: 6,
  }]);

  const wallet = path.join(work, 'wallet');
  sh('--wallet', wallet, 'registry', 'import', registry);
  sh('--wallet', wallet, 'import', ...issued[0]);
  const r = spawnSync(mcx, ['--wallet', wallet, 'export', 'link', '--all'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const link = r.stdout.trim();
  assert.ok(link.startsWith(`${url}#vp=`), link.slice(0, 120));
  // A page on this machine's loopback address is, truthfully, one only this computer opens:
  // mcx says so even though the registry named it (a real network names an https:// host).
  assert.match(r.stderr, /opens only on this computer/);

  const seen = requests.length;
  const shown = openInChromium(link);
  assert.equal(shown.state, 'done');
  assert.equal(shown.verdict, 'valid');
  assert.deepEqual(shown.cards, ['valid']);
  assert.match(shown.dom, /Data Literacy for Engineers/);
  // The page judges issuers by the registry built into it (here the demo network's), so this
  // network's member is shown as not confirmed by it, never as identified.
  assert.equal(shown.issuers, 'unconfirmed');
  // The server's log lines arrive once this process's event loop runs again.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const got = requests.slice(seen);
  assert.ok(got.includes('/network/verifier.html'), got.join(' '));
  assert.ok(got.every((p) => !p.includes('vp=')), 'the credential travels in the fragment, never to the server');
});

test('every QR code of a PDF portfolio, scanned from a 300 dpi render, opens the right verdict', (t) => {
  for (const tool of ['pdftoppm', 'zbarimg']) {
    if (spawnSync(tool, ['-v']).error) return t.skip(`${tool} is not installed`);
  }
  const url = `${origin}/network/verifier.html`;
  const wallet = path.join(work, 'demo-wallet');
  sh('--wallet', wallet, 'demo', 'load');
  const list = JSON.parse(sh('--wallet', wallet, 'list', '--json'));
  const valid = list.filter((c) => c.verdict === 'valid');
  const pdf = path.join(work, 'portfolio.pdf');
  sh('--wallet', wallet, 'export', 'pdf', pdf, '--all', '--base', url);
  const pages = path.join(work, 'pages');
  mkdirSync(pages);
  execFileSync('pdftoppm', ['-r', '300', '-png', pdf, path.join(pages, 'p')]);
  const codes = [];
  for (const f of readdirSync(pages).sort()) {
    const r = spawnSync('zbarimg', [...QR_ONLY, path.join(pages, f)], { encoding: 'utf8' });
    codes.push(...r.stdout.split('\n').filter(Boolean));
  }
  // One on the cover and one per credential, every one readable.
  assert.equal(codes.length, 1 + valid.length, codes.map((c) => c.slice(0, 60)).join('\n'));
  assert.ok(codes.every((c) => c.startsWith(`${url}#`)), 'every code opens the network\'s page');

  const titles = new Set(valid.map((c) => c.title));
  for (const code of codes) {
    const shown = openInChromium(code);
    if (code.endsWith('#pdf')) {
      assert.equal(shown.state, 'pdf');
      assert.match(shown.dom, /open or drop the PDF file you received here/i);
      continue;
    }
    assert.equal(shown.state, 'done', code.slice(0, 80));
    assert.equal(shown.verdict, 'valid');
    assert.deepEqual(shown.cards, ['valid'], 'a code opens its credential alone');
    const title = [...titles].find((x) => shown.dom.includes(x.replace(/&/g, '&amp;')));
    assert.ok(title, 'the page shows one of the portfolio\'s credentials');
    titles.delete(title);
  }
  assert.equal(titles.size, 0, `credentials without a working code: ${[...titles].join(', ')}`);
});

// A member institution of a small network, with the network's signed registry naming `url` as
// its page, that has issued each of `achievements` to one learner: the registry and the
// credential files, one list per achievement.
function smallNetwork(dir, url, achievements) {
  mkdirSync(dir);
  const coordinator = path.join(dir, 'coordinator');
  sh('issuer', 'init', '--dir', coordinator, '--name', 'Test Network Coordinator', '--country', 'BE');
  const member = path.join(dir, 'member');
  sh('issuer', 'init', '--dir', member, '--name', 'Hochschule Teststadt', '--country', 'DE');
  const memberDid = JSON.parse(readFileSync(path.join(member, 'issuer.json'), 'utf8')).id;
  writeFileSync(path.join(dir, 'members.json'), JSON.stringify({
    name: 'Test Recognition Network', verifierPage: url,
    members: [{ id: memberDid, name: 'Hochschule Teststadt', country: 'DE' }],
  }));
  const registry = path.join(dir, 'registry.json');
  sh('issuer', 'registry', '--dir', coordinator, path.join(dir, 'members.json'), '--out', registry);
  writeFileSync(path.join(dir, 'learners.csv'), 'id,name\n,Maria Ionescu\n');
  const issued = achievements.map((a, i) => {
    const file = path.join(dir, `achievement-${i}.json`);
    writeFileSync(file, JSON.stringify(a));
    const out = path.join(dir, `issued-${i}`);
    sh('issuer', 'issue', '--dir', member, '--achievement', file, '--learners', path.join(dir, 'learners.csv'), '--out', out);
    return readdirSync(out).filter((f) => f.endsWith('.json')).map((f) => path.join(out, f));
  });
  return { registry, issued };
}

// The QR codes of a PDF, read from a 300 dpi render, page by page: [[page 1's], [page 2's], …].
function codesOf(pdf) {
  const pages = `${pdf}-pages`;
  mkdirSync(pages);
  execFileSync('pdftoppm', ['-r', '300', '-png', pdf, path.join(pages, 'p')]);
  return readdirSync(pages).sort().map((f) =>
    spawnSync('zbarimg', [...QR_ONLY, path.join(pages, f)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean));
}

test('the cover code opens the whole portfolio when it fits, and a credential too large for paper gets the page to drop the PDF on', (t) => {
  for (const tool of ['pdftoppm', 'zbarimg', 'pdftotext']) {
    if (spawnSync(tool, ['-v']).error) return t.skip(`${tool} is not installed`);
  }
  const url = `${origin}/network/verifier.html`;
  // A description of 3,000 characters that do not compress: no code that scans from paper
  // holds the credential.
  let seed = 7;
  const noise = Array.from({ length: 3000 }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[seed % 62];
  }).join('');
  const { registry, issued } = smallNetwork(path.join(work, 'qr-network'), url, [
    { id: 'https://hs-teststadt.example/mc/stats', name: 'Statistics', description: 'Tests.', ects: 2 },
    { id: 'https://hs-teststadt.example/mc/big', name: 'Archive of Everything', description: noise, ects: 3 },
  ]);

  // One small credential: the cover's code carries the signed presentation itself.
  const one = path.join(work, 'qr-one');
  sh('--wallet', one, 'registry', 'import', registry);
  sh('--wallet', one, 'import', ...issued[0]);
  const onePdf = path.join(work, 'one.pdf');
  sh('--wallet', one, 'export', 'pdf', onePdf, '--all');
  const [cover, section] = codesOf(onePdf);
  assert.equal(cover.length, 1);
  assert.ok(cover[0].startsWith(`${url}#vp=`), `the cover opens the portfolio: ${cover[0].slice(0, 80)}`);
  const shown = openInChromium(cover[0]);
  assert.equal(shown.state, 'done');
  assert.equal(shown.verdict, 'valid');
  assert.deepEqual(shown.cards, ['valid']);
  assert.match(shown.dom, /Statistics/);
  // The cover's is a presentation (the page says who presented it); the credential's own code
  // carries the credential alone.
  assert.match(shown.dom, /class="holder-binding"/);
  assert.equal(section.length, 1);
  assert.notEqual(section[0], cover[0]);
  const alone = openInChromium(section[0]);
  assert.equal(alone.verdict, 'valid');
  assert.doesNotMatch(alone.dom, /class="holder-binding"/);

  // With the large one too: neither the portfolio nor that credential fits, and both codes
  // open the page with the instruction to drop this PDF there, saying why on the paper.
  const two = path.join(work, 'qr-two');
  sh('--wallet', two, 'registry', 'import', registry);
  sh('--wallet', two, 'import', ...issued[0], ...issued[1]);
  const list = JSON.parse(sh('--wallet', two, 'list', '--json'));
  const big = list.find((c) => c.title === 'Archive of Everything');
  const small = list.find((c) => c.title === 'Statistics');
  const twoPdf = path.join(work, 'two.pdf');
  sh('--wallet', two, 'export', 'pdf', twoPdf, '--ids', `${big.id},${small.id}`);
  const [coverCodes, ...rest] = codesOf(twoPdf);
  assert.deepEqual(coverCodes, [`${url}#pdf`], 'the cover: the portfolio is too large for one code');
  // The large credential's section comes first (as asked) and runs over two pages.
  const sections = rest.flat();
  assert.equal(sections.length, 2, sections.join('\n'));
  assert.equal(sections[0], `${url}#pdf`, 'the large credential: the page to drop the PDF on');
  assert.ok(sections[1].startsWith(`${url}#vp=`), 'the small one still carries itself');
  const text = execFileSync('pdftotext', [twoPdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.match(text, /This credential is too large for a QR code that scans from paper/);
  const dropped = openInChromium(sections[0]);
  assert.equal(dropped.state, 'pdf');
  assert.match(dropped.dom, /open or drop the PDF file you received here/i);
});
