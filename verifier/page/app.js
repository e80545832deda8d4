// The page: reads a share link's fragment, a dropped file or a pasted link, asks the engine
// (the core's verifier in WebAssembly) and shows its steps and verdicts. Every piece of
// credential content is set with textContent: it is untrusted text, never HTML.

const STEP = {
  format: 'Format', proof: 'Signature', 'issuer-identity': 'Issuer', dates: 'Dates',
  status: 'Revocation', 'eu-elements': 'EU standard elements',
};
const MARK = { pass: '✓', fail: '✗', warn: '!', skip: '?' };
const LAPSE_MARK = '◷';
// Headlines by verdict. None of them says who an issuer is: that comes from each credential's
// issuerStanding (a member of the signed trust registry, or unconfirmed), see headline().
const VERDICT = {
  valid: ['✓', 'Verified', 'Every signature matches, and nothing has expired or been revoked.'],
  invalid: ['✗', 'Not valid', 'At least one check failed. Do not rely on what it says.'],
  unverifiable: ['?', 'Could not be fully checked here', 'Nothing failed, but some checks need information this page does not have.'],
  // Genuine but not in force: the proof and issuer checks passed; it has expired, is not yet
  // valid, or its issuer revoked or suspended it. History, not a forgery.
  inactive: [LAPSE_MARK, 'Genuine, but not in force', 'The signature matches, but this credential is not in force now. Treat it as a record of the past, not as a current qualification.'],
};
const CHIP = { valid: 'Verified', invalid: 'Not valid', unverifiable: 'Not checked', inactive: 'Not in force' };
const PAST = 'Treat it as a record of the past, not as a current qualification.';

// The name of the recognition network whose registry the page carries (set from setTrust).
let trustNetwork = null;

// The network to name for a member: the one its standing names, else the page's registry.
const networkOf = (standing) => standing?.network || trustNetwork || 'the recognition network';

// Whether a verdict counts toward the issuers' standing (the engine's own rule for
// summary.unconfirmedIssuers): genuine signatures, in force or not.
const genuine = (x) => x.verdict === 'valid' || x.verdict === 'inactive';

// The credentials a summary counts: the embedded ones of a presentation or CLR, else the document.
const counted = (v) => ((v.embedded || []).length ? v.embedded : [v]);

// Dates written out by hand: the first toLocale…() call loads the browser's locale data,
// which costs more than drawing the whole verdict.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

