// The page: reads a share link's fragment, a dropped file or a pasted link, asks the engine
// (the core's verifier in WebAssembly) and shows its steps and verdicts. Every piece of
// credential content is set with textContent: it is untrusted text, never HTML.

const STEP = {
  format: 'Format', proof: 'Signature', 'issuer-identity': 'Issuer', dates: 'Dates',
  status: 'Revocation', 'eu-elements': 'EU standard elements',
};
const MARK = { pass: '✓', fail: '✗', warn: '!', skip: '?' };
const LAPSE_MARK = '◷';
const VERDICT = {
  valid: ['✓', 'Verified', 'Every signature matches, the issuers are who they say they are, and nothing has expired or been revoked.'],
  invalid: ['✗', 'Not valid', 'At least one check failed. Do not rely on what it says.'],
  unverifiable: ['?', 'Could not be fully checked here', 'Nothing failed, but some checks need information this page does not have.'],
  // Genuine but not in force: the proof and issuer checks passed; it has expired, is not yet
  // valid, or its issuer revoked or suspended it. History, not a forgery.
  inactive: [LAPSE_MARK, 'Genuine, but not in force', 'The signature matches and the issuer is who it says it is, but this credential is not in force now. Treat it as a record of the past, not as a current qualification.'],
};
const CHIP = { valid: 'Verified', invalid: 'Not valid', unverifiable: 'Not checked', inactive: 'Not in force' };

// A date of a lapse (RFC 3339) as people write it: "3 May 2025", in UTC like the engine.
function longDay(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return null;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
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

function fact(dl, label, value) {
  if (value === null || value === undefined || value === '') return;
  dl.append(el('dt', {}, label), el('dd', {}, String(value)));
}

const day = (iso) => (iso ? iso.slice(0, 10) : null);

function card(v) {
  const c = v.credential;
  const issuer = [c.issuer?.name || c.issuer?.id, c.issuer?.country].filter(Boolean).join(', ');
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
    ? el('details', {}, el('summary', {}, `Learning outcomes (${c.learningOutcomes.length})`),
      el('ul', { class: 'outcomes' }, ...c.learningOutcomes.map((o) => el('li', {}, o))))
    : null;
  const lapse = v.verdict === 'inactive' ? lapseOf(v) : null;
  return el('article', { class: 'card', 'data-verdict': v.verdict, 'data-lapse': lapse?.kind },
    el('header', {}, el('h3', {}, c.title || 'Untitled credential'),
      el('span', { class: `chip ${v.verdict}` }, v.verdict === 'inactive' ? lapseChip(lapse) : CHIP[v.verdict] || v.verdict)),
    el('p', { class: 'issuer' }, issuer ? `Issued by ${issuer}` : 'Issuer not named'),
    v.verdict === 'inactive'
      ? el('p', { class: 'lapse-note' }, `Genuine — ${lapseText(lapse)}. Its signature and issuer were checked; it does not count as verified.`)
      : null,
    dl, outcomes,
    el('details', { open: v.verdict === 'valid' ? undefined : '' }, el('summary', {}, 'How it was checked'), steps(v.steps)));
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

function show(answer, source) {
  const out = document.getElementById('outcome');
  out.replaceChildren();
  out.hidden = false;
  if (answer.error) {
    document.body.dataset.verdict = 'error';
    out.append(el('div', { class: 'banner error', role: 'status' }, el('span', { class: 'icon' }, '!'),
      el('div', {}, el('h2', {}, 'This could not be read'), el('p', {}, answer.error.message))));
    return;
  }
  const v = answer.result;
  const s = answer.summary;
  document.body.dataset.verdict = v.verdict;
  let [icon, title, text] = VERDICT[v.verdict] || ['?', v.verdict, ''];
  if (v.verdict === 'inactive') title = `Genuine — ${lapseText(lapseOf(v))}`;
  const inactive = typeof s.inactive === 'number' ? s.inactive : null;
  const someInactive = inactive !== null ? inactive > 0 : (v.embedded || []).some((x) => x.verdict === 'inactive');
  if (v.verdict === 'valid' && someInactive) {
    const which = inactive === null ? 'Some credentials are' : inactive === 1 ? 'One credential is' : `${inactive} credentials are`;
    text = `Every signature matches and the issuers are who they say they are. ${which} genuine but not in force (expired, not yet valid or revoked): marked below, not counted as verified.`;
  }
  const problem = v.verdict === 'valid' || v.verdict === 'inactive' ? null : firstProblem(v);
  out.append(el('div', { class: `banner ${v.verdict}`, role: 'status' }, el('span', { class: 'icon' }, icon),
    el('div', {}, el('h2', { id: 'verdict' }, title), el('p', {}, problem || text))));
  const isVp = v.format === 'presentation' || (v.embedded || []).length > 0;
  const holder = v.credential.learner?.name || v.credential.learner?.id;
  out.append(el('div', { class: 'summary' },
    holder ? el('span', {}, isVp ? 'Presented by ' : 'Learner ', el('b', {}, holder)) : null,
    el('span', {}, el('b', {}, String(s.credentials)), s.credentials === 1 ? ' credential' : ' credentials',
      ` (${s.valid} verified, ${inactive !== null ? `${inactive} expired or revoked, ` : ''}${s.invalid} not valid, ${s.unverifiable} not checked)`),
    el('span', {}, el('b', {}, String(s.verifiedEcts)), ' ECTS verified'),
    el('span', {}, 'Checked ', el('b', {}, new Date(v.checkedAt).toLocaleString()), source ? ` from ${source}` : '')));
  if (isVp) {
    out.append(el('details', { class: 'vp-steps', open: v.verdict === 'valid' ? undefined : '' },
      el('summary', {}, 'How the presentation itself was checked'), steps(v.steps)));
    out.append(el('div', { class: 'cards' }, ...(v.embedded || []).map(card)));
  } else {
    out.append(el('div', { class: 'cards' }, card(v)));
  }
}

function decodeBase64(text) {
  const bin = atob(text.trim());
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function main() {
  const engine = await Engine.load(decodeBase64(document.getElementById('engine').textContent));
  const trust = engine.setTrust(document.getElementById('trust').textContent);
  const note = document.getElementById('trust-note');
  if (trust.result) {
    const t = trust.result;
    note.textContent = `Built into this page: the trust registry of ${t.registry || 'no network'}, the keys of ${t.dids} institutions and ${t.statusLists} revocation lists. Credentials from other issuers show as "not checked" unless their keys are included.`;
  } else {
    note.textContent = `The page's trust data could not be loaded: ${trust.error.message}`;
  }
  const run = (input, source) => {
    const t0 = performance.now();
    const answer = engine.verify(input);
    document.body.dataset.verifyMs = (performance.now() - t0).toFixed(1);
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
  const fromHash = () => { if (location.hash.includes('vp=')) run(location.hash, 'this link'); };
  window.addEventListener('hashchange', fromHash);
  fromHash();
  if (document.body.dataset.state === 'loading') document.body.dataset.state = 'ready';
}

main().catch((e) => {
  document.body.dataset.state = 'done';
  show({ error: { message: `The verifier could not start in this browser: ${e.message}` } });
});
