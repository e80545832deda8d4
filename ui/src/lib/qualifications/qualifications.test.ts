import { mockIPC } from '$lib/api/testing';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Audit, CatalogueItem, StackResult, StoredQualification } from '$lib/api';
import { setLocale } from '$lib/i18n';
import QualificationsScreen from '$lib/screens/QualificationsScreen.svelte';
import { resetQualificationView } from './view.svelte';

// Shaped like the Rust side's answers for the demo wallet's "Certificate in Industry 4.0".
const I40 = 'https://th-nordstadt.example/q/certificate-industry-4-0';
const CYBER = 'https://umorski.example/q/certificate-cybersecurity';

function qualification(extra: Partial<StoredQualification> = {}): StoredQualification {
  return {
    id: I40,
    title: 'Certificate in Industry 4.0',
    awardingBody: 'Technische Hochschule Nordstadt',
    totalEcts: 30,
    signedBy: 'did:key:z6MkwEMbhq7MEx5NCrMCNsJHKJiMt9LFPyEoGNQ3tDdJGuwm',
    warning: null,
    document: {},
    ...extra,
  };
}

function audit(extra: Partial<Audit> = {}): Audit {
  return {
    qualificationId: I40,
    title: 'Certificate in Industry 4.0',
    awardingBody: 'Technische Hochschule Nordstadt',
    complete: false,
    provenOptimal: true,
    whatIf: false,
    ectsCounted: 24,
    ectsRequired: 30,
    requirements: [
      {
        id: 'CORE',
        title: 'Core modules',
        kind: 'allOf',
        status: 'met',
        ectsCounted: 5,
        ectsNeeded: null,
        countCounted: 1,
        countNeeded: 1,
        counted: [],
        children: [
          {
            id: 'I40',
            title: 'Industry 4.0 Fundamentals',
            kind: 'achievement',
            status: 'met',
            ectsCounted: 5,
            ectsNeeded: null,
            countCounted: 1,
            countNeeded: 1,
            counted: [
              {
                candidateId: 'c-fund',
                title: 'Industry 4.0 Fundamentals',
                ects: 5,
                rule: 'counts as module https://th-nordstadt.example/mc/industry-4-0-fundamentals (Industry 4.0 Fundamentals)',
              },
            ],
            children: [],
          },
        ],
      },
      {
        id: 'ELECTIVES',
        title: 'Industry 4.0 electives',
        kind: 'ectsFrom',
        status: 'partlyMet',
        ectsCounted: 15,
        ectsNeeded: 21,
        countCounted: 3,
        countNeeded: null,
        counted: [
          { candidateId: 'c-ml', title: 'Applied Machine Learning', ects: 5, rule: 'counts 5 ECTS toward ELECTIVES (Industry 4.0 electives)' },
        ],
        children: [],
      },
      {
        id: 'SUSTAIN',
        title: 'Sustainability',
        kind: 'ectsFrom',
        status: 'unmet',
        ectsCounted: 0,
        ectsNeeded: 3,
        countCounted: 0,
        countNeeded: null,
        counted: [],
        children: [],
      },
    ],
    candidates: [
      {
        id: 'c-sec',
        title: 'Secure Networks Fundamentals',
        counted: false,
        hypothetical: false,
        ectsCounted: 0,
        countsToward: [],
        reasons: ['revoked', 'not verified (it was added without verification)'],
      },
      {
        id: 'c-fund',
        title: 'Industry 4.0 Fundamentals',
        counted: true,
        hypothetical: false,
        ectsCounted: 5,
        countsToward: ['I40'],
        reasons: ['already counted for I40, so not also for ELECTIVES (Industry 4.0 electives)'],
      },
      {
        id: 'c-agile',
        title: '<b>Agile</b> Project Management',
        counted: false,
        hypothetical: false,
        ectsCounted: 0,
        countsToward: [],
        reasons: ['EQF 5 is below the required 6'],
      },
    ],
    missing: [
      'ELECTIVES: 6 more ECTS from credentials issued in the network',
      '6 more ECTS in total (24 of 30 counted)',
    ],
    note: null,
    nodesExplored: 15,
    ...extra,
  };
}

function stacked(q: StoredQualification = qualification(), a: Audit = audit()): StackResult {
  return { qualification: q, audit: a, suggestion: null, offers: [], planned: [] };
}

