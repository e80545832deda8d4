import { mockIPC } from '$lib/api/testing';
import type { AskedClaim, RequestView } from '$lib/api';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import PresentRequest from './PresentRequest.svelte';

const claim = (path: string, optional: boolean, labels: Record<string, string> = {}): AskedClaim => ({
  path,
  value: `${path}-value`,
  optional,
  labels,
});

// A verifier that takes the title with the grade, or the title with the EQF level: each of
// the two may be left out, but not both.
const REQUEST: RequestView = {
  verifier: { clientId: 'decentralized_identifier:did:key:z6Mk', verified: true, how: 'did:key:z6Mk (signed)' },
  answer: {
    queries: [
      {
        id: 'micro',
        format: 'dc+sd-jwt',
        multiple: false,
        candidates: [
          {
            id: 'c1',
            title: 'Predictive Maintenance',
            issuer: 'Hochschule Beispielstadt',
            claims: [claim('title', false, { en: 'Title' }), claim('grade', true, { en: 'Grade' }), claim('eqf_level', true)],
            options: [
              ['title', 'grade'],
              ['title', 'eqf_level'],
            ],
            alwaysShown: [claim('issuer_name', false, { en: 'Awarding body' })],
            whole: false,
          },
        ],
      },
    ],
    sets: [{ options: [['micro']], required: true, chosen: 0 }],
    satisfiable: true,
  },
};

function backend() {
  const sent: unknown[] = [];
  mockIPC(async (cmd, args) => {
    if (cmd === 'resolve_request') return REQUEST;
    if (cmd === 'send_presentation') {
      sent.push(args);
      return { clientId: REQUEST.verifier.clientId };
    }
    throw { code: 'internal', message: `no mock for ${cmd}` };
  });
  return sent;
}

const row = (path: string) => screen.getAllByTestId('present-claim').find((li) => li.dataset['path'] === path)!;
const box = (path: string) => row(path).querySelector('input') as HTMLInputElement;

describe('answering a verifier', () => {
  it('withholds what a claim set lets go, never what the verifier then needs, and sends the choice', async () => {
    const user = userEvent.setup();
    const sent = backend();
    render(PresentRequest, { initial: 'openid4vp://?client_id=x' });
    await screen.findByTestId('present-request');
    // Named in words; the verifier's preferred set goes first.
    expect(row('title').textContent).toContain('Title');
    expect(row('grade').dataset['sent']).toBe('yes');
    expect(row('eqf_level').dataset['sent']).toBe('no');
    expect(screen.getByTestId('present-always').textContent).toContain('Awarding body');
    // Withhold the grade: the other set goes, with the EQF level.
    await user.click(box('grade'));
    expect(row('grade').dataset['sent']).toBe('no');
    expect(row('grade').textContent).toContain('withheld');
    expect(row('eqf_level').dataset['sent']).toBe('yes');
    // Withholding the EQF level too would leave no set the verifier takes: not offered.
    expect(box('eqf_level').disabled).toBe(true);
    expect(box('eqf_level').checked).toBe(true);
    await user.click(screen.getByTestId('present-send'));
    await screen.findByTestId('present-sent');
    expect(sent).toEqual([{ chosen: [{ query: 'micro', ids: ['c1'], withheld: ['grade'] }] }]);
  });

  it('a claim every set needs has no box', async () => {
    backend();
    render(PresentRequest, { initial: 'openid4vp://?client_id=x' });
    await screen.findByTestId('present-request');
    expect(row('title').querySelector('input')).toBeNull();
  });
});
