import { mockIPC } from '$lib/api/testing';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { CredentialSummary, SdClaim } from '$lib/api';
import ShareScreen from './ShareScreen.svelte';

function summary(
  id: string,
  title: string,
  verdict: CredentialSummary['verdict'],
  forced = false,
  lapse?: CredentialSummary['lapse'],
): CredentialSummary {
  return {
    id,
    title,
    issuer: 'TH Nordstadt',
    issuerId: 'did:web:th-nordstadt.example',
    issued: '2026-01-01T00:00:00Z',
    ects: 5,
    eqfLevel: 6,
    verdict,
    forced,
    ...(lapse ? { lapse } : {}),
  } as CredentialSummary;
}

const CREDS = [
  summary('a1', 'Digital Twins', 'valid'),
  summary('b2', '<b>Robotics</b>', 'valid'),
  summary('c3', 'Forged thing', 'invalid'),
  summary('d4', 'Old Module', 'inactive', false, { kind: 'expired', date: '2025-05-03T00:00:00Z' }),
];

function backend(link = { link: 'file:///v.html#vp=abc', qrPng: 'data:image/png;base64,iVBORw0KGgo=', qrProblem: null }) {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC(async (cmd, args) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case 'list_credentials':
        return { rows: CREDS, verifiedEcts: 0 };
      case 'list_qualifications':
        return [{ id: 'q1', title: 'Certificate in Industry 4.0', awardingBody: 'THN', totalEcts: 30 }];
      case 'default_export_dir':
        return '/home/ana/Documents';
      case 'export_presentation':
        return { path: (args as { path: string }).path, bytes: 4096, credentials: (args as { ids: string[] }).ids.length };
      case 'export_pdf':
        return { path: (args as { path: string }).path, bytes: 92160, credentials: 2 };
      case 'share_link':
        return link;
      default:
        throw { code: 'internal', message: `no mock for ${cmd}` };
    }
  });
  return calls;
}

describe('the share screen', () => {
  it('preselects the verified credentials, refuses a failed one, and saves a PDF with the chosen qualification', async () => {
    const user = userEvent.setup();
    const calls = backend();
    render(ShareScreen);
    const items = await screen.findAllByTestId('share-item');
    expect(items.map((i) => (i as HTMLInputElement).checked)).toEqual([true, true, false, false]);
    expect(items.map((i) => (i as HTMLInputElement).disabled)).toEqual([false, false, true, false]);
    expect(screen.getByText('<b>Robotics</b>')).toBeTruthy();
    await user.click(items[1]!);
    await user.selectOptions(screen.getByTestId('share-qualification'), 'q1');
    await user.click(screen.getByTestId('share-pdf'));
    const saved = await screen.findByTestId('share-saved');
    const call = calls.find((c) => c.cmd === 'export_pdf')!.args as { ids: string[]; qualification: string; path: string };
    expect(call.ids).toEqual(['a1']);
    expect(call.qualification).toBe('q1');
    expect(call.path).toMatch(/^\/home\/ana\/Documents\/portfolio-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(saved.textContent).toContain('90 KB');
  });

  it('shows the link with its QR code, or says why there is no QR code', async () => {
    const user = userEvent.setup();
    backend();
    const first = render(ShareScreen);
    await screen.findAllByTestId('share-item');
    await user.click(screen.getByTestId('share-link'));
    expect(((await screen.findByTestId('share-link-text')) as HTMLTextAreaElement).value).toBe('file:///v.html#vp=abc');
    expect(screen.getByTestId('share-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    first.unmount();

    backend({ link: 'file:///v.html#vp=long', qrPng: null, qrProblem: 'the link is too long for a QR code' } as never);
    render(ShareScreen);
    await screen.findAllByTestId('share-item');
    await user.click(screen.getByTestId('share-link'));
    expect((await screen.findByTestId('share-qr-problem')).textContent).toContain('too long for a QR code');
  });

  it('lets the learner add an expired credential, shown as expired, not preselected and not verified', async () => {
    const user = userEvent.setup();
    const calls = backend();
    render(ShareScreen);
    const items = await screen.findAllByTestId('share-item');
    const expired = items[3] as HTMLInputElement;
    const row = expired.closest('label')!;
    expect(expired.checked).toBe(false);
    expect(expired.disabled).toBe(false);
    expect(row.textContent).toContain('Expired May 3, 2025');
    expect(row.textContent).toContain('the verifier sees it as not in force');
    expect(row.textContent).not.toContain('Not valid');
    expect(row.textContent).not.toContain('cannot be shared');
    // "Select all verified" leaves it out.
    await user.click(screen.getByTestId('share-select-all'));
    expect(expired.checked).toBe(false);
    expect(screen.getByTestId('share-count').textContent).toContain('2 selected');
    await user.click(expired);
    expect(screen.getByTestId('share-count').textContent).toContain('3 selected');
    await user.click(screen.getByTestId('share-vp'));
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === 'export_presentation')).toBe(true));
    const call = calls.find((c) => c.cmd === 'export_presentation')!.args as { ids: string[] };
    expect(call.ids).toEqual(['a1', 'b2', 'd4']);
  });

  it('asks for a choice before exporting nothing', async () => {
    const user = userEvent.setup();
    const calls = backend();
    render(ShareScreen);
    await screen.findAllByTestId('share-item');
    await user.click(screen.getByText('Clear the selection'));
    await user.click(screen.getByTestId('share-vp'));
    expect((await screen.findByTestId('share-notice')).textContent).toContain('Choose at least one credential');
    expect(calls.some((c) => c.cmd === 'export_presentation')).toBe(false);
  });
});

