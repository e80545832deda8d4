import { mockIPC } from '$lib/api/testing';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import TrustImport from './TrustImport.svelte';

describe('importing trust data in Settings', () => {
  it('takes any trust document by default, with the address it was published at, and says what it was', async () => {
    const user = userEvent.setup();
    const asked: unknown[] = [];
    mockIPC(async (cmd, args) => {
      if (cmd === 'import_trust') {
        asked.push(args);
        return { kind: 'recognised', what: 'the key set published at https://uni.example/jwks (1 keys)' };
      }
      throw { code: 'internal', message: `no mock for ${cmd}` };
    });
    render(TrustImport);
    expect((screen.getByTestId('trust-kind') as HTMLSelectElement).value).toBe('any');
    await user.type(screen.getByTestId('trust-path'), '/tmp/jwks.json');
    await user.type(screen.getByTestId('trust-url'), 'https://uni.example/jwks');
    await user.click(screen.getByTestId('trust-import'));
    expect((await screen.findByTestId('trust-done')).textContent).toContain(
      'Imported the key set published at https://uni.example/jwks (1 keys).',
    );
    expect(asked).toEqual([{ kind: 'any', path: '/tmp/jwks.json', url: 'https://uni.example/jwks' }]);
    // A kind chosen by name needs no address.
    await user.selectOptions(screen.getByTestId('trust-kind'), 'registry');
    expect(screen.queryByTestId('trust-url')).toBeNull();
  });
});
