import { mockIPC } from '$lib/api/testing';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CredentialLink, CredentialSummary, SdClaim, ShareLink, VerifierBase } from '$lib/api';
import { setLocale } from '$lib/i18n';
import { setVerifierUrl } from '$lib/prefs/verifier.svelte';
import ShareScreen from './ShareScreen.svelte';

afterEach(() => {
  setVerifierUrl('');
  setLocale('en');
});

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

const HOSTED: VerifierBase = {
  url: 'https://verify.edunet.example/verifier.html',
  source: 'registry',
  shareable: true,
  network: 'EduNet Europe',
};
const LOCAL: VerifierBase = {
  url: 'file:///usr/share/microcredx-wallet/verifier.html',
  source: 'local',
  shareable: false,
  network: null,
};
const LINK: ShareLink = {
  link: 'https://verify.edunet.example/verifier.html#vp=abc',
  qrPng: 'data:image/png;base64,iVBORw0KGgo=',
  qrProblem: null,
  shareable: true,
  localOnly: null,
};

/** The core's own links: LinkedIn and a verification link for each, unless `problems` says why not. */
function ownLinks(ids: string[], problems: Record<string, string> = {}, base: VerifierBase = HOSTED): CredentialLink[] {
  return ids.map((id) =>
    problems[id]
      ? { id, link: null, linkedin: null, problem: problems[id] }
      : !base.shareable
        ? { id, link: `${base.url}#vp=${id}`, linkedin: null, problem: 'LinkedIn needs a verification link that opens anywhere.' }
        : {
          id,
          link: `https://verify.edunet.example/verifier.html#vp=${id}`,
          linkedin: `https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=${id}`,
          problem: null,
        },
  );
}

