import { mockIPC } from '$lib/api/testing';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { CredentialDetail } from '$lib/api';
import { setLocale } from '$lib/i18n';
import { EXPIRED_STEPS, detail, microCredential, verification } from '../../test-fixtures';
import CredentialScreen from './CredentialScreen.svelte';

function backend(answer: CredentialDetail, calls: string[] = []) {
  mockIPC(async (cmd, args) => {
    calls.push(cmd);
    if (cmd === 'get_credential') return answer;
    if (cmd === 'remove_credential') {
      expect(args).toEqual({ id: answer.record.id });
      return null;
    }
    throw { code: 'internal', message: `no mock for ${cmd}` };
  });
  return calls;
}

function open(id = 'abc') {
  const onback = vi.fn();
  const onremoved = vi.fn();
  render(CredentialScreen, { id, onback, onremoved });
  return { onback, onremoved };
}

describe('the credential screen', () => {
  it('shows what the credential says, in plain words', async () => {
    backend(detail('abc'));
    open();
    const title = await screen.findByTestId('detail-title');
    expect(title.textContent?.trim()).toBe('Data Analytics');
    const page = screen.getByTestId('credential-detail');
    expect(page.textContent).toContain('Universität Beispielstadt');
    expect(page.textContent).toContain('Ana Novak');
    const outcomes = within(screen.getByTestId('learning-outcomes')).getAllByRole('listitem');
    expect(outcomes.map((li) => li.textContent)).toEqual(['Clean a data set', 'Fit a linear model']);
    const facts = screen.getByTestId('detail-facts').textContent ?? '';
    for (const text of ['ECTS credits', '5', 'Workload', '125 hours', 'EQF level', '6', 'Type of assessment',
      'Supervised written exam', 'Form of participation', 'Online', 'Grade', '1.7', 'Language']) {
      expect(facts).toContain(text);
    }
    expect(screen.getByTestId('detail-skills').textContent).toContain('data analysis');
    expect(screen.getByTestId('detail-skills').textContent).toContain('ESCO');
    expect(document.activeElement).toBe(title);
  });

  it('shows the grade with its label, which stays apart from the value (issue 15)', async () => {
    const credential = microCredential({ grade: 'B', gradeLabel: 'Final grade' });
    backend(detail('abc', verification({ credential })));
    open();
    await screen.findByTestId('detail-title');
    expect(screen.getByTestId('detail-facts').textContent).toContain('B (Final grade)');
  });

  it('shows Annex I completeness with what is missing', async () => {
    backend(detail('abc'));
    open();
    const annex = await screen.findByTestId('annex-completeness');
    expect(screen.getByTestId('annex-count').textContent).toBe('9 of 11');
    const missing = within(screen.getByTestId('annex-missing')).getAllByRole('listitem');
    expect(missing.map((li) => li.textContent)).toEqual(['Awarding body', 'Quality assurance']);
    expect(within(annex).getByRole('meter').getAttribute('aria-valuenow')).toBe('9');
  });

  it('lists every verification step in order, with its status and message', async () => {
    backend(detail('abc'));
    open();
    await screen.findByTestId('detail-title');
    const steps = screen.getAllByTestId('verification-step');
    expect(steps.map((s) => s.dataset['status'])).toEqual(['pass', 'pass', 'pass', 'pass', 'skip', 'warn']);
    expect(steps.map((s) => s.dataset['step'])).toEqual([
      'format', 'proof', 'issuer-identity', 'dates', 'status', 'eu-elements',
    ]);
    expect(steps[1]!.textContent).toContain('Signature');
    expect(steps[1]!.textContent).toContain('The signature matches.');
    expect(screen.getByTestId('detail-verdict').textContent).toContain('Verified');
    expect(screen.getByTestId('checked-at').textContent).toContain('Last checked');
    expect(screen.getByTestId('checked-at').textContent).toContain('2025');
  });

  it('says why a credential is not valid or could not be checked', async () => {
    backend(
      detail('abc', verification({
        verdict: 'invalid',
        steps: [
          { step: 'format', status: 'pass', message: 'Recognised.' },
          { step: 'proof', status: 'fail', message: 'The signature does not match: it was changed.' },
        ],
      })),
    );
    open();
    expect((await screen.findByTestId('detail-verdict')).textContent).toContain(
      'Not valid: The signature does not match: it was changed.',
    );
  });

  it('marks a forced credential as not verified', async () => {
    backend(
      detail('abc', verification({
        verdict: 'unverifiable',
        steps: [{ step: 'proof', status: 'skip', message: 'The key is not available offline.' }],
      }), { forced: true }),
    );
    open();
    const verdict = await screen.findByTestId('detail-verdict');
    expect(verdict.textContent).toContain('Could not be checked offline: The key is not available offline.');
    expect(verdict.textContent).toContain('never presents it as verified');
    expect(verdict.dataset['forced']).toBe('true');
  });

  it('shows a genuine expired credential as expired, with its proof and issuer passing, never as not valid', async () => {
    backend(detail('abc', verification({ verdict: 'inactive', steps: EXPIRED_STEPS })));
    open();
    const verdict = await screen.findByTestId('detail-verdict');
    expect(verdict.querySelector('.verdict-text')?.textContent).toBe('Genuine — Expired on May 3, 2025');
    expect(verdict.dataset['verdict']).toBe('inactive');
    expect(verdict.dataset['lapse']).toBe('expired');
    expect(verdict.classList.contains('inactive')).toBe(true);
    expect(verdict.classList.contains('invalid')).toBe(false);
    expect(verdict.textContent).not.toContain('Not valid');
    expect(verdict.textContent).not.toContain('Verified');
    expect(verdict.textContent).toContain('never counts toward a qualification');
    const steps = screen.getAllByTestId('verification-step');
    const byStep = (name: string) => steps.find((s) => s.dataset['step'] === name)!;
    expect(byStep('proof').dataset['status']).toBe('pass');
    expect(byStep('issuer-identity').dataset['status']).toBe('pass');
    const dates = byStep('dates');
    expect(dates.dataset['lapse']).toBe('expired');
    expect(dates.textContent).toContain('Not in force');
    expect(dates.textContent).not.toContain('Failed');
    expect(dates.textContent).toContain('Expired on 3 May 2025.');
  });

  it('names what lapsed: not yet valid, revoked, suspended', async () => {
    const cases = [
      [{ step: 'dates', status: 'fail', message: 'Not yet valid.', lapse: { kind: 'not-yet-valid', date: '2030-01-15T00:00:00Z' } }, 'Genuine — Not yet valid (from Jan 15, 2030)'],
      [{ step: 'status', status: 'fail', message: 'Revoked by its issuer.', lapse: { kind: 'revoked' } }, 'Genuine — Revoked by its issuer'],
      [{ step: 'status', status: 'fail', message: 'Suspended by its issuer.', lapse: { kind: 'suspended' } }, 'Genuine — Suspended by its issuer'],
    ] as const;
    for (const [step, headline] of cases) {
      backend(detail('abc', verification({ verdict: 'inactive', steps: [{ step: 'proof', status: 'pass', message: 'ok' }, step] })));
      const view = render(CredentialScreen, { id: 'abc', onback: vi.fn(), onremoved: vi.fn() });
      const verdict = await screen.findByTestId('detail-verdict');
      expect(verdict.querySelector('.verdict-text')?.textContent).toBe(headline);
      view.unmount();
    }
  });

  it('shows an expired credential in German', async () => {
    setLocale('de');
    try {
      backend(detail('abc', verification({ verdict: 'inactive', steps: EXPIRED_STEPS })));
      open();
      const verdict = await screen.findByTestId('detail-verdict');
      expect(verdict.querySelector('.verdict-text')?.textContent).toBe('Echt – Abgelaufen am 03.05.2025');
      expect(verdict.textContent).not.toContain('Ungültig');
      const dates = screen.getAllByTestId('verification-step').find((s) => s.dataset['step'] === 'dates')!;
      expect(dates.textContent).toContain('Nicht in Kraft');
    } finally {
      setLocale('en');
    }
  });

  it('shows the original as text and copies it', async () => {
    const user = userEvent.setup();
    const original = '{\n  "name": "Data Analytics",\n  "proof": {}\n}';
    backend(detail('abc', verification(), { original }));
    open();
    const pre = await screen.findByTestId('original-document');
    expect(pre.tagName).toBe('PRE');
    expect(pre.textContent).toBe(original);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(screen.getByTestId('copy-original'));
    expect(writeText).toHaveBeenCalledWith(original);
    expect(screen.getByTestId('copy-original').textContent).toContain('Copied');
  });

  it('renders markup in credential fields as literal text', async () => {
    const script = '<script>alert(1)</script>';
    const img = '<img src=x onerror=alert(1)>';
    backend(
      detail('abc', verification({
        credential: microCredential({
          title: script,
          description: img,
          learningOutcomes: [img],
          issuer: { id: null, name: `<b>${script}</b>`, country: null },
          skills: [{ name: img, uri: 'javascript:alert(1)', framework: null }],
        }),
        steps: [{ step: 'format', status: 'pass', message: img }],
      }), { original: script }),
    );
    open();
    const title = await screen.findByTestId('detail-title');
    expect(title.textContent?.trim()).toBe(script);
    const page = screen.getByTestId('credential-detail');
    expect(page.querySelectorAll('script, img, b, a, iframe')).toHaveLength(0);
    expect(page.textContent).toContain(img);
    expect(screen.getByTestId('original-document').textContent).toBe(script);
  });

  it('lists the credentials inside a CLR with their verdicts', async () => {
    const inner = [
      verification({ credential: microCredential({ title: 'Statistics I' }) }),
      verification({
        verdict: 'invalid',
        credential: microCredential({ title: 'Statistics II' }),
        steps: [{ step: 'proof', status: 'fail', message: 'The signature does not match.' }],
      }),
    ];
    backend(detail('abc', verification({ format: 'clr2' }), { embedded: inner }));
    open();
    await screen.findByTestId('embedded-credentials');
    const items = screen.getAllByTestId('embedded-credential');
    expect(items.map((i) => i.dataset['verdict'])).toEqual(['valid', 'invalid']);
    expect(items[0]!.textContent).toContain('Statistics I');
    expect(items[0]!.textContent).toContain('Verified');
    expect(items[1]!.textContent).toContain('Not valid: The signature does not match.');
  });

  it('shows an expired credential inside a record as expired, apart from the invalid one', async () => {
    const inner = [
      verification({ verdict: 'inactive', credential: microCredential({ title: 'Statistics I' }), steps: EXPIRED_STEPS }),
      verification({
        verdict: 'invalid',
        credential: microCredential({ title: 'Statistics II' }),
        steps: [{ step: 'proof', status: 'fail', message: 'The signature does not match.' }],
      }),
    ];
    backend(detail('abc', verification({ format: 'clr2' }), { embedded: inner }));
    open();
    await screen.findByTestId('embedded-credentials');
    const items = screen.getAllByTestId('embedded-credential');
    expect(items.map((i) => i.dataset['verdict'])).toEqual(['inactive', 'invalid']);
    const badge = within(items[0]!).getByTestId('verdict-badge');
    expect(badge.textContent?.trim()).toBe('Expired May 3, 2025');
    expect(items[0]!.textContent).toContain('Genuine — Expired on May 3, 2025');
    expect(items[0]!.textContent).not.toContain('Not valid');
  });

  it('says that nothing confirms who the issuer is, while the verdict stays "Verified"', async () => {
    const standing = {
      kind: 'unconfirmed',
      id: 'did:key:z6Mkexample',
      name: 'Universität Beispielstadt',
      country: 'DE',
      network: 'EduNet Europe',
      text: 'English text for the CLI',
    } as const;
    backend(detail('abc', verification({ issuerStanding: standing })));
    open();
    const verdict = await screen.findByTestId('detail-verdict');
    expect(verdict.querySelector('.verdict-text')?.textContent).toBe('Verified');
    const line = screen.getByTestId('issuer-standing');
    expect(line.dataset['kind']).toBe('unconfirmed');
    expect(line.textContent).toContain(
      'Genuine signature, but nothing confirms who the issuer is: it calls itself “Universität Beispielstadt” (did:key:z6Mkexample), which is not in the trust registry of EduNet Europe.',
    );
    expect(line.textContent).not.toContain('English text for the CLI');
    expect(screen.getByTestId('detail-issuer-unconfirmed').textContent?.trim()).toBe('Issuer not confirmed');
  });

  it('says when no trust registry is loaded, and in German', async () => {
    const standing = {
      kind: 'unconfirmed',
      id: 'did:web:uni.example',
      name: 'Uni <b>Example</b>',
      country: null,
      network: null,
      text: '',
    } as const;
    backend(detail('abc', verification({ verdict: 'inactive', steps: EXPIRED_STEPS, issuerStanding: standing })));
    const view = render(CredentialScreen, { id: 'abc', onback: vi.fn(), onremoved: vi.fn() });
    const line = await screen.findByTestId('issuer-standing');
    expect(line.textContent).toContain(
      'it calls itself “Uni <b>Example</b>” (did:web:uni.example), and no trust registry is loaded.',
    );
    expect(line.querySelector('b')).toBeNull();
    view.unmount();
    setLocale('de');
    try {
      backend(detail('abc', verification({ issuerStanding: { ...standing, network: 'EduNet Europe' } })));
      open();
      expect((await screen.findByTestId('issuer-standing')).textContent).toContain(
        'Echte Signatur, aber nichts bestätigt, wer der Aussteller ist: Er nennt sich „Uni <b>Example</b>“ (did:web:uni.example) und steht nicht im Vertrauensregister von EduNet Europe.',
      );
      expect(screen.getByTestId('detail-issuer-unconfirmed').textContent?.trim()).toBe('Aussteller nicht bestätigt');
    } finally {
      setLocale('en');
    }
  });

  it('says a member issued it, as the network’s signed registry says', async () => {
    const standing = {
      kind: 'member',
      id: 'did:key:z6Mkexample',
      name: 'Universität Beispielstadt',
      country: 'DE',
      network: 'EduNet Europe',
      text: '',
    } as const;
    backend(detail('abc', verification({ issuerStanding: standing })));
    open();
    const line = await screen.findByTestId('issuer-standing');
    expect(line.dataset['kind']).toBe('member');
    expect(line.textContent?.trim()).toBe('Issued by a member of EduNet Europe (as its signed registry says).');
    expect(screen.queryByTestId('detail-issuer-unconfirmed')).toBeNull();
  });

  it('says nothing of an unconfirmed issuer when the credential failed: its verdict says more', async () => {
    backend(
      detail('abc', verification({
        verdict: 'invalid',
        steps: [{ step: 'proof', status: 'fail', message: 'The signature does not match.' }],
        issuerStanding: { kind: 'unconfirmed', id: 'did:x', name: 'X', country: null, network: null, text: '' },
      })),
    );
    open();
    await screen.findByTestId('detail-verdict');
    expect(screen.queryByTestId('issuer-standing')).toBeNull();
    expect(screen.queryByTestId('detail-issuer-unconfirmed')).toBeNull();
  });

  it('says who presented a presentation, and marks a credential in it presented by someone else', async () => {
    const presenter = 'did:key:z6MkAna';
    const inner = [
      verification({
        credential: microCredential({ title: 'Statistics I' }),
        holderBinding: { kind: 'subject', presenter, subject: presenter, subjectName: 'Ana Novak', text: '' },
        issuerStanding: { kind: 'unconfirmed', id: 'did:key:z6Mkexample', name: 'Uni', country: null, network: 'EduNet Europe', text: '' },
      }),
      verification({
        credential: microCredential({ title: 'Statistics II' }),
        holderBinding: { kind: 'someone-else', presenter, subject: 'did:key:z6MkBob', subjectName: 'Bob Marek', text: '' },
      }),
    ];
    backend(
      detail(
        'abc',
        verification({
          format: 'presentation',
          holderBinding: { kind: 'subject', presenter, subject: presenter, subjectName: 'Ana Novak', text: '' },
        }),
        { embedded: inner },
      ),
    );
    open();
    const binding = await screen.findByTestId('holder-binding');
    expect(binding.dataset['kind']).toBe('subject');
    expect(binding.textContent).toContain(
      'Presented by Ana Novak in person: the presentation is signed with the key it was issued to (did:key:z6MkAna).',
    );
    const items = screen.getAllByTestId('embedded-credential');
    expect(within(items[0]!).getByTestId('unconfirmed-badge')).toBeTruthy();
    expect(within(items[0]!).getByTestId('embedded-standing').textContent).toContain('nothing confirms who the issuer is');
    expect(within(items[0]!).queryByTestId('embedded-binding')).toBeNull();
    expect(within(items[1]!).getByTestId('embedded-binding').textContent?.trim()).toBe(
      'Presented by someone else: it was issued to Bob Marek, but the presentation is signed by did:key:z6MkAna.',
    );
    expect(within(items[1]!).queryByTestId('unconfirmed-badge')).toBeNull();
  });

  it('removes only after confirmation', async () => {
    const user = userEvent.setup();
    const calls = backend(detail('abc'));
    const { onremoved } = open();
    await user.click(await screen.findByTestId('remove-credential'));
    await user.click(screen.getByTestId('remove-cancel'));
    expect(calls).not.toContain('remove_credential');
    await user.click(screen.getByTestId('remove-credential'));
    await user.click(screen.getByTestId('remove-confirm'));
    expect(calls).toContain('remove_credential');
    expect(onremoved).toHaveBeenCalledOnce();
  });

  it('Back returns to the list', async () => {
    const user = userEvent.setup();
    backend(detail('abc'));
    const { onback } = open();
    await user.click(await screen.findByTestId('back-to-list'));
    expect(onback).toHaveBeenCalledOnce();
  });

  it('speaks German too', async () => {
    setLocale('de');
    try {
      backend(detail('abc'));
      open();
      await screen.findByTestId('detail-title');
      expect(screen.getByTestId('detail-verdict').textContent).toContain('Geprüft');
      expect(screen.getByTestId('annex-count').textContent).toBe('9 von 11');
      expect(screen.getByTestId('back-to-list').textContent).toContain('Zurück zu Ihrer Wallet');
    } finally {
      setLocale('en');
    }
  });
});
