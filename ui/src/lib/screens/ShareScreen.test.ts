import { mockIPC } from '$lib/api/testing';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CredentialSummary } from '$lib/api';
import ShareScreen from './ShareScreen.svelte';

function summary(id: string, title: string, verdict: CredentialSummary['verdict'], forced = false): CredentialSummary {
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
  } as CredentialSummary;
}

const CREDS = [
  summary('a1', 'Digital Twins', 'valid'),
  summary('b2', '<b>Robotics</b>', 'valid'),
  summary('c3', 'Expired thing', 'invalid'),
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
  it('offers only verified credentials, preselected, and saves a PDF with the chosen qualification', async () => {
    const user = userEvent.setup();
    const calls = backend();
    render(ShareScreen);
    const items = await screen.findAllByTestId('share-item');
    expect(items.map((i) => (i as HTMLInputElement).checked)).toEqual([true, true, false]);
    expect(items.map((i) => (i as HTMLInputElement).disabled)).toEqual([false, false, true]);
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