function backend(
  link: ShareLink = LINK,
  base: VerifierBase | (() => never) = HOSTED,
  problems: Record<string, string> = {},
) {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC(async (cmd, args) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case 'verifier_base':
        return typeof base === 'function' ? base() : base;
      case 'credential_links':
        return ownLinks((args as { ids: string[] }).ids, problems, typeof base === 'function' ? HOSTED : base);
      case 'open_linkedin':
        return null;
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
    // Titles are text: in the list and, once chosen, in the links of each credential.
    expect(screen.getAllByText('<b>Robotics</b>').length).toBeGreaterThan(0);
    expect(screen.getByTestId('screen-share').querySelector('b')).toBeNull();
    await user.click(items[1]!);
    await user.selectOptions(screen.getByTestId('share-qualification'), 'q1');
    await user.click(screen.getByTestId('share-pdf'));
    const saved = await screen.findByTestId('share-saved');
    const call = calls.find((c) => c.cmd === 'export_pdf')!.args as {
      ids: string[];
      qualification: string;
      path: string;
      base: string | null;
    };
    expect(call.ids).toEqual(['a1']);
    expect(call.base).toBeNull();
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
    expect(((await screen.findByTestId('share-link-text')) as HTMLTextAreaElement).value).toBe(LINK.link);
    expect(screen.getByTestId('share-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(screen.queryByTestId('share-link-local-only')).toBeNull();
    first.unmount();

    backend({ ...LINK, link: `${LINK.link}long`, qrPng: null, qrProblem: 'the link is too long for a QR code' });
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

describe('where share links point', () => {
  it('says the registry names the verifier page of the network, asked for with no address of its own', async () => {
    const calls = backend();
    render(ShareScreen);
    const text = await screen.findByTestId('share-base-text');
    expect(text.textContent?.trim()).toBe(
      'Links open the verifier page of EduNet Europe at https://verify.edunet.example/verifier.html',
    );
    expect(screen.getByTestId('share-base').dataset['source']).toBe('registry');
    expect(screen.queryByTestId('share-local-only')).toBeNull();
    expect(calls.find((c) => c.cmd === 'verifier_base')!.args).toEqual({ base: null });
  });

  it('names the address given in Settings as the learner’s own, and asks again when it changes', async () => {
    setVerifierUrl('https://uni.example/verify.html');
    const calls = backend(LINK, { url: 'https://uni.example/verify.html', source: 'settings', shareable: true, network: null });
    render(ShareScreen);
    expect((await screen.findByTestId('share-base-text')).textContent?.trim()).toBe(
      'Links open the verifier page at https://uni.example/verify.html (your setting)',
    );
    expect(calls.find((c) => c.cmd === 'verifier_base')!.args).toEqual({ base: 'https://uni.example/verify.html' });
    setVerifierUrl('https://other.example/v.html');
    await vi.waitFor(() =>
      expect(calls.filter((c) => c.cmd === 'verifier_base').map((c) => c.args)).toEqual([
        { base: 'https://uni.example/verify.html' },
        { base: 'https://other.example/v.html' },
      ]),
    );
  });

  it('warns that a link to the page installed here opens only on this computer, and offers the PDF', async () => {
    const user = userEvent.setup();
    const localLink: ShareLink = {
      link: `${LOCAL.url}#vp=abc`,
      qrPng: 'data:image/png;base64,iVBORw0KGgo=',
      qrProblem: null,
      shareable: false,
      localOnly: 'This link opens only on this computer: /usr/share/microcredx-wallet/verifier.html is a file here.',
    };
    const calls = backend(localLink, LOCAL);
    render(ShareScreen);
    const warning = await screen.findByTestId('share-local-only');
    expect(warning.textContent).toContain('opens only on this computer');
    expect(warning.textContent).toContain('an employer cannot open it');
    expect(screen.getByTestId('share-base-text').textContent).toContain(LOCAL.url);
    expect(screen.getByTestId('share-base').dataset['shareable']).toBe('false');

    // "Save the PDF instead" is the screen's own PDF export.
    await user.click(screen.getByTestId('share-pdf-instead'));
    await screen.findByTestId('share-saved');
    const pdf = calls.find((c) => c.cmd === 'export_pdf')!.args as { ids: string[]; path: string };
    expect(pdf.ids).toEqual(['a1', 'b2']);
    expect(pdf.path).toMatch(/portfolio-\d{4}-\d{2}-\d{2}\.pdf$/);

    // The link can still be made, to try here, but never looks like one to give away.
    await user.click(screen.getByTestId('share-link'));
    const result = await screen.findByTestId('share-link-result');
    expect(result.dataset['shareable']).toBe('false');
    expect(screen.getByTestId('share-link-local-only').textContent).toContain(localLink.localOnly!);
    expect(result.textContent).toContain('Only for this computer');
    expect(screen.queryByTestId('share-qr')).toBeNull();
    expect((screen.getByTestId('share-link-text') as HTMLTextAreaElement).value).toBe(localLink.link);

    // LinkedIn needs a link that opens anywhere: every button stays off, and says why.
    const why = screen.getByTestId('share-linkedin-why');
    expect(why.textContent).toContain('LinkedIn needs a verification link that opens anywhere');
    const buttons = screen.getAllByTestId('share-linkedin') as HTMLButtonElement[];
    expect(buttons).toHaveLength(2);
    for (const b of buttons) {
      expect(b.disabled).toBe(true);
      expect(b.getAttribute('aria-describedby')).toBe(why.id);
    }
    expect(calls.some((c) => c.cmd === 'open_linkedin')).toBe(false);
    // Said once above, not again under each credential; its own link can still be copied here.
    expect(screen.queryByTestId('share-each-problem')).toBeNull();
    expect(screen.getAllByTestId('share-each-copy')).toHaveLength(2);
  });

  it('says so when there is no verifier page at all, and points to Settings', async () => {
    const user = userEvent.setup();
    backend(LINK, () => {
      throw { code: 'bad_input', message: 'no verifier page: give the address where it is hosted in Settings' };
    });
    const onsettings = vi.fn();
    render(ShareScreen, { onsettings });
    const notice = await screen.findByTestId('error-notice');
    expect(notice.dataset['code']).toBe('bad_input');
    expect(notice.textContent).toContain('no verifier page');
    expect(screen.getByTestId('share-base-none').textContent).toContain('Enter in Settings the address');
    await user.click(screen.getByTestId('share-open-settings'));
    expect(onsettings).toHaveBeenCalledOnce();
    expect(screen.getByTestId('share-linkedin-why').textContent).toContain('there is no verifier page');
  });

  it('speaks German', async () => {
    setLocale('de');
    backend();
    render(ShareScreen);
    expect((await screen.findByTestId('share-base-text')).textContent?.trim()).toBe(
      'Links öffnen die Prüfseite von EduNet Europe unter https://verify.edunet.example/verifier.html',
    );
  });
});

describe('each chosen credential on its own', () => {
  it('adds a credential to LinkedIn through the core, which opens the browser', async () => {
    const user = userEvent.setup();
    const calls = backend(LINK, HOSTED, { b2: 'This credential has no issue date, which LinkedIn needs.' });
    render(ShareScreen);
    const items = await screen.findAllByTestId('share-each-item');
    expect(items.map((i) => i.dataset['id'])).toEqual(['a1', 'b2']);
    await vi.waitFor(() => expect((screen.getAllByTestId('share-linkedin')[0] as HTMLButtonElement).disabled).toBe(false));
    expect(calls.find((c) => c.cmd === 'credential_links')!.args).toEqual({ ids: ['a1', 'b2'], base: null });

    const [first, second] = screen.getAllByTestId('share-linkedin') as HTMLButtonElement[];
    expect(first!.textContent).toContain('Add to LinkedIn profile');
    await user.click(first!);
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === 'open_linkedin')).toBe(true));
    expect(calls.find((c) => c.cmd === 'open_linkedin')!.args).toEqual({
      url: 'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=a1',
    });

    // No LinkedIn address: the button is off and the core's reason is shown.
    expect(second!.disabled).toBe(true);
    expect(screen.getByTestId('share-each-problem').textContent).toBe('This credential has no issue date, which LinkedIn needs.');
    expect(screen.queryByTestId('share-linkedin-why')).toBeNull();
  });

  it('asks only for the credentials newly chosen, and copies a credential’s own verification link', async () => {
    const user = userEvent.setup();
    const calls = backend();
    render(ShareScreen);
    const items = await screen.findAllByTestId('share-item');
    await screen.findAllByTestId('share-each-copy');
    await user.click(items[3]!); // the expired one
    await vi.waitFor(() => expect(screen.getAllByTestId('share-each-copy')).toHaveLength(3));
    expect(calls.filter((c) => c.cmd === 'credential_links').map((c) => c.args)).toEqual([
      { ids: ['a1', 'b2'], base: null },
      { ids: ['d4'], base: null },
    ]);

    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(screen.getAllByTestId('share-each-copy')[1]!);
    expect(writeText).toHaveBeenCalledWith('https://verify.edunet.example/verifier.html#vp=b2');
    expect(screen.getAllByTestId('share-each-copy')[1]!.textContent).toContain('Copied.');

    // Nothing chosen: no list.
    await user.click(screen.getByText('Clear the selection'));
    expect(screen.queryByTestId('share-each')).toBeNull();
  });
});

// Issue 18: an SD-JWT VC is shared with the claims the learner chooses.
const SD_JWT = { ...summary('sd1abcdef0123', 'Predictive Maintenance', 'valid'), format: 'sd-jwt-vc' } as CredentialSummary;
const W3C = { ...summary('w3c1', 'Digital Twins', 'valid'), format: 'open-badges3' } as CredentialSummary;

const CLAIMS: SdClaim[] = [
  { path: 'ects_credits', value: '5', canWithhold: true, never: false, labels: {} },
  { path: 'grade', value: '1.7', canWithhold: true, never: false, labels: { en: 'Grade', de: 'Note' } },
  { path: 'learner', value: '…', canWithhold: true, never: false, labels: {} },
  { path: 'learner.given_name', value: 'Maria', canWithhold: true, never: false, labels: {} },
  { path: 'learner.family_name', value: 'Ionescu', canWithhold: true, never: false, labels: {} },
  { path: 'title', value: '<b>Predictive Maintenance</b>', canWithhold: false, never: false, labels: {} },
  { path: 'issuer_name', value: 'TH Nordstadt', canWithhold: false, never: true, labels: {} },
];

function sdJwtBackend() {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC(async (cmd, args) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case 'verifier_base':
        return HOSTED;
      case 'credential_links':
        return ownLinks((args as { ids: string[] }).ids, { [SD_JWT.id]: 'An SD-JWT VC cannot travel in a link.' });
      case 'list_credentials':
        return { rows: [W3C, SD_JWT], verifiedEcts: 10 };
      case 'list_qualifications':
        return [];
      case 'default_export_dir':
        return '/home/ana/Documents';
      case 'selective_claims':
        return CLAIMS;
      case 'present_selective': {
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
    expect(calls.find((c) => c.cmd === 'selective_claims')!.args).toEqual({ id: 'sd1abcdef0123' });
    expect(boxes.map((b) => b.dataset['path'])).toEqual(CLAIMS.map((c) => c.path));
    expect(boxes.every((b) => b.checked)).toBe(true);
    expect(boxes.map((b) => b.disabled)).toEqual(CLAIMS.map((c) => !c.canWithhold));
    const always = screen.getAllByTestId('sdjwt-always');
    expect(always).toHaveLength(2);
    // Why each is shown: the issuer signed it in the clear, or its type never lets it be hidden.
    expect(always.map((n) => n.textContent)).toEqual([
      'always shown: the issuer signed it in the clear',
      'always shown: its type says it may never be hidden',
    ]);
    expect(claimBox('issuer_name').closest('li')!.textContent).toContain('its type says it may never be hidden');
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
    expect(calls.some((c) => c.cmd === 'present_selective')).toBe(false);

    await user.type(screen.getByTestId('sdjwt-aud'), 'https://employer.example');
    await user.click(screen.getByTestId('sdjwt-create'));
    const text = (await screen.findByTestId('sdjwt-text')) as HTMLTextAreaElement;
    expect(text.value).toContain('~');
    const call = calls.find((c) => c.cmd === 'present_selective')!.args as {
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
    const call = calls.find((c) => c.cmd === 'present_selective')!.args as { disclose: string[]; nonce: string; path: string };
    expect(call.nonce).toBe('abc-123');
    expect(call.disclose).toEqual(['ects_credits', 'grade', 'learner', 'learner.given_name', 'learner.family_name']);
    expect(call.path).toMatch(/^\/home\/ana\/Documents\/sd-jwt-presentation-\d{4}-\d{2}-\d{2}-sd1abcde\.sdjwt$/);
    expect(saved.textContent).toContain('Saved sd-jwt-presentation-');
  });

  it('puts the SD-JWT VC in the PDF with the claims ticked on its card, and keeps it out of the link', async () => {
    const user = userEvent.setup();
    const calls = sdJwtBackend();
    render(ShareScreen);
    await screen.findAllByTestId('sdjwt-claim');
    expect(screen.getByTestId('share-sdjwt-elsewhere').textContent).toContain('shared below, by a link of its own');
    await user.click(claimBox('grade'));
    await user.click(screen.getByTestId('share-pdf'));
    await screen.findByTestId('share-saved');
    const call = calls.find((c) => c.cmd === 'export_pdf')!.args as { ids: string[]; disclose: Record<string, string[]> };
    expect(call.ids).toEqual(['w3c1', 'sd1abcdef0123']);
    expect(call.disclose['sd1abcdef0123']).not.toContain('grade');
    expect(call.disclose['sd1abcdef0123']).toContain('ects_credits');
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

// Issue 18: a credential with an ecdsa-sd-2023 base proof goes whole into the PDF and links,
// and has the same card to show only some of its claims.
describe('sharing a credential with an ecdsa-sd-2023 base proof', () => {
  it('shows its card with the claims, explains what cannot be withheld, and presents the choice', async () => {
    const user = userEvent.setup();
    const calls: { cmd: string; args: unknown }[] = [];
    const DI_CLAIMS: SdClaim[] = [
      { path: 'credentialSubject.result.0.value', value: 'B', canWithhold: true, never: false, labels: { en: 'Grade' } },
      { path: 'credentialSubject.achievement.name', value: 'Digital Twins', canWithhold: false, never: false, labels: { en: 'Title' } },
    ];
    mockIPC(async (cmd, args) => {
      calls.push({ cmd, args });
      switch (cmd) {
        case 'verifier_base':
          return HOSTED;
        case 'credential_links':
          return ownLinks((args as { ids: string[] }).ids, {});
        case 'list_credentials':
          return { rows: [W3C], verifiedEcts: 5 };
        case 'list_qualifications':
          return [];
        case 'default_export_dir':
          return '/home/ana/Documents';
        case 'selective_ids':
          return (args as { ids: string[] }).ids;
        case 'selective_claims':
          return DI_CLAIMS;
        case 'present_selective':
          return { presentation: '{"type":["VerifiablePresentation"]}', saved: null };
        default:
          throw { code: 'internal', message: `no mock for ${cmd}` };
      }
    });
    render(ShareScreen);
    const boxes = (await screen.findAllByTestId('sdjwt-claim')) as HTMLInputElement[];
    expect(calls.find((c) => c.cmd === 'selective_ids')!.args).toEqual({ ids: ['w3c1'] });
    expect(boxes.map((b) => b.dataset['path'])).toEqual(DI_CLAIMS.map((c) => c.path));
    expect(screen.getByTestId('sdjwt-always').textContent).toBe(
      'always shown: the issuer requires it, or it names a part you show',
    );
    expect(screen.getByTestId('share-derive-elsewhere')).toBeTruthy();
    await user.click(claimBox('credentialSubject.result.0.value'));
    expect(screen.getByTestId('sdjwt-hidden').textContent).toContain('Grade');
    await user.type(screen.getByTestId('sdjwt-aud'), 'https://employer.example');
    await user.click(screen.getByTestId('sdjwt-create'));
    await screen.findByTestId('sdjwt-result');
    const call = calls.find((c) => c.cmd === 'present_selective')!.args as { id: string; disclose: string[]; aud: string };
    expect(call.id).toBe('w3c1');
    expect(call.disclose).toEqual([]);
    expect(call.aud).toBe('https://employer.example');
  });
});
