// The share-link verifier page, as an employer meets it: the built page (verifier/dist) opened
// in headless Chromium with a link made by `mcx export link`, a tampered link, a damaged link,
// a credential of an issuer no registry lists, and a PDF portfolio's QR code (`#pdf`); and the
// page's own engine (the WebAssembly inside the page) on a PDF portfolio and a presentation
// file, the inputs its drop zone accepts.
//   MCX_BIN=… VERIFIER_HTML=… node --test tests/web/
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openInChromium as openChromium } from './chromium.mjs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

// zbarimg reads QR codes only: its other symbologies see bars in a QR code's modules now and then.
const QR_ONLY = ['-q', '--raw', '-Sdisable', '-Sqrcode.enable'];

const mcx = process.env.MCX_BIN;
const page = process.env.VERIFIER_HTML;
assert.ok(mcx && page, 'MCX_BIN and VERIFIER_HTML must be set (scripts/test sets them)');
const here = path.dirname(fileURLToPath(import.meta.url));
const { Engine } = await import(path.join(here, '../../verifier/page/engine.js'));
// The engine inside the page, as the page loads it (the tests below also call it directly).
const packed = readFileSync(page, 'utf8').match(/id="engine" data-encoding="(\w+)">([^<]+)</);
assert.ok(packed, 'the page carries its engine with its encoding');
const engine = await Engine.fromPage(packed[2], packed[1]);

const work = mkdtempSync(path.join(os.tmpdir(), 'mcx-web-'));
const wallet = path.join(work, 'wallet');
const run = (...args) => execFileSync(mcx, ['--wallet', wallet, ...args], { encoding: 'utf8' });
run('demo', 'load');
const base = `file://${path.resolve(page)}`;
const link = run('export', 'link', '--all', '--base', base).trim();

const openInChromium = (url) => openChromium(url, work);

// The page of the whole demo wallet's link, opened once for the tests that read it.
let linkPage;
const openLink = () => (linkPage ??= openInChromium(link));