// A date of a lapse (RFC 3339) as people write it: "3 May 2025", in UTC like the engine.
function longDay(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return null;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

// When the check ran, in the reader's own time zone: "3 December 2026, 18:05".
function localTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${two(d.getHours())}:${two(d.getMinutes())}`;
}

// What lapsed, from the steps: the first step that records it (the engine's own rule).
const lapseOf = (v) => (v.steps || []).find((s) => s.lapse)?.lapse || null;

// "expired on 3 May 2025", "revoked by its issuer", … (after "Genuine — ").
function lapseText(lapse) {
  const date = longDay(lapse?.date);
  switch (lapse?.kind) {
    case 'expired': return date ? `expired on ${date}` : 'expired';
    case 'not-yet-valid': return date ? `not yet valid (valid from ${date})` : 'not yet valid';
    case 'revoked': return 'revoked by its issuer';
    case 'suspended': return 'suspended by its issuer';
    default: return 'not in force';
  }
}

// The short label on a card's chip: "Expired 3 May 2025", "Revoked", …
function lapseChip(lapse) {
  const date = longDay(lapse?.date);
  switch (lapse?.kind) {
    case 'expired': return date ? `Expired ${date}` : 'Expired';
    case 'not-yet-valid': return 'Not yet valid';
    case 'revoked': return 'Revoked';
    case 'suspended': return 'Suspended';
    default: return CHIP.inactive;
  }
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}

function steps(list) {
  return el('ol', { class: 'steps' }, ...list.map((s) => el('li',
    { class: s.lapse ? `${s.status} lapse` : s.status, 'data-step': s.step, 'data-lapse': s.lapse?.kind },
    el('span', { class: 'mark', 'aria-label': s.lapse ? 'not in force' : s.status }, s.lapse ? LAPSE_MARK : MARK[s.status] || '•'),
    el('span', { class: 'step-name' }, STEP[s.step] || s.step),
    el('span', {}, s.message))));
}

// A <details> whose content is built when it is first opened: a card's steps and outcomes are
// most of the page's elements, and drawing them all delayed the verdict on screen.
function folded(attrs, summary, build) {
  const d = el('details', attrs, el('summary', {}, summary));
  if (d.open) d.append(build());
  else d.addEventListener('toggle', () => { if (d.open && d.childElementCount === 1) d.append(build()); });
  return d;
}

function fact(dl, label, value) {
  if (value === null || value === undefined || value === '') return;
  dl.append(el('dt', {}, label), el('dd', {}, String(value)));
}

const day = (iso) => (iso ? iso.slice(0, 10) : null);

// The line under a card's title: who issued it, and what confirms it.
function issuerLines(v) {
  const c = v.credential;
  const st = v.issuerStanding;
  if (st?.kind === 'member') {
    const who = [st.name || c.issuer?.name || st.id, st.country || c.issuer?.country].filter(Boolean).join(', ');
    return [el('p', { class: 'issuer member' }, `Issued by ${who} — a member of ${networkOf(st)}`)];
  }
  if (st?.kind === 'unconfirmed') {
    const name = st.name || c.issuer?.name;
    const id = st.id || c.issuer?.id;
    const calls = name ? `it calls itself “${name}”` : 'it gives no name';
    return [el('p', { class: 'issuer unconfirmed' },
      el('span', { class: 'mark', 'aria-hidden': 'true' }, '!'),
      el('span', {}, el('strong', {}, 'Issuer not confirmed: '), id ? `${calls} (${id})` : calls)),
    st.text ? el('p', { class: 'issuer-note' }, st.text) : null];
  }
  // An answer without a standing (an older engine): the name the credential gives itself.
  const issuer = [c.issuer?.name || c.issuer?.id, c.issuer?.country].filter(Boolean).join(', ');
  return [el('p', { class: 'issuer' }, issuer ? `Issued by ${issuer} (as the credential states)` : 'Issuer not named')];
}

function card(v) {
  const c = v.credential;
  const st = v.issuerStanding;
  const dl = el('dl', { class: 'facts' });
  fact(dl, 'ECTS credits', c.ects);
  fact(dl, 'EQF level', c.eqfLevel);
  fact(dl, 'Workload', c.workloadHours ? `${c.workloadHours} hours` : null);
  fact(dl, 'Issued', day(c.issued || c.validFrom));
  fact(dl, 'Valid until', day(c.validUntil));
  fact(dl, 'Assessment', c.assessmentType);
  fact(dl, 'Participation', c.participationForm);
  fact(dl, 'Quality assurance', c.qualityAssurance);
  fact(dl, 'Grade', c.grade && c.gradeLabel ? `${c.grade} (${c.gradeLabel})` : c.grade);
  fact(dl, 'Learner', c.learner?.name);
  const outcomes = (c.learningOutcomes || []).length
    ? folded({}, `Learning outcomes (${c.learningOutcomes.length})`,
      () => el('ul', { class: 'outcomes' }, ...c.learningOutcomes.map((o) => el('li', {}, o))))
    : null;
  const lapse = v.verdict === 'inactive' ? lapseOf(v) : null;
  const unconfirmed = st?.kind === 'unconfirmed';
  const binding = v.holderBinding;
  return el('article', { class: 'card', 'data-verdict': v.verdict, 'data-lapse': lapse?.kind, 'data-issuer': st?.kind, 'data-binding': binding?.kind },
    el('header', {}, el('h3', {}, c.title || 'Untitled credential'),
      el('span', { class: 'chips' },
        el('span', { class: `chip ${v.verdict}` }, v.verdict === 'inactive' ? lapseChip(lapse) : CHIP[v.verdict] || v.verdict),
        unconfirmed ? el('span', { class: 'chip unconfirmed' }, '! Issuer not confirmed') : null)),
    ...issuerLines(v),
    binding?.kind === 'someone-else'
      ? el('p', { class: 'binding someone-else', title: binding.text || null },
        el('span', { class: 'mark', 'aria-hidden': 'true' }, '!'), el('span', {}, 'Presented by someone other than its subject'))
      : null,
    v.verdict === 'inactive'
      ? el('p', { class: 'lapse-note' }, `Genuine — ${lapseText(lapse)}. ${unconfirmed ? 'Its signature was checked, but not who issued it' : 'Its signature and issuer were checked'}; it does not count as verified.`)
      : null,
    dl, outcomes,
    folded({ open: v.verdict === 'valid' ? undefined : '' }, 'How it was checked', () => steps(v.steps)));
}

// The step that decided a verdict that is not valid: a failure (a lapse is no failure of the
// credential's genuineness, so it comes last), else a signature or issuer check not made.
function firstProblem(v) {
  const all = [v, ...(v.embedded || [])];
  for (const status of ['fail', 'skip']) {
    for (const x of all) {
      const s = x.steps.find((st) => st.status === status && !st.lapse && (status === 'fail' || ['proof', 'issuer-identity'].includes(st.step)));
      if (s) return s.message;
    }
  }
  return null;
}

// The banner: icon, class, title and text, from the verdict and the issuers' standing. Only a
// member standing (the signed registry lists the issuer) lets the page say who an issuer is.
function headline(v, s, isVp) {
  let [icon, title, text] = VERDICT[v.verdict] || ['?', v.verdict, ''];
  let cls = `banner ${v.verdict}`;
  const creds = counted(v).filter(genuine);
  const standings = creds.map((x) => x.issuerStanding).filter(Boolean);
  const unconfirmed = standings.filter((st) => st.kind === 'unconfirmed');
  const u = typeof s.unconfirmedIssuers === 'number' ? s.unconfirmedIssuers
    : standings.length ? unconfirmed.length : null;
  // Every issuer confirmed: counted as none unconfirmed, and each genuine credential's standing says member.
  const members = u === 0 && creds.length > 0 && creds.every((x) => x.issuerStanding?.kind === 'member');
  const net = networkOf(standings.find((st) => st.kind === 'member'));
  const inactive = typeof s.inactive === 'number' ? s.inactive : null;
  const someInactive = inactive !== null ? inactive > 0 : (v.embedded || []).some((x) => x.verdict === 'inactive');
  const lone = !isVp;
  const notInForce = someInactive
    ? `${inactive === null ? 'Some credentials are' : inactive === 1 ? 'One credential is' : `${inactive} credentials are`} genuine but not in force (expired, not yet valid or revoked): marked below, not counted as verified.`
    : '';
  const issuers = v.verdict === 'valid' || v.verdict === 'inactive'
    ? (u > 0 ? 'unconfirmed' : members ? 'members' : undefined) : undefined;
  if (v.verdict === 'valid') {
    if (u > 0) {
      // Genuine signatures by issuers nothing confirms: amber, never "Verified".
      const n = new Set(unconfirmed.map((st) => st.id)).size || u;
      cls += ' unconfirmed';
      icon = '!';
      title = lone ? 'Genuine signature, but the issuer is not confirmed'
        : `Genuine signatures, but ${n} ${n === 1 ? 'issuer is' : 'issuers are'} not confirmed`;
      const check = lone ? 'Check who issued it before relying on it.'
        : u === 1 ? 'Check who issued the credential marked below before relying on it.'
          : `Check who issued the ${u} credentials marked below before relying on them.`;
      text = [unconfirmed[0]?.text || 'Nothing confirms who issued some of these credentials.', check, notInForce].filter(Boolean).join(' ');
    } else if (members) {
      text = lone
        ? `The signature matches, its issuer is a member of ${net} (as its signed registry says), and it has not expired or been revoked.`
        : someInactive
          ? `Every signature matches and every issuer is a member of ${net} (as its signed registry says). ${notInForce}`
          : `Every signature matches, every issuer is a member of ${net} (as its signed registry says), and nothing has expired or been revoked.`;
    } else if (someInactive) {
      text = `Every signature matches. ${notInForce}`;
    } else if (lone) {
      text = 'The signature matches, and it has not expired or been revoked.';
    }
  } else if (v.verdict === 'inactive') {
    title = `Genuine — ${lapseText(lapseOf(v))}`;
    if (u > 0 && unconfirmed[0]?.text) {
      text = `${unconfirmed[0].text} This credential is not in force now. ${PAST}`;
    } else if (members) {
      text = `The signature matches and its issuer is a member of ${net} (as its signed registry says), but this credential is not in force now. ${PAST}`;
    }
  } else {
    text = firstProblem(v) || text;
  }
  return { icon, cls, title, text, issuers, unconfirmed: u };
}

// Who presented the credentials, in words (a presentation), or whose they are.
function holderLine(v, isPresentation) {
  const b = v.holderBinding;
  if (b?.text) {
    return el('span', { class: 'holder-binding', 'data-binding': b.kind },
      b.kind === 'someone-else' ? el('span', { class: 'mark', 'aria-hidden': 'true' }, '! ') : null, b.text);
  }
  const name = v.credential.learner?.name || counted(v).map((x) => x.credential.learner?.name).find(Boolean);
  const key = v.credential.learner?.id;
  if (!isPresentation) {
    return name || key ? el('span', {}, 'Learner ', el('b', {}, name || key)) : null;
  }
  // No binding (the presentation's own signature did not verify, or an older engine): neutral,
  // and never a bare key as if it were a person.
  if (name && key) {
    return el('span', { class: 'holder-binding', 'data-binding': 'unknown' }, 'Issued to ', el('b', {}, name),
      '. Presented with the key ', el('code', {}, key), ', which nothing here confirms as theirs.');
  }
  if (name) return el('span', { class: 'holder-binding', 'data-binding': 'unknown' }, 'Issued to ', el('b', {}, name));
  if (key) {
    return el('span', { class: 'holder-binding', 'data-binding': 'unknown' }, 'Presented with the key ', el('code', {}, key),
      ', which the credentials do not name.');
  }
  return null;
}

function show(answer, source) {
  const out = document.getElementById('outcome');
  out.replaceChildren();
  out.hidden = false;
  hidePdfInstruction();
  delete document.body.dataset.issuers;
  if (answer.error) {
    document.body.dataset.verdict = 'error';
    out.append(el('div', { class: 'banner error', role: 'status' }, el('span', { class: 'icon' }, '!'),
      el('div', {}, el('h2', {}, 'This could not be read'), el('p', {}, answer.error.message))));
    return;
  }
  const v = answer.result;
  const s = answer.summary;
  document.body.dataset.verdict = v.verdict;
  const isPresentation = v.format === 'presentation';
  const isVp = isPresentation || (v.embedded || []).length > 0;
  const h = headline(v, s, isVp);
  if (h.issuers) document.body.dataset.issuers = h.issuers;
  out.append(el('div', { class: h.cls, role: 'status' }, el('span', { class: 'icon' }, h.icon),
    el('div', {}, el('h2', { id: 'verdict' }, h.title), el('p', {}, h.text))));
  const inactive = typeof s.inactive === 'number' ? s.inactive : null;
  const u = h.unconfirmed;
  out.append(el('div', { class: 'summary' },
    holderLine(v, isPresentation),
    el('span', {}, el('b', {}, String(s.credentials)), s.credentials === 1 ? ' credential' : ' credentials',
      ` (${s.valid} verified, ${inactive !== null ? `${inactive} expired or revoked, ` : ''}${s.invalid} not valid, ${s.unverifiable} not checked)`),
    u > 0 ? el('span', { class: 'unconfirmed-count' }, el('b', {}, String(u)),
      u === 1 ? ' from an issuer nothing confirms' : ' from issuers nothing confirms') : null,
    el('span', {}, el('b', {}, String(s.verifiedEcts)), u > 0 ? ' ECTS with genuine signatures, counting issuers nothing confirms' : ' ECTS verified'),
    el('span', {}, 'Checked ', el('b', {}, localTime(v.checkedAt)), source ? ` from ${source}` : '')));
  if (isVp) {
    out.append(folded({ class: 'vp-steps', open: v.verdict === 'valid' ? undefined : '' },
      'How the presentation itself was checked', () => steps(v.steps)));
    out.append(el('div', { class: 'cards' }, ...(v.embedded || []).map(card)));
  } else {
    out.append(el('div', { class: 'cards' }, card(v)));
  }
}

// A QR code of a PDF portfolio (`#pdf`): the credentials are in the PDF, not in the code.
function pdfMode() {
  const h = location.hash;
  return h === '#pdf' || h.startsWith('#pdf&');
}

function showPdfInstruction() {
  document.getElementById('outcome').hidden = true;
  delete document.body.dataset.verdict;
  delete document.body.dataset.issuers;
  let box = document.getElementById('pdf-instruction');
  if (!box) {
    box = el('div', { id: 'pdf-instruction', class: 'pdf-instruction', role: 'status' },
      el('h3', {}, 'Now open the PDF file itself'),
      el('p', {}, 'You scanned a code from a PDF portfolio. The credentials are too large to fit in a QR code, so the code only brings you to this page: they are inside the PDF file. Open or drop the PDF file you received here, and this page checks every signature in it.'),
      el('p', { class: 'small' }, 'The check runs on this device, offline: the file is not uploaded anywhere.'));
    document.getElementById('drop').before(box);
  }
  box.hidden = false;
  document.body.dataset.state = 'pdf';
}

function hidePdfInstruction() {
  const box = document.getElementById('pdf-instruction');
  if (box) box.hidden = true;
}

async function main() {
  // A PDF portfolio's QR code needs no engine to say what to do next.
  if (pdfMode()) showPdfInstruction();
  // Where the time to a verdict goes (read by scripts/bench-verifier).
  const stamp = (name) => { document.body.dataset[name] = performance.now().toFixed(1); };
  stamp('startMs');
  const packed = document.getElementById('engine');
  const engine = await Engine.fromPage(packed.textContent, packed.dataset.encoding);
  stamp('compiledMs');
  const trust = engine.setTrust(document.getElementById('trust').textContent);
  stamp('trustMs');
  const note = document.getElementById('trust-note');
  if (trust.result) {
    const t = trust.result;
    trustNetwork = t.registry || null;
    note.textContent = `Built into this page: the trust registry of ${t.registry || 'no network'}, the keys of ${t.dids + (t.issuers ?? 0)} institutions and ${t.statusLists} revocation lists. Issuers it does not list are shown as not confirmed; credentials whose keys are not included show as "not checked".`;
  } else {
    note.textContent = `The page's trust data could not be loaded: ${trust.error.message}`;
  }
  const run = (input, source) => {
    const t0 = performance.now();
    const answer = engine.verify(input);
    document.body.dataset.verifyMs = (performance.now() - t0).toFixed(1);
    document.body.dataset.verifiedMs = performance.now().toFixed(1);
    show(answer, source);
    document.body.dataset.state = 'done';
    // Time from navigation start to the verdict on screen (engine start-up included).
    document.body.dataset.doneMs = performance.now().toFixed(1);
  };
  const file = async (f) => run(new Uint8Array(await f.arrayBuffer()), f.name);
  const drop = document.getElementById('drop');
  const input = document.getElementById('file');
  drop.addEventListener('click', (e) => { if (e.target === drop) input.click(); });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  input.addEventListener('change', () => input.files[0] && file(input.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files[0]) file(e.dataTransfer.files[0]);
  });
  document.getElementById('paste').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = document.getElementById('link').value;
    if (text.trim()) run(text, 'a pasted link');
  });
  const fromHash = () => {
    if (pdfMode()) showPdfInstruction();
    else if (location.hash.includes('vp=')) run(location.hash, 'this link');
  };
  window.addEventListener('hashchange', fromHash);
  fromHash();
  if (document.body.dataset.state === 'loading') document.body.dataset.state = 'ready';
}

main().catch((e) => {
  document.body.dataset.state = 'done';
  show({ error: { message: `The verifier could not start in this browser: ${e.message}` } });
});