function backend(list: StoredQualification[], answer: (id: string) => StackResult = () => stacked()) {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC(async (cmd, args) => {
    calls.push({ cmd, args });
    if (cmd === 'list_qualifications') return list;
    if (cmd === 'stack_qualification') return answer((args as { id: string }).id);
    throw { code: 'internal', message: `no mock for ${cmd}` };
  });
  return calls;
}

const CYBER_Q = qualification({
  id: CYBER,
  title: 'Certificate in Industrial Cybersecurity',
  awardingBody: 'Uniwersytet Morski w Zatoce',
  totalEcts: 20,
  signedBy: null,
  warning: 'the rules are not signed',
});

afterEach(() => {
  resetQualificationView();
  setLocale('en');
});

async function openAudit(user: ReturnType<typeof userEvent.setup>, id = I40) {
  await screen.findByTestId('qualification-list');
  const item = screen.getAllByTestId('qualification-item').find((el) => el.dataset['id'] === id)!;
  await user.click(item);
  return screen.findByTestId('audit');
}

describe('the qualifications screen', () => {
  it('lists the qualifications with awarding body, total ECTS and whether the rules are signed', async () => {
    backend([qualification(), CYBER_Q]);
    render(QualificationsScreen);
    const list = await screen.findByTestId('qualification-list');
    const items = within(list).getAllByTestId('qualification-item');
    expect(items.map((i) => i.dataset['id'])).toEqual([I40, CYBER]);
    expect(items[0]!.textContent).toContain('Certificate in Industry 4.0');
    expect(items[0]!.textContent).toContain('Technische Hochschule Nordstadt');
    expect(items[0]!.textContent).toContain('30 ECTS in total');
    expect(within(items[0]!).getByTestId('qualification-signed').textContent).toContain('Signed by the institution');
    expect(within(items[0]!).queryByTestId('qualification-warning')).toBeNull();
    expect(within(items[1]!).getByTestId('qualification-warning').textContent).toContain('Rules not confirmed');
    expect(within(items[1]!).queryByTestId('qualification-signed')).toBeNull();
    expect(items[0]!.tagName).toBe('BUTTON');
  });

  it('explains where qualifications come from when there are none, without made-up data', async () => {
    backend([]);
    const onwallet = vi.fn();
    render(QualificationsScreen, { onwallet });
    const empty = await screen.findByTestId('qualifications-empty');
    expect(empty.textContent).toContain('publish the rules');
    expect(empty.textContent).toContain('Load the demo wallet');
    expect(empty.textContent).toContain('four qualifications');
    expect(screen.queryByTestId('qualification-item')).toBeNull();
    await userEvent.click(within(empty).getByRole('button', { name: 'Go to the Wallet screen' }));
    expect(onwallet).toHaveBeenCalledOnce();
  });

  it('choosing a qualification asks the core for its audit with that id', async () => {
    const user = userEvent.setup();
    const calls = backend([qualification(), CYBER_Q], (id) => (id === CYBER ? stacked(CYBER_Q) : stacked()));
    render(QualificationsScreen);
    await openAudit(user);
    expect(calls.filter((c) => c.cmd === 'stack_qualification')).toEqual([
      { cmd: 'stack_qualification', args: { id: I40, planned: [] } },
    ]);
    expect(document.activeElement).toBe(screen.getByTestId('audit-title'));
    expect(screen.getByTestId('audit-progress').textContent?.replace(/\s+/g, ' ').trim()).toBe('24 of 30 ECTS');
    expect(screen.getByTestId('audit-progress').getAttribute('aria-valuetext')).toBe('24 of 30 ECTS credits counted');
    expect(screen.getByTestId('audit-complete').textContent?.trim()).toBe('Not complete yet');
    expect(screen.getByTestId('audit-complete').dataset['complete']).toBe('false');
  });

  it('shows each requirement with its status in words and its counted credentials with their rule', async () => {
    const user = userEvent.setup();
    backend([qualification()]);
    render(QualificationsScreen);
    await openAudit(user);
    const requirements = screen.getAllByTestId('requirement');
    expect(requirements.map((r) => [r.dataset['id'], r.dataset['status']])).toEqual([
      ['CORE', 'met'],
      ['I40', 'met'],
      ['ELECTIVES', 'partlyMet'],
      ['SUSTAIN', 'unmet'],
    ]);
    const status = (r: HTMLElement) => within(r).getAllByTestId('requirement-status')[0]!.textContent;
    expect(requirements.map(status)).toEqual(['Met', 'Met', 'Partly met', 'Not met yet']);
    expect(requirements[0]!.textContent).toContain('1 of 1 parts met');
    expect(requirements[2]!.textContent).toContain('15 of 21 ECTS');
    expect(within(requirements[2]!).getByRole('meter').getAttribute('aria-valuenow')).toBe('71');
    expect(requirements[3]!.textContent).toContain('None of your credentials counts here yet.');

    const counted = screen.getAllByTestId('counted-credential');
    expect(counted).toHaveLength(2);
    expect(counted[0]!.textContent).toContain('Industry 4.0 Fundamentals');
    expect(counted[0]!.textContent).toContain('5 ECTS');
    expect(within(counted[0]!).getByTestId('counted-rule').textContent).toBe(
      'counts as module https://th-nordstadt.example/mc/industry-4-0-fundamentals (Industry 4.0 Fundamentals)',
    );
    expect(within(requirements[2]!).getByTestId('counted-rule').textContent).toBe(
      'counts 5 ECTS toward ELECTIVES (Industry 4.0 electives)',
    );
  });

  it('lists the credentials that do not count with their reasons, and what is still missing', async () => {
    const user = userEvent.setup();
    backend([qualification()]);
    render(QualificationsScreen);
    await openAudit(user);
    const left = screen.getAllByTestId('not-counted');
    expect(left.map((l) => l.dataset['id'])).toEqual(['c-sec', 'c-agile']);
    expect(within(left[0]!).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'revoked',
      'not verified (it was added without verification)',
    ]);
    // Untrusted titles stay text.
    expect(left[1]!.textContent).toContain('<b>Agile</b> Project Management');
    expect(left[1]!.querySelector('b')).toBeNull();
    expect(screen.getAllByTestId('missing-item').map((m) => m.textContent)).toEqual([
      'ELECTIVES: 6 more ECTS from credentials issued in the network',
      '6 more ECTS in total (24 of 30 counted)',
    ]);
    expect(screen.queryByTestId('rules-warning')).toBeNull();
    expect(screen.queryByTestId('audit-note')).toBeNull();
  });

  it('warns when the rules are not signed by the institution', async () => {
    const user = userEvent.setup();
    backend([CYBER_Q], () => stacked(CYBER_Q, audit({ title: CYBER_Q.title, awardingBody: CYBER_Q.awardingBody })));
    render(QualificationsScreen);
    await openAudit(user, CYBER);
    const warning = screen.getByTestId('rules-warning');
    expect(warning.textContent).toContain('could not be confirmed as coming from Uniwersytet Morski w Zatoce');
    expect(warning.textContent).toContain('the rules are not signed');
    expect(screen.getByTestId('audit').textContent).not.toContain('Rules signed by the institution');
  });

  it('says when the result is complete, and when it is not proven the best', async () => {
    const user = userEvent.setup();
    backend([qualification()], () =>
      stacked(qualification(), audit({ complete: true, ectsCounted: 30, missing: [], provenOptimal: false, note: 'search budget exceeded' })),
    );
    render(QualificationsScreen);
    await openAudit(user);
    expect(screen.getByTestId('audit-complete').textContent?.trim()).toBe('Complete');
    expect(screen.queryByTestId('missing-item')).toBeNull();
    const note = screen.getByTestId('audit-note');
    expect(note.textContent).toContain('best way to count your credentials');
    expect(note.textContent).toContain('search budget exceeded');
  });

  it('opens a counted credential in the wallet, and Back returns focus to the qualification', async () => {
    const user = userEvent.setup();
    backend([qualification(), CYBER_Q]);
    const onopen = vi.fn();
    render(QualificationsScreen, { onopen });
    await openAudit(user);
    await user.click(screen.getByRole('button', { name: /Applied Machine Learning/ }));
    expect(onopen).toHaveBeenCalledWith('c-ml');

    await user.click(screen.getByTestId('back-to-qualifications'));
    const item = screen.getAllByTestId('qualification-item')[0]!;
    expect(document.activeElement).toBe(item);
    expect(screen.queryByTestId('audit')).toBeNull();
    // From the keyboard: Enter on a focused qualification opens it.
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('audit')).toBeTruthy();
  });

  it('shows the core’s error with a retry when the audit fails', async () => {
    const user = userEvent.setup();
    mockIPC(async (cmd) => {
      if (cmd === 'list_qualifications') return [qualification()];
      throw { code: 'not_found', message: 'no qualification with that id' };
    });
    render(QualificationsScreen);
    await screen.findByTestId('qualification-list');
    await user.click(screen.getByTestId('qualification-item'));
    const alert = await screen.findByRole('alert');
    expect(alert.dataset['code']).toBe('not_found');
  });

  it('counts ticked catalogue offers as a what-if, marks them planned, and goes back to real progress', async () => {
    const user = userEvent.setup();
    const offer = (id: string, title: string, ects: number): CatalogueItem => ({
      id, title, ects, provider: { id: 'did:web:th-nordstadt.example', name: 'TH Nordstadt', country: 'DE' },
      eqfLevel: 6, skills: [], keywords: [], fieldOfStudy: [], language: null, mode: null, start: null, end: null,
      achievementId: null, achievementType: null, assessmentType: null, supervision: null,
    });
    const offers = [offer('o-iot', 'Industrial IoT Architectures', 4), offer('o-pm', 'Predictive Maintenance', 3)];
    const calls: unknown[] = [];
    mockIPC(async (cmd, args) => {
      if (cmd === 'list_qualifications') return [qualification()];
      if (cmd !== 'stack_qualification') throw { code: 'internal', message: `no mock for ${cmd}` };
      const planned = (args as { planned: string[] }).planned;
      calls.push(planned);
      if (planned.length === 0) return { ...stacked(), offers };
      const base = audit();
      const withPlan = audit({
        whatIf: true,
        ectsCounted: 28,
        candidates: [...base.candidates, { id: 'planned-1', title: 'Industrial IoT Architectures', counted: true, hypothetical: true, ectsCounted: 4, countsToward: ['ELECTIVES'], reasons: [] }],
        requirements: base.requirements.map((r) => ({
          ...r,
          counted: [...r.counted, { candidateId: 'planned-1', title: 'Industrial IoT Architectures', ects: 4, rule: 'counts 4 ECTS toward “Industry 4.0 electives”' }],
        })),
      });
      return { ...stacked(qualification(), withPlan), offers, planned };
    });
    render(QualificationsScreen);
    await openAudit(user);
    const panel = screen.getByTestId('what-if-panel');
    expect(within(panel).getAllByTestId('what-if-offer').map((o) => o.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Industrial IoT Architectures · TH Nordstadt · 4 ECTS',
      'Predictive Maintenance · TH Nordstadt · 3 ECTS',
    ]);
    expect((screen.getByTestId('what-if-run') as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(panel).getByLabelText(/Industrial IoT Architectures/));
    await user.click(screen.getByRole('button', { name: 'Count 1 as if I had them' }));
    await screen.findByTestId('what-if-clear');
    expect(calls).toEqual([[], ['o-iot']]);
    expect(screen.getByTestId('audit-what-if').textContent).toContain('1 planned micro-credentials from the catalogue');
    expect(screen.getByTestId('audit-progress').textContent?.replace(/\s+/g, ' ').trim()).toBe('28 of 30 ECTS');
    expect(screen.getAllByTestId('counted-planned').length).toBeGreaterThan(0);
    await user.click(screen.getByTestId('what-if-clear'));
    await vi.waitFor(() => expect(screen.queryByTestId('audit-what-if')).toBeNull());
    expect(calls).toEqual([[], ['o-iot'], []]);
  });

  it('speaks German', async () => {
    const user = userEvent.setup();
    setLocale('de');
    backend([qualification()]);
    render(QualificationsScreen);
    await openAudit(user);
    expect(screen.getByTestId('audit-complete').textContent?.trim()).toBe('Noch nicht vollständig');
    expect(screen.getByTestId('audit-progress').textContent?.replace(/\s+/g, ' ').trim()).toBe('24 von 30 ECTS');
    expect(screen.getAllByTestId('requirement-status').map((s) => s.textContent)).toContain('Teilweise erfüllt');
    expect(screen.getByText('Nicht angerechnet')).toBeTruthy();
  });
});