// Issue 18: an SD-JWT VC is shared with the claims the learner chooses.
const SD_JWT = { ...summary('sd1abcdef0123', 'Predictive Maintenance', 'valid'), format: 'sd-jwt-vc' } as CredentialSummary;
const W3C = { ...summary('w3c1', 'Digital Twins', 'valid'), format: 'open-badges3' } as CredentialSummary;

const CLAIMS: SdClaim[] = [
  { path: 'ects_credits', value: '5', canWithhold: true, labels: {} },
  { path: 'grade', value: '1.7', canWithhold: true, labels: { en: 'Grade', de: 'Note' } },
  { path: 'learner', value: '…', canWithhold: true, labels: {} },
  { path: 'learner.given_name', value: 'Maria', canWithhold: true, labels: {} },
  { path: 'learner.family_name', value: 'Ionescu', canWithhold: true, labels: {} },
  { path: 'title', value: '<b>Predictive Maintenance</b>', canWithhold: false, labels: {} },
  { path: 'issuer_name', value: 'TH Nordstadt', canWithhold: false, labels: {} },
];

function sdJwtBackend() {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC(async (cmd, args) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case 'list_credentials':
        return { rows: [W3C, SD_JWT], verifiedEcts: 10 };
      case 'list_qualifications':
        return [];
      case 'default_export_dir':
        return '/home/ana/Documents';
      case 'sd_jwt_claims':
        return CLAIMS;
      case 'present_sd_jwt': {
        const { path } = args as { path: string | null };
        return {
          presentation: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln~WyJzMSJd~eyJ0eXAiOiJrYitqd3QifQ.e30.c2ln',
          saved: path ? { path, bytes: 900, credentials: 1 } : null,
        };
      }
      case 'export_pdf':
        return { path: (args as { path: string }).path, bytes: 92160, credentials: 1 };
      default:
        throw { code: 'internal', message: `no mock for ${cmd}` };
    }
  });
  return calls;
}

const claimBox = (path: string) =>
  screen.getAllByTestId('sdjwt-claim').find((i) => i.dataset['path'] === path) as HTMLInputElement;

