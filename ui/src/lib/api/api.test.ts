import { mockIPC } from './testing';
import { describe, expect, it } from 'vitest';
import {
  about,
  ApiError,
  listCredentials,
  toApiError,
  unlockWallet,
  walletSummary,
  type WalletSummary,
} from './index';

const summary: WalletSummary = {
  path: '/home/ana/.local/share/microcredx-wallet',
  credentials: 3,
  encrypted: false,
  holder: null,
};

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('api bridge', () => {
  it('calls each command by its Rust name with its arguments and returns its result', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'about') return { name: 'MicroCredX Wallet', version: '0.1.0' };
      if (cmd === 'wallet_summary') return summary;
      if (cmd === 'list_credentials') return { rows: [], verifiedEcts: 0 };
      if (cmd === 'unlock_wallet') return null;
      throw new Error(`unexpected command ${cmd}`);
    });

    expect(await about()).toEqual({ name: 'MicroCredX Wallet', version: '0.1.0' });
    expect(await walletSummary()).toEqual(summary);
    expect(await listCredentials('ects')).toEqual({ rows: [], verifiedEcts: 0 });
    await unlockWallet('correct horse');

    expect(calls.map((c) => c.cmd)).toEqual([
      'about',
      'wallet_summary',
      'list_credentials',
      'unlock_wallet',
    ]);
    expect(calls[2]?.args).toEqual({ sort: 'ects' });
    expect(calls[3]?.args).toEqual({ passphrase: 'correct horse' });
  });

  it('turns a rejected {code, message} into an ApiError with that code and message', async () => {
    mockIPC(() => {
      throw { code: 'wallet_in_use', message: 'the wallet at /w is open in another program' };
    });
    const error = await rejectionOf(walletSummary());
    expect(error.code).toBe('wallet_in_use');
    expect(error.message).toBe('the wallet at /w is open in another program');
    expect(error.name).toBe('ApiError');
  });

  it.each([
    ['a plain string', 'command wallet_summary not found'],
    ['an object without a code', { error: 'nope' }],
    ['an unknown code', { code: 'exploded', message: 'boom' }],
    ['a code without a message', { code: 'io' }],
    ['null', null],
  ])('maps a malformed rejection (%s) to code "ipc"', async (_label, rejection) => {
    mockIPC(() => {
      throw rejection;
    });
    const error = await rejectionOf(about());
    expect(error.code).toBe('ipc');
  });

  it('keeps a readable detail for a malformed rejection', () => {
    expect(toApiError('command not found').message).toBe('command not found');
    expect(toApiError({ error: 'nope' }).message).toBe('{"error":"nope"}');
  });

  it('reports code "ipc" when there is no Tauri runtime at all', async () => {
    // No mockIPC: window.__TAURI_INTERNALS__ is missing, as in a plain browser.
    const error = await rejectionOf(walletSummary());
    expect(error.code).toBe('ipc');
  });
});
