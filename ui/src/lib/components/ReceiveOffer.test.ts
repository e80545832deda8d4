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
