import { mockIPC } from '$lib/api/testing';
import type { CredentialSummary, SdClaim, ShareLink } from '$lib/api';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SelectiveShare from './SelectiveShare.svelte';

const claim = (path: string, canWithhold: boolean, en: string): SdClaim => ({
  path,
  value: `${path}-value`,
  canWithhold,
  never: false,
  labels: { en },
});
const CLAIMS = [
  claim('credentialSubject.result.0.value', true, 'Grade'),
  claim('credentialSubject.achievement.name', false, 'Title'),
];
const LINK: ShareLink = {
  link: 'https://verify.example/#vp=abc',
  qrPng: 'data:image/png;base64,iVBORw0KGgo=',
  qrProblem: null,
  shareable: true,
  localOnly: null,
};

describe('sharing an SD-JWT VC by link', () => {
  it('makes the link with the claims chosen, and shows it with its QR code', async () => {
    const user = userEvent.setup();
    const asked: Record<string, unknown>[] = [];
    mockIPC(async (cmd, args) => {
      if (cmd === 'selective_claims') return CLAIMS;
      if (cmd === 'selective_link') {
        asked.push(args as Record<string, unknown>);
        return LINK;
      }
      throw { code: 'internal', message: `no mock for ${cmd}` };
    });
    const credential = { id: 'c1', title: 'Digital Twins' } as CredentialSummary;
    render(SelectiveShare, { credential, folder: '/tmp' });
    const grade = (await screen.findAllByTestId('sdjwt-claim')).find(
      (b) => b.dataset['path'] === 'credentialSubject.result.0.value',
    ) as HTMLInputElement;
    if (grade.checked) await user.click(grade);
    await user.click(screen.getByTestId('sdjwt-link-create'));
    const text = (await screen.findByTestId('sdjwt-link-text')) as HTMLTextAreaElement;
    expect(text.value).toBe(LINK.link);
    expect(screen.getByTestId('sdjwt-link-qr').getAttribute('src')).toBe(LINK.qrPng);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.['id']).toBe('c1');
    expect(asked[0]?.['disclose']).not.toContain('credentialSubject.result.0.value');
    expect(String(asked[0]?.['nonce'])).not.toBe('');
    // Changing the choice withdraws the link made for the old one.
    await user.click(grade);
    expect(screen.queryByTestId('sdjwt-link-text')).toBeNull();
  });
});
