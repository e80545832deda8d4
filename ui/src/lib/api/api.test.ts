import { mockIPC } from './testing';
import { describe, expect, it, vi } from 'vitest';
import {
  about,
  ApiError,
  credentialLinks,
  listCredentials,
  openLinkedin,
  toApiError,
  unlockWallet,
  verifierBase,
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

  it('asks where links point, for each credential its own links, and LinkedIn opened by the core', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    const base = { url: 'https://v.example/verifier.html', source: 'registry', shareable: true, network: 'EduNet' };
    const links = [{ id: 'a', link: 'https://v.example/verifier.html#vp=x', linkedin: null, problem: 'no date' }];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'verifier_base') return base;
      if (cmd === 'credential_links') return links;
      if (cmd === 'open_linkedin') return null;
      throw new Error(`unexpected command ${cmd}`);
    });
    expect(await verifierBase(null)).toEqual(base);
    expect(await credentialLinks(['a'], 'https://v.example/verifier.html')).toEqual(links);
    expect(await openLinkedin('https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME')).toBeUndefined();
    expect(calls).toEqual([
      { cmd: 'verifier_base', args: { base: null } },
      { cmd: 'credential_links', args: { ids: ['a'], base: 'https://v.example/verifier.html' } },
      { cmd: 'open_linkedin', args: { url: 'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME' } },
    ]);
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

  it('uses what the core handed the page once, then asks over IPC', async () => {
    const row = { id: 'a' } as unknown as import('./index').CredentialSummary;
    (globalThis as { __MCX_START__?: unknown }).__MCX_START__ = { summary: { Ok: summary }, page: [row] };
    vi.resetModules();
    const fresh = await import('./index');
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'wallet_summary') return { ...summary, credentials: 4 };
      if (cmd === 'list_first_page') return [];
      throw new Error(`unexpected command ${cmd}`);
    });
    expect(await fresh.walletSummary()).toEqual(summary);
    expect(await fresh.firstPage('date')).toEqual([row]);
    expect(calls).toEqual([]);
    expect((await fresh.walletSummary()).credentials).toBe(4);
    expect(await fresh.firstPage('date')).toEqual([]);
    expect(calls).toEqual(['wallet_summary', 'list_first_page']);
    delete (globalThis as { __MCX_START__?: unknown }).__MCX_START__;
  });

  it('forgets what was handed at start once the wallet may have changed', async () => {
    const row = { id: 'a' } as unknown as import('./index').CredentialSummary;
    (globalThis as { __MCX_START__?: unknown }).__MCX_START__ = { summary: { Ok: summary }, page: [] };
    vi.resetModules();
    const fresh = await import('./index');
    mockIPC((cmd) => {
      if (cmd === 'about') return { name: 'MicroCredX Wallet', version: '0' };
      if (cmd === 'import_text') return [{ outcome: 'imported' }];
      if (cmd === 'list_first_page') return [row];
      throw new Error(`unexpected command ${cmd}`);
    });
    expect(await fresh.walletSummary()).toEqual(summary);
    await fresh.about(); // reading changes nothing: the page is still the one handed
    await fresh.importText('{}');
    // The empty page handed at start would hide the credential just imported.
    expect(await fresh.firstPage('date')).toEqual([row]);
    delete (globalThis as { __MCX_START__?: unknown }).__MCX_START__;
  });

  it('a locked wallet handed at start is the locked error', async () => {
    (globalThis as { __MCX_START__?: unknown }).__MCX_START__ = {
      summary: { Err: { code: 'locked', message: 'the wallet is locked' } },
      page: [],
    };
    vi.resetModules();
    const fresh = await import('./index');
    const error = await fresh.walletSummary().catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('locked');
    delete (globalThis as { __MCX_START__?: unknown }).__MCX_START__;
  });
});