describe('sharing an SD-JWT VC', () => {
  it('lists every claim: always-shown ones checked, disabled and explained, the rest the learner’s choice', async () => {
    const calls = sdJwtBackend();
    render(ShareScreen);
    const boxes = (await screen.findAllByTestId('sdjwt-claim')) as HTMLInputElement[];
    expect(calls.find((c) => c.cmd === 'sd_jwt_claims')!.args).toEqual({ id: 'sd1abcdef0123' });
    expect(boxes.map((b) => b.dataset['path'])).toEqual(CLAIMS.map((c) => c.path));
    expect(boxes.every((b) => b.checked)).toBe(true);
    expect(boxes.map((b) => b.disabled)).toEqual(CLAIMS.map((c) => !c.canWithhold));
    const always = screen.getAllByTestId('sdjwt-always');
    expect(always).toHaveLength(2);
    for (const note of always) expect(note.textContent).toBe('always shown: the issuer signed it in the clear');
    expect(claimBox('title').closest('li')!.textContent).toContain('always shown');
    expect(claimBox('grade').closest('li')!.textContent).not.toContain('always shown');
    expect(claimBox('grade').closest('label')!.textContent).toContain('Show to the employer');
    // Credential text is text.
    expect(screen.getByText('<b>Predictive Maintenance</b>')).toBeTruthy();
    expect(screen.getByTestId('sdjwt-share').querySelector('b')).toBeNull();
    expect(screen.getByTestId('sdjwt-hidden').textContent).toContain('nothing; every claim is shown');
    expect(screen.getByTestId('sdjwt-seen').textContent).toContain('ects_credits, Grade, learner');
    // A claim the type metadata names is shown by its name, its path beside it.
    expect(claimBox('grade').closest('li')!.textContent).toContain('Grade');
    expect(claimBox('grade').closest('li')!.textContent).toContain('grade');
  });

  it('says what stays hidden and presents only the chosen claims to the verifier', async () => {
    const user = userEvent.setup();
    const calls = sdJwtBackend();
    render(ShareScreen);
    await screen.findAllByTestId('sdjwt-claim');
    await user.click(claimBox('grade'));
    await user.click(claimBox('learner.family_name'));
    expect(claimBox('grade').checked).toBe(false);
    expect(claimBox('learner').checked).toBe(true);
    const hidden = screen.getByTestId('sdjwt-hidden').textContent!;
    expect(hidden).toContain('Stays hidden:');
    expect(hidden).toContain('Grade, learner.family_name');
    const seen = screen.getByTestId('sdjwt-seen').textContent!;
    expect(seen).toContain('The employer will see:');
    expect(seen).toContain('ects_credits, learner, learner.given_name, title, issuer_name');
    expect(seen).not.toContain('grade');

    // No verifier yet: asked for first, nothing made.
    await user.click(screen.getByTestId('sdjwt-create'));
    expect((await screen.findByTestId('sdjwt-notice')).textContent).toContain("Enter the verifier's address first");
    expect(calls.some((c) => c.cmd === 'present_sd_jwt')).toBe(false);

    await user.type(screen.getByTestId('sdjwt-aud'), 'https://employer.example');
    await user.click(screen.getByTestId('sdjwt-create'));
    const text = (await screen.findByTestId('sdjwt-text')) as HTMLTextAreaElement;
    expect(text.value).toContain('~');
    const call = calls.find((c) => c.cmd === 'present_sd_jwt')!.args as {
      id: string;
      disclose: string[];
      aud: string;
      nonce: string;
      path: string | null;
    };
    expect(call.id).toBe('sd1abcdef0123');
    // The object around the given name goes along with it; sending it would bring the
    // family name too.
    expect(call.disclose).toEqual(['ects_credits', 'learner.given_name']);
    expect(call.aud).toBe('https://employer.example');
    expect(call.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(call.path).toBeNull();
    expect(screen.getByTestId('sdjwt-result').textContent).toContain(`code ${call.nonce}`);
    expect(screen.queryByTestId('sdjwt-saved')).toBeNull();
  });

  it('saves the presentation with the verifier’s code in the share folder', async () => {
    const user = userEvent.setup();
    const calls = sdJwtBackend();
    render(ShareScreen);
    await screen.findAllByTestId('sdjwt-claim');
    await user.type(screen.getByTestId('sdjwt-aud'), 'https://employer.example');
    await user.type(screen.getByTestId('sdjwt-nonce'), 'abc-123');
    await user.click(screen.getByTestId('sdjwt-save'));
    const saved = await screen.findByTestId('sdjwt-saved');
    const call = calls.find((c) => c.cmd === 'present_sd_jwt')!.args as { disclose: string[]; nonce: string; path: string };
    expect(call.nonce).toBe('abc-123');
    expect(call.disclose).toEqual(['ects_credits', 'grade', 'learner', 'learner.given_name', 'learner.family_name']);
    expect(call.path).toMatch(/^\/home\/ana\/Documents\/sd-jwt-presentation-\d{4}-\d{2}-\d{2}-sd1abcde\.sdjwt$/);
    expect(saved.textContent).toContain('Saved sd-jwt-presentation-');
  });

  it('keeps the SD-JWT VC out of the PDF and link, which carry the other credentials', async () => {
    const user = userEvent.setup();
    const calls = sdJwtBackend();
    render(ShareScreen);
    await screen.findAllByTestId('sdjwt-claim');
    expect(screen.getByTestId('share-sdjwt-elsewhere').textContent).toContain('presented below');
    await user.click(screen.getByTestId('share-pdf'));
    await screen.findByTestId('share-saved');
    const call = calls.find((c) => c.cmd === 'export_pdf')!.args as { ids: string[] };
    expect(call.ids).toEqual(['w3c1']);
    // Only the SD-JWT VC chosen: the W3C forms say where it is shared instead.
    const items = screen.getAllByTestId('share-item') as HTMLInputElement[];
    await user.click(items[0]!);
    await user.click(screen.getByTestId('share-link'));
    expect((await screen.findByTestId('share-notice')).textContent).toContain('Only SD-JWT VC credentials are chosen');
    expect(calls.some((c) => c.cmd === 'share_link')).toBe(false);
    // Not chosen: no claim list.
    await user.click(items[1]!);
    expect(screen.queryByTestId('sdjwt-share')).toBeNull();
  });
});