// "Evil Academy": a fresh did:key issuer that no trust registry lists, as anyone can make one.
// Its credentials verify (the signature is genuine) but nothing confirms who the issuer is.
const issuerEnv = { ...process.env, MCX_ISSUER_PASSPHRASE: 'evil academy passphrase', MCX_ISSUER_TEST_KDF: '1' };
const issuer = (...args) => execFileSync(mcx, ['issuer', ...args], { env: issuerEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const evilDir = path.join(work, 'evil-academy');
let evilReady = false;
let issued = 0;
// Issue one credential per row of CSV (columns id,name) and return the files written.
function issueEvil(csv) {
  if (!evilReady) {
    issuer('init', '--dir', evilDir, '--name', 'Evil Academy', '--country', 'DE');
    writeFileSync(path.join(evilDir, 'achievement.json'), JSON.stringify({
      id: 'https://evil-academy.example/mc/executive-leadership',
      name: 'Executive Leadership Programme',
      description: 'A credential anyone could sign: the issuer is a key nobody vouches for.',
      ects: 30,
      eqfLevel: 7,
    }));
    evilReady = true;
  }
  const n = ++issued;
  const learners = path.join(work, `evil-learners-${n}.csv`);
  writeFileSync(learners, csv);
  const out = path.join(work, `evil-out-${n}`);
  issuer('issue', '--dir', evilDir, '--achievement', path.join(evilDir, 'achievement.json'), '--learners', learners, '--out', out);
  return readdirSync(out).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(out, f));
}

// A second demo wallet for them, so the first keeps exactly the demo's credentials.
const wallet2 = path.join(work, 'wallet-evil');
const run2 = (...args) => execFileSync(mcx, ['--wallet', wallet2, ...args], { encoding: 'utf8' });
run2('demo', 'load');
const holder2 = JSON.parse(run2('info', '--json')).holder;
// Import files into the second wallet and make a link of them alone.
function evilLink(files) {
  const before = new Set(JSON.parse(run2('list', '--json')).map((r) => r.id));
  run2('import', ...files);
  const ids = JSON.parse(run2('list', '--json')).map((r) => r.id).filter((id) => !before.has(id));
  assert.equal(ids.length, files.length, 'each credential was imported');
  return run2('export', 'link', '--ids', ids.join(','), '--base', base).trim();
}

const unpack = (l) => JSON.parse(inflateRawSync(Buffer.from(l.split('#vp=')[1], 'base64url')).toString('utf8'));
const pack = (vp) => `${base}#vp=${deflateRawSync(Buffer.from(JSON.stringify(vp))).toString('base64url')}`;

test('a link made by mcx export link verifies in the page, credential by credential', () => {
  assert.match(link, /^file:\/\/.*verifier\.html#vp=[A-Za-z0-9_-]+$/);
  const r = openLink();
  assert.equal(r.state, 'done');
  assert.equal(r.verdict, 'valid');
  const cards = [...r.dom.matchAll(/<article class="card" data-verdict="(\w+)"/g)].map((m) => m[1]);
  assert.equal(cards.length, 8);
  assert.ok(cards.every((v) => v === 'valid'), cards.join(','));
  assert.match(r.dom, /Industry 4\.0 Fundamentals/);
  // A valid card's steps are folded and built when opened; the engine gives the same steps.
  assert.equal([...r.dom.matchAll(/<details><summary>How it was checked<\/summary><\/details>/g)].length, 8);
  const steps = JSON.stringify(engine.verify(link).result.embedded.map((c) => c.steps));
  assert.match(steps, /is a known member of the recognition network/);
  assert.match(r.dom, /<span class="chip valid">Verified<\/span>/);
  // The registry's members are named as such, card by card.
  assert.match(r.dom, /<p class="issuer member">Issued by Technische Hochschule Nordstadt, DE — a member of MicroCredX Recognition Network<\/p>/);
});

test('an unregistered issuer calling itself Evil Academy is never shown as identified', () => {
  const files = issueEvil('id,name\n,Maria Ionescu\n');
  assert.equal(files.length, 1);
  const r = openInChromium(evilLink(files));
  assert.equal(r.state, 'done');
  assert.equal(r.verdict, 'valid', 'the signature is genuine');
  assert.equal(r.issuers, 'unconfirmed');
  assert.match(r.dom, /class="banner valid unconfirmed"/);
  assert.match(r.dom, /<h2 id="verdict">Genuine signatures, but 1 issuer is not confirmed<\/h2>/);
  assert.match(r.dom, /<article class="card" data-verdict="valid"[^>]* data-issuer="unconfirmed"/);
  assert.match(r.dom, /class="issuer unconfirmed"/);
  assert.match(r.dom, /it calls itself/);
  assert.match(r.dom, /Evil Academy/);
  assert.doesNotMatch(r.dom, /who they say they are|who it says it is/);
  assert.doesNotMatch(r.dom, /<h2 id="verdict">Verified</);
  assert.doesNotMatch(r.dom, /Evil Academy[^<]*— a member of/);

  // The whole demo wallet: one credential of Academia Abierta de Competencias, a did:key issuer
  // outside the registry, among seven of members.
  const all = openLink();
  assert.equal(all.verdict, 'valid');
  assert.equal(all.issuers, 'unconfirmed');
  assert.match(all.dom, /<h2 id="verdict">Genuine signatures, but 1 issuer is not confirmed<\/h2>/);
  assert.match(all.dom, /Academia Abierta de Competencias/);
  assert.equal([...all.dom.matchAll(/<article class="card"[^>]* data-issuer="unconfirmed"/g)].length, 1);
  assert.equal([...all.dom.matchAll(/<article class="card"[^>]* data-issuer="member"/g)].length, 7);
  assert.doesNotMatch(all.dom, /who they say they are/);
});

test('who presented the credentials is said in words, never as a bare key', () => {
  // The demo credentials name no key of their subject.
  const r = openLink();
  const line = r.dom.match(/<span class="holder-binding" data-binding="([\w-]+)">(.*?)<\/span>/);
  assert.ok(line, 'the summary has a holder-binding line');
  assert.equal(line[1], 'no-subject');
  assert.match(line[2], /Maria Ionescu/);
  assert.doesNotMatch(r.dom, /Presented by (<b>)?did:/);

  // A credential issued to someone else's key, presented from this wallet.
  const [other] = issueEvil('id,name\ndid:example:someone-else,Maria Ionescu\n');
  const o = openInChromium(evilLink([other]));
  assert.equal(o.state, 'done');
  assert.match(o.dom, /<span class="holder-binding" data-binding="someone-else">/);
  assert.match(o.dom, /<article class="card"[^>]* data-binding="someone-else"/);
  assert.match(o.dom, /Presented by someone other than its subject/);
  assert.doesNotMatch(o.dom, /Presented by (<b>)?did:/);

  // And one issued to this wallet's own key: its subject presented it (checked by the engine
  // below, without another browser).
  assert.ok(holder2, 'mcx info names the holder key');
});

test('a PDF portfolio\'s QR code (#pdf) asks for the PDF file and verifies nothing', () => {
  const r = openInChromium(`${base}#pdf`);
  assert.equal(r.state, 'pdf');
  assert.equal(r.verdict, undefined);
  assert.match(r.dom, /id="pdf-instruction"/);
  assert.match(r.dom, /You scanned a code from a PDF portfolio/);
  assert.match(r.dom, /open or drop the PDF file you received here/i);
  assert.doesNotMatch(r.dom, /<section id="outcome"[^>]*>\s*<div class="banner/);
});

test('expired and revoked credentials in a link are shown as genuine history, apart from forged', () => {
  const rows = JSON.parse(run('list', '--json'));
  const ids = rows.filter((r) => r.verdict === 'inactive').map((r) => r.id);
  assert.equal(ids.length, 2, 'the demo holds one expired and one revoked credential');
  const valid = rows.find((r) => r.verdict === 'valid').id;
  const l = run('export', 'link', '--ids', [...ids, valid].join(','), '--base', base).trim();
  const r = openInChromium(l);
  assert.equal(r.state, 'done');
  const cards = [...r.dom.matchAll(/<article class="card" data-verdict="(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual([...cards].sort(), ['inactive', 'inactive', 'valid']);
  assert.match(r.dom, /Genuine/);
  assert.match(r.dom, /[Ee]xpired/);
  assert.match(r.dom, /[Rr]evoked/);
  assert.doesNotMatch(r.dom, /data-verdict="invalid"/);
});

test('a tampered presentation is reported not valid, naming the failed signature', () => {
  const vp = unpack(link);
  const i = vp.verifiableCredential.findIndex((c) => c.credentialSubject?.achievement?.name === 'Industry 4.0 Fundamentals');
  assert.ok(i >= 0);
  vp.verifiableCredential[i].credentialSubject.achievement.creditsAvailable = 30;
  const r = openInChromium(pack(vp));
  assert.equal(r.verdict, 'invalid');
  assert.match(r.dom, /Not valid/);
  assert.match(r.dom, /does not match/);
  const cards = [...r.dom.matchAll(/<article class="card" data-verdict="(\w+)"/g)].map((m) => m[1]);
  assert.equal(cards.filter((v) => v === 'invalid').length, 1, 'the edited credential, and only it');
});

test('a link cut short when copied says so', () => {
  const r = openInChromium(link.slice(0, link.length - 40));
  assert.equal(r.verdict, 'error');
  assert.match(r.dom, /damaged/);
});

test('credential text is shown as text: markup in a credential does not become HTML', () => {
  const vp = unpack(link);
  vp.verifiableCredential[0].credentialSubject.achievement.name = '<img src=x onerror="document.title=1">Robotics';
  const r = openInChromium(pack(vp));
  assert.match(r.dom, /&lt;img src=x onerror=/);
  assert.doesNotMatch(r.dom, /<img src="?x/);
});

test('the page is self-contained and may load nothing from anywhere', () => {
  const html = readFileSync(page, 'utf8');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/);
});

// The engine inside the page, on the files its drop zone accepts.
const network = path.join(here, '../../assets/network');
const trust = JSON.parse(readFileSync(page, 'utf8').match(/id="trust">([^<]+)</)[1]);
assert.ok(engine.setTrust(JSON.stringify(trust)).result);

test('the page engine verifies a PDF portfolio and a presentation file, and refuses a broken PDF', () => {
  const pdf = path.join(work, 'portfolio.pdf');
  run('export', 'pdf', pdf, '--all');
  const good = engine.verify(new Uint8Array(readFileSync(pdf)));
  assert.equal(good.result?.verdict, 'valid', JSON.stringify(good).slice(0, 500));
  assert.equal(good.summary.credentials, 8);
  // A PDF cut in half (a broken download): a clear answer, not a crash and never "valid".
  const bytes = readFileSync(pdf);
  const cut = engine.verify(new Uint8Array(bytes.subarray(0, bytes.length >> 1)));
  assert.notEqual(cut.result?.verdict, 'valid');
  assert.ok(cut.error?.message || cut.result, JSON.stringify(cut).slice(0, 300));
  // (Edited attachments and pages are covered against the same core function in tests/portfolio.rs.)
  // PDFs that would cost the loader far more than their size (tests/findings.rs): refused by
  // name here too, where panics abort and the load budget skips instead of unwinding.
  for (const [file, why] of [
    ['portfolio-objstm-15MiB-of-names.pdf', /object streams inflate to more than 1 MiB/],
    ['portfolio-xref-one-stream-20000-times.pdf', /objects overlap each other/],
    ['portfolio-xref-stream-4G-empty-entries.pdf', /declare more than 500000 objects/],
    ['portfolio-xref-prev-chain-of-100.pdf', /chains more than 32 cross-reference sections/],
    ['portfolio-xref-field-4TB-wide.pdf', /fields would be 4444444444444 bytes wide/],
    ['portfolio-objstm-one-array-1000-times.pdf', /puts two objects in one place/],
    ['portfolio-objstm-99-nested-arrays.pdf', /no attachments: it is not a MicroCredX portfolio/],
    ['portfolio-2000-streams-one-length-object.pdf', /no attachments: it is not a MicroCredX portfolio/],
  ]) {
    const hostile = engine.verify(new Uint8Array(readFileSync(path.join(here, '../fixtures/fuzz', file))));
    assert.match(hostile.error?.message ?? '', why, `${file}: ${JSON.stringify(hostile).slice(0, 300)}`);
  }

  const vpFile = path.join(work, 'vp.json');
  run('export', 'vp', vpFile, '--all');
  const vp = engine.verify(new Uint8Array(readFileSync(vpFile)));
  assert.equal(vp.result.verdict, 'valid');
  assert.equal(vp.summary.valid, 8);
  const revoked = engine.verify(new Uint8Array(readFileSync(path.join(network, 'credentials/secure-networks-fundamentals-maria-ionescu-1.json'))));
  assert.equal(revoked.result.verdict, 'inactive', 'genuine, revoked: not forged');
  assert.equal(revoked.result.steps.find((s) => s.lapse)?.lapse.kind, 'revoked');
  assert.match(JSON.stringify(revoked.result.steps), /revoked/);
});

test('the same verdicts as mcx: the engine and the CLI agree on every demo credential', () => {
  for (const f of ['green-transition-in-industry-maria-ionescu-1.json', 'industry-4-0-fundamentals-maria-ionescu-1.json']) {
    const file = path.join(network, 'credentials', f);
    const cli = JSON.parse(spawnSync(mcx, ['--wallet', wallet, 'verify', '--json', file], { encoding: 'utf8' }).stdout);
    const web = engine.verify(new Uint8Array(readFileSync(file)));
    assert.equal(web.result.verdict, cli.verdict, f);
    assert.deepEqual(web.result.steps.map((s) => s.status), cli.steps.map((s) => s.status), f);
  }
});

test('the engine says who stands behind each issuer and who presented the credentials', () => {
  const member = engine.verify(new Uint8Array(readFileSync(path.join(network, 'credentials/industry-4-0-fundamentals-maria-ionescu-1.json'))));
  assert.equal(member.result.issuerStanding?.kind, 'member');
  assert.equal(member.result.issuerStanding.network, 'MicroCredX Recognition Network');
  assert.equal(member.result.holderBinding, undefined, 'a lone credential was presented by no one');
  assert.equal(member.summary.unconfirmedIssuers, 0);
  const academia = engine.verify(new Uint8Array(readFileSync(path.join(network, 'credentials/agile-project-management-maria-ionescu-1.json'))));
  assert.equal(academia.result.verdict, 'valid');
  assert.equal(academia.result.issuerStanding?.kind, 'unconfirmed');
  assert.equal(academia.summary.unconfirmedIssuers, 1);

  const all = engine.verify(link);
  assert.equal(all.summary.unconfirmedIssuers, 1);
  assert.equal(all.result.issuerStanding, undefined, 'a presentation has no issuer');
  assert.equal(all.result.holderBinding?.kind, 'no-subject');
  assert.ok(all.result.embedded.every((c) => c.holderBinding && c.issuerStanding));

  const [own] = issueEvil(`id,name\n${holder2},Maria Ionescu\n`);
  const evil = engine.verify(new Uint8Array(readFileSync(own)));
  assert.equal(evil.result.verdict, 'valid');
  assert.equal(evil.result.issuerStanding?.kind, 'unconfirmed');
  assert.equal(evil.result.issuerStanding.name, 'Evil Academy');
  assert.match(evil.result.issuerStanding.text, /Evil Academy/);
  const bound = engine.verify(evilLink([own]));
  assert.equal(bound.result.holderBinding?.kind, 'subject');
  assert.equal(bound.result.holderBinding.presenter, holder2);
  assert.equal(bound.summary.unconfirmedIssuers, 1);
});

test('a one-credential link fits a QR code that decodes back to the link', (t) => {
  if (spawnSync('zbarimg', ['--version']).status !== 0) return t.skip('zbarimg (zbar-tools) is not installed');
  const id = JSON.parse(run('list', '--json'))[0].id;
  const png = path.join(work, 'qr.png');
  const one = run('export', 'link', '--ids', id, '--base', base, '--qr', png).trim();
  const decoded = execFileSync('zbarimg', [...QR_ONLY, png], { encoding: 'utf8' }).trim();
  assert.equal(decoded, one);
  const all = spawnSync(mcx, ['--wallet', wallet, 'export', 'link', '--all', '--base', base, '--qr', path.join(work, 'big.png')], { encoding: 'utf8' });
  assert.notEqual(all.status, 0);
  assert.match(all.stderr, /too long for a QR code/);
  assert.equal(all.stdout.trim().startsWith(base), true, 'the link itself is still printed');
  writeFileSync(path.join(work, 'done'), '');
});

// A wallet holding one SD-JWT VC with a grade (18/20) that may be withheld, issued by mcx
// issuer as its did:key (which the page can check offline).
function sdJwtWallet() {
  const dir = mkdtempSync(path.join(work, 'sdjwt-'));
  const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'web-issuer-passphrase' };
  const sh = (...args) => execFileSync(mcx, args, { encoding: 'utf8', env, cwd: dir });
  const w = path.join(dir, 'wallet');
  const didJwk = sh('--wallet', w, 'info').match(/SD-JWT VC, P-256\):\s+(did:jwk:\S+)/)[1];
  // An issuer without a web domain signs as its did:key: the page can check it offline.
  sh('issuer', 'init', '--dir', 'k', '--name', 'Universidade do Litoral', '--country', 'PT');
  writeFileSync(path.join(dir, 'vctm.json'), JSON.stringify({
    vct: 'urn:eudi:micro_credential:1', name: 'Micro-credential (grade optional)',
    claims: [{ path: ['credentialSubject', 'result[0]', 'value'], sd: 'allowed', display: [{ lang: 'en', label: 'Grade' }] }],
  }));
  writeFileSync(path.join(dir, 'ach.json'), JSON.stringify({
    id: 'https://ulitoral.example/mc/dt', name: 'Digital Twins', description: 'Modelling plants.', ects: 4, eqfLevel: 6,
    learningOutcomes: ['Build a digital twin'], assessmentType: 'Project', participationForm: 'Blended',
    qualityAssurance: 'Accredited programme', gradeName: 'Final grade',
  }));
  writeFileSync(path.join(dir, 'learners.csv'), `id,name,grade\n${didJwk},Ana Sousa,18/20\n`);
  sh('issuer', 'issue', '--dir', 'k', '--achievement', 'ach.json', '--learners', 'learners.csv', '--out', 'out', '--format', 'sd-jwt', '--type-metadata', 'vctm.json');
  sh('--wallet', w, 'trust', 'import', path.join(dir, 'vctm.json'));
  assert.match(sh('--wallet', w, 'import', path.join(dir, 'out', 'digital-twins-ana-sousa-1.sd-jwt')), /1 imported/);
  const id = JSON.parse(sh('--wallet', w, 'list', '--json')).find((r) => r.verdict === 'valid').id;
  return { dir, w, sh, id };
}

test('an SD-JWT VC shared by link with the grade withheld verifies in the page and in mcx, without the grade', async () => {
  const { dir, w, sh, id } = sdJwtWallet();
  // Nothing but what is signed in the clear and not withheld: the grade stays with the learner.
  const shared = sh('--wallet', w, 'export', 'sd-jwt', id, '--link', '--base', base).trim();
  assert.ok(shared.startsWith(`${base}#`), shared.slice(0, 200));
  const r = engine.verify(new TextEncoder().encode(shared));
  assert.equal(r.result?.verdict, 'valid', JSON.stringify(r).slice(0, 1500));
  assert.equal(r.result.credential.ects, 4);
  assert.equal(JSON.stringify(r.result).includes('18/20'), false, 'the grade is not in the link');
  assert.match(JSON.stringify(r.result.steps), /Presented by its holder/);
  assert.match(JSON.stringify(r.result.steps), /not opened/);
  // An employer's mcx, with a wallet of its own that knows nothing of this issuer.
  const employer = spawnSync(mcx, ['--wallet', path.join(dir, 'employer'), 'verify', '--json', shared], { encoding: 'utf8' });
  const v = JSON.parse(employer.stdout.trim().split('\n')[0]);
  assert.equal(v.verdict, 'valid', employer.stdout + employer.stderr);
  assert.equal(JSON.stringify(v).includes('18/20'), false);
  // A page whose network bundles this type's metadata names what the learner withheld.
  const typed = await Engine.fromPage(packed[2], packed[1]);
  assert.ok(typed.setTrust(JSON.stringify({ ...trust, types: [readFileSync(path.join(dir, 'vctm.json'), 'utf8')] })).result);
  const named = typed.verify(new TextEncoder().encode(shared));
  assert.equal(named.result?.verdict, 'valid');
  assert.match(JSON.stringify(named.result.steps), /The learner chose not to show: Grade\./);
  // The page itself, in headless Chromium: the verdict drawn, the grade nowhere on it.
  const page = openInChromium(shared);
  assert.equal(page.state, 'done', page.dom.slice(0, 500));
  assert.match(page.dom, /Digital Twins/);
  assert.doesNotMatch(page.dom, /18\/20/);
});

// Issue 18: a credential with an ecdsa-sd-2023 base proof (made by the interop reference,
// its did:key issuer checkable offline) shared by link with a claim withheld: the page verifies
// the derived credential, and the withheld claim is nowhere in the link or on the page.
test('an ecdsa-sd-2023 credential shared by link with a claim withheld verifies in the page and in mcx, without it', () => {
  const dir = mkdtempSync(path.join(work, 'derive-'));
  const w = path.join(dir, 'wallet');
  const sh = (...args) => execFileSync(mcx, ['--wallet', w, ...args], { encoding: 'utf8' });
  sh('import', path.join(here, '../fixtures/ecdsa/ecdsa-sd-2023/reference/base.json'));
  const [held] = JSON.parse(sh('list', '--json'));
  const listed = sh('export', 'selective', held.id, '--list');
  assert.match(listed, /credentialSubject\.achievement\.fieldOfStudy\s+may be withheld\s+Mechatronics/);
  assert.match(listed, /credentialSubject\.achievement\.name\s+always shown/);
  const chosen = listed.split('\n').filter((l) => /may be withheld/.test(l)).map((l) => l.split(/\s+/)[0])
    .filter((p) => p !== 'credentialSubject.achievement.fieldOfStudy');
  const shared = sh('export', 'selective', held.id, '--disclose', chosen.join(','), '--link', '--base', base).trim();
  const cred = unpack(shared).verifiableCredential[0];
  assert.match(cred.proof.proofValue, /^u2V0B/, 'a derived proof');
  assert.equal(cred.credentialSubject.achievement.creditsAvailable, 1.5);
  assert.equal(cred.credentialSubject.achievement.fieldOfStudy, undefined);
  const r = engine.verify(new TextEncoder().encode(shared));
  assert.equal(r.result?.verdict, 'valid', JSON.stringify(r).slice(0, 1500));
  assert.equal(r.result.embedded[0].verdict, 'valid');
  assert.equal(JSON.stringify(r.result).includes('Mechatronics'), false);
  const employer = spawnSync(mcx, ['--wallet', path.join(dir, 'employer'), 'verify', '--json', shared], { encoding: 'utf8' });
  assert.equal(JSON.parse(employer.stdout.trim().split('\n')[0]).verdict, 'valid', employer.stdout + employer.stderr);
  const shown = openInChromium(shared);
  assert.equal(shown.state, 'done', shown.dom.slice(0, 500));
  assert.match(shown.dom, /Predictive Maintenance/);
  assert.doesNotMatch(shown.dom, /Mechatronics/);
  // The same credential baked into a badge image gets the same choice.
  const w2 = path.join(dir, 'wallet-baked');
  const svg = path.join(dir, 'badge.svg');
  writeFileSync(svg, `<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 10 10"><openbadges:credential><![CDATA[${readFileSync(path.join(here, '../fixtures/ecdsa/ecdsa-sd-2023/reference/base.json'), 'utf8')}]]></openbadges:credential></svg>`);
  execFileSync(mcx, ['--wallet', w2, 'import', svg], { encoding: 'utf8' });
  const [baked] = JSON.parse(execFileSync(mcx, ['--wallet', w2, 'list', '--json'], { encoding: 'utf8' }));
  assert.match(execFileSync(mcx, ['--wallet', w2, 'export', 'selective', baked.id, '--list'], { encoding: 'utf8' }), /fieldOfStudy\s+may be withheld/);
});

// Issue 18: a PDF portfolio carries an SD-JWT VC beside its presentation, with the claims the
// learner chose; mcx, the page engine and the page in Chromium verify it, and the withheld
// grade is neither attached nor printed.
test('a PDF portfolio carries an SD-JWT VC with the grade withheld, and verifies without it', () => {
  const { dir, w, sh, id } = sdJwtWallet();
  const claims = sh('--wallet', w, 'export', 'sd-jwt', id, '--list')
    .split('\n').filter((l) => /may be withheld/.test(l)).map((l) => l.split(/\s+/)[0])
    .filter((p) => !p.startsWith('credentialSubject.result'));
  const pdf = path.join(dir, 'portfolio.pdf');
  sh('--wallet', w, 'export', 'pdf', pdf, '--all', '--disclose', `${id}=${claims.join(',')}`);
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /Digital Twins/);
  assert.doesNotMatch(text, /18\/20/);
  const out = path.join(dir, 'detached');
  execFileSync('mkdir', ['-p', out]);
  execFileSync('pdfdetach', ['-saveall', '-o', out, pdf]);
  const attached = readFileSync(path.join(out, 'sd-jwt-1.sdjwt'), 'utf8');
  assert.ok(attached.trim().split('~').length >= 2, attached.slice(0, 200));
  const disclosed = attached.trim().split('~').slice(1, -1).map((d) => Buffer.from(d, 'base64url').toString('utf8'));
  assert.ok(disclosed.every((d) => d.startsWith('[')), disclosed.join('\n'));
  assert.equal(disclosed.some((d) => d.includes('18/20')), false, 'the grade is not disclosed');
  const employer = spawnSync(mcx, ['--wallet', path.join(dir, 'employer'), 'verify', '--json', pdf], { encoding: 'utf8' });
  const v = JSON.parse(employer.stdout.trim().split('\n')[0]);
  assert.equal(v.verdict, 'valid', employer.stdout + employer.stderr);
  assert.equal(v.embedded.length, 1);
  assert.equal(v.embedded[0].format, 'sd-jwt-vc');
  assert.equal(JSON.stringify(v).includes('18/20'), false);
  assert.ok(v.steps.some((s) => /exactly those in the signed presentation/.test(s.message)), JSON.stringify(v.steps));
  const r = engine.verify(readFileSync(pdf));
  assert.equal(r.result?.verdict, 'valid', JSON.stringify(r).slice(0, 1500));
  assert.equal(JSON.stringify(r.result).includes('18/20'), false);
});

// Issue 18: an SD-JWT VC whose issuer is known by its web address. The page fetches nothing,
// so it checks the signature only with JWT VC Issuer Metadata it carries (a network bundles
// its issuers' metadata from assets/network/issuers, as it bundles did:web documents):
// without it the credential is "not checked", never valid; with it, valid.
test('an SD-JWT VC from an https issuer is not checked without its bundled metadata, and valid with it', async () => {
  const dir = mkdtempSync(path.join(work, 'sdjwt-https-'));
  const env = { ...process.env, MCX_ISSUER_PASSPHRASE: 'web-issuer-passphrase', MCX_ISSUER_TEST_KDF: '1' };
  const sh = (...args) => execFileSync(mcx, args, { encoding: 'utf8', env, cwd: dir });
  const w = path.join(dir, 'wallet');
  const didJwk = sh('--wallet', w, 'info').match(/SD-JWT VC, P-256\):\s+(did:jwk:\S+)/)[1];
  sh('issuer', 'init', '--dir', 'k', '--name', 'Universidade do Litoral', '--country', 'PT', '--web-domain', 'ulitoral.example');
  writeFileSync(path.join(dir, 'ach.json'), JSON.stringify({ id: 'https://ulitoral.example/mc/dt', name: 'Digital Twins', description: 'Modelling plants.', ects: 4, eqfLevel: 6 }));
  writeFileSync(path.join(dir, 'learners.csv'), `id,name\n${didJwk},Ana Sousa\n`);
  sh('issuer', 'issue', '--dir', 'k', '--achievement', 'ach.json', '--learners', 'learners.csv', '--out', 'out', '--format', 'sd-jwt');
  const meta = path.join(dir, 'out', 'jwt-vc-issuer.json');
  sh('--wallet', w, 'trust', 'import', meta);
  assert.match(sh('--wallet', w, 'import', path.join(dir, 'out', 'digital-twins-ana-sousa-1.sd-jwt')), /1 imported/);
  const id = JSON.parse(sh('--wallet', w, 'list', '--json')).find((r) => r.verdict === 'valid').id;
  const shared = sh('--wallet', w, 'export', 'sd-jwt', id, '--link', '--base', base).trim();

  const plain = engine.verify(new TextEncoder().encode(shared));
  assert.equal(plain.result?.verdict, 'unverifiable', JSON.stringify(plain).slice(0, 1200));
  const withMeta = await Engine.fromPage(packed[2], packed[1]);
  const set = withMeta.setTrust(JSON.stringify({ ...trust, issuers: [JSON.parse(readFileSync(meta, 'utf8'))] }));
  assert.equal(set.result?.issuers, 1, JSON.stringify(set));
  const r = withMeta.verify(new TextEncoder().encode(shared));
  assert.equal(r.result?.verdict, 'valid', JSON.stringify(r).slice(0, 1500));
  assert.equal(r.result.credential.ects, 4);
  // Metadata that is not an issuer's with its keys is refused by name.
  const bad = withMeta.setTrust(JSON.stringify({ ...trust, issuers: [{ issuer: 'did:key:z6Mk', jwks: { keys: [{}] } }] }));
  assert.match(bad.error?.message ?? '', /issuers\[0\]: the issuer did:key:z6Mk is not a web address/);
});
