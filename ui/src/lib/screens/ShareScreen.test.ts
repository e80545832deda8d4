import { mockIPC } from '$lib/api/testing';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { CredentialSummary } from '$lib/api';
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
