import { mockIPC } from '$lib/api/testing';
import type { OfferView } from '$lib/api';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import ReceiveOffer from './ReceiveOffer.svelte';

const OFFER: OfferView = {
  issuer: 'https://issuer.example',
  issuerName: 'Universidade do Litoral',
  offered: [{ id: 'micro', format: 'dc+sd-jwt', name: 'Micro-credential' }],
  needsLogin: true,
  loginAt: 'https://login.issuer.example',
};

describe('receiving an offer that needs a login', () => {
  it('offers Cancel while the login waits, and says that nothing was kept', async () => {
    const user = userEvent.setup();
    let stop: ((e: unknown) => void) | null = null;
    const calls: string[] = [];
    mockIPC(async (cmd) => {
      calls.push(cmd);
      if (cmd === 'resolve_offer') return OFFER;
      if (cmd === 'receive_offer') {
        // The exchange waits for the browser until the learner cancels.
        return new Promise((_, reject) => (stop = reject));
      }
      if (cmd === 'cancel_receive') {
        stop?.({ code: 'exchange', message: 'you cancelled the login at https://issuer.example; nothing was kept' });
        return null;
      }
      throw { code: 'internal', message: `no mock for ${cmd}` };
    });
    render(ReceiveOffer, { onreports: () => {}, initial: 'openid-credential-offer://?credential_offer_uri=x' });
    await user.click(await screen.findByTestId('receive-submit'));
    await user.click(await screen.findByTestId('receive-cancel'));
    expect(calls).toContain('cancel_receive');
    expect((await screen.findByText(/you cancelled the login/)).textContent).toContain('nothing was kept');
    expect(screen.queryByTestId('receive-cancel')).toBeNull();
  });
});

describe('reading an offer off the screen', () => {
  it('counts down while the learner points at the code, then reads the offer under the pointer', async () => {
    const user = userEvent.setup();
    const looked: string[] = [];
    mockIPC(async (cmd, args) => {
      // The nearest code first: a share link, then the offer further away.
      if (cmd === 'read_qr_screen') return ['https://verify.example/#vp=x', 'openid-credential-offer://?credential_offer_uri=y'];
      if (cmd === 'resolve_offer') {
        looked.push((args as { link: string }).link);
        return { ...OFFER, needsLogin: false, loginAt: null };
      }
      throw { code: 'internal', message: `no mock for ${cmd}` };
    });
    render(ReceiveOffer, { onreports: () => {} });
    await user.click(await screen.findByTestId('receive-screen'));
    expect((await screen.findByTestId('receive-countdown')).textContent).toBe(
      'Point at the QR code on the screen: it is read in 3 s.',
    );
    expect((screen.getByTestId('receive-screen') as HTMLButtonElement).disabled).toBe(true);
    await screen.findByTestId('receive-offer', {}, { timeout: 4500 });
    expect(looked).toEqual(['openid-credential-offer://?credential_offer_uri=y']);
    expect(screen.queryByTestId('receive-countdown')).toBeNull();
    expect((screen.getByTestId('receive-link') as HTMLInputElement).value).toBe('openid-credential-offer://?credential_offer_uri=y');
  }, 8000);

  it('says so when the code under the pointer is not an offer', async () => {
    const user = userEvent.setup();
    mockIPC(async (cmd) => {
      if (cmd === 'read_qr_screen') return ['https://verify.example/#vp=x'];
      throw { code: 'internal', message: `no mock for ${cmd}` };
    });
    render(ReceiveOffer, { onreports: () => {} });
    await user.click(await screen.findByTestId('receive-screen'));
    expect(await screen.findByText('The QR code under the pointer holds no link for this.', {}, { timeout: 4500 })).toBeTruthy();
  }, 8000);
});
