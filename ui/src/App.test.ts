import { mockIPC } from '$lib/api/testing';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { WalletSummary } from '$lib/api';
import { setLocale } from '$lib/i18n';
import { summary as summarise } from './test-fixtures';

const WALLET_DIR = '/home/ana/.local/share/microcredx-wallet';
const HOLDER_KEYS = {
  ed25519Did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  p256Did: 'did:jwk:eyJrdHkiOiJFQyIsImNydiI6IlAtMjU2IiwieCI6IngiLCJ5IjoieSJ9',
  p256Jwk: '{"kty":"EC","crv":"P-256","x":"x","y":"y"}',
};

function walletWith(credentials: number, extra: Partial<WalletSummary> = {}): WalletSummary {
  return { path: WALLET_DIR, credentials, encrypted: false, holder: null, ...extra };
}

/** Answer `about`, `wallet_summary`, `list_first_page` and `list_credentials` like the Rust side would. */
function backend(summary: () => WalletSummary | Promise<WalletSummary>) {
  mockIPC(async (cmd) => {
    if (cmd === 'about') return { name: 'MicroCredX Wallet', version: '0.1.0' };
    if (cmd === 'wallet_summary') return summary();
    if (cmd === 'holder_keys') return HOLDER_KEYS;
    if (cmd === 'list_credentials' || cmd === 'list_first_page') {
      const { credentials } = await summary();
      const rows = Array.from({ length: credentials }, (_, i) => summarise(`c${i}`));
      return cmd === 'list_first_page' ? rows.slice(0, 50) : { rows, verifiedEcts: 0 };
    }
    throw { code: 'internal', message: `no mock for ${cmd}` };
  });
}

afterEach(() => setLocale('en'));

describe('the app shell', () => {
  it('shows the empty state with its two actions when the wallet holds nothing', async () => {
    backend(() => walletWith(0));
    render(App);

    const empty = await screen.findByTestId('empty-wallet');
    const importButton = within(empty).getByRole('button', { name: 'Import credentials' });
    expect((importButton as HTMLButtonElement).disabled).toBe(false);
    const demo = within(empty).getByRole('button', { name: 'Load the demo wallet' });
    expect((demo as HTMLButtonElement).disabled).toBe(false);
    expect(empty.textContent).toContain('A fictional network of seven European universities');
    expect(screen.queryByTestId('total-count')).toBeNull();

    expect((await screen.findByTestId('wallet-path')).textContent).toBe(WALLET_DIR);
    expect((await screen.findByTestId('app-version')).textContent).toBe('0.1.0');
    expect(screen.getByRole('banner').textContent).toContain('MicroCredX Wallet');
  });

  it('loads the demo wallet and then shows its credentials', async () => {
    let loaded = false;
    mockIPC(async (cmd) => {
      if (cmd === 'about') return { name: 'MicroCredX Wallet', version: '0.1.0' };
      if (cmd === 'wallet_summary') return walletWith(loaded ? 2 : 0);
      if (cmd === 'list_first_page') return loaded ? [summarise('a'), summarise('b')] : [];
      if (cmd === 'list_credentials') return { rows: loaded ? [summarise('a'), summarise('b')] : [], verifiedEcts: 0 };
      if (cmd === 'load_demo_wallet') {
        loaded = true;
        return { credentials: 2, qualifications: 4, statusLists: 2, dids: 8, registry: true };
      }
      throw { code: 'internal', message: `no mock for ${cmd}` };
    });
    render(App);
    const demo = await screen.findByTestId('load-demo');
    await userEvent.click(demo);
    expect((await screen.findByTestId('total-count')).textContent).toBe('2');
    expect(screen.queryByTestId('empty-wallet')).toBeNull();
  });

  it('shows the count, and no empty state, when the wallet holds credentials', async () => {
    backend(() => walletWith(3));
    render(App);

    const count = await screen.findByTestId('total-count');
    expect(count.textContent).toBe('3');
    expect(screen.getByTestId('screen-wallet').textContent).toContain('credentials in your wallet');
    expect(screen.queryByTestId('empty-wallet')).toBeNull();
  });

  it('uses the singular for one credential', async () => {
    backend(() => walletWith(1));
    render(App);
    await screen.findByTestId('total-count');
    expect(screen.getByTestId('screen-wallet').textContent).toContain('1 credential in your wallet');
  });

  it('switches screens from the navigation and marks the current one', async () => {
    const user = userEvent.setup();
    backend(() => walletWith(0));
    render(App);
    await screen.findByTestId('empty-wallet');

    const nav = screen.getByRole('navigation', { name: 'Sections' });
    expect(within(nav).getAllByRole('button')).toHaveLength(5);

    for (const name of ['import', 'qualifications', 'share', 'settings', 'wallet']) {
      await user.click(screen.getByTestId(`nav-${name}`));
      expect(screen.getByTestId(`screen-${name}`)).toBeTruthy();
      expect(screen.getByTestId(`nav-${name}`).getAttribute('aria-current')).toBe('page');
      const others = screen
        .getAllByRole('button')
        .filter((b) => b.dataset['testid']?.startsWith('nav-') && b.dataset['testid'] !== `nav-${name}`);
      expect(others).toHaveLength(4);
      for (const other of others) expect(other.hasAttribute('aria-current')).toBe(false);
      // Only one screen at a time.
      expect(document.querySelectorAll('[data-testid^="screen-"]')).toHaveLength(1);
    }
  });

  it('is usable from the keyboard: Tab to a section, Enter or Space opens it', async () => {
    const user = userEvent.setup();
    backend(() => walletWith(0));
    render(App);
    await screen.findByTestId('empty-wallet');

    await user.tab(); // skip link
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('nav-wallet'));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('nav-import'));
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('screen-import')).toBeTruthy();
    await user.tab();
    await user.keyboard(' ');
    expect(screen.getByTestId('screen-qualifications')).toBeTruthy();
    expect(screen.getByTestId('nav-qualifications').getAttribute('aria-current')).toBe('page');
  });

  it('"Import credentials" in the empty state opens the Import screen', async () => {
    const user = userEvent.setup();
    backend(() => walletWith(0));
    render(App);
    await user.click(await screen.findByRole('button', { name: 'Import credentials' }));
    expect(screen.getByTestId('screen-import')).toBeTruthy();
    expect(screen.getByTestId('nav-import').getAttribute('aria-current')).toBe('page');
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
  });

  it('shows the wallet location in Settings', async () => {
    const user = userEvent.setup();
    backend(() => walletWith(2, { encrypted: true }));
    render(App);
    await screen.findByTestId('total-count');
    await user.click(screen.getByTestId('nav-settings'));
    expect(screen.getByTestId('settings-wallet-path').textContent).toBe(WALLET_DIR);
    expect(screen.getByTestId('screen-settings').textContent).toContain('Encrypted with your passphrase');
    expect(screen.getByTestId('settings-version').textContent).toBe('0.1.0');
    // Both holder keys, each copyable.
    expect(((await screen.findByTestId('holder-key-ed25519-text')) as HTMLTextAreaElement).value).toBe(HOLDER_KEYS.ed25519Did);
    expect((screen.getByTestId('holder-key-p256-text') as HTMLTextAreaElement).value).toBe(HOLDER_KEYS.p256Did);
    expect((screen.getByTestId('holder-key-jwk-text') as HTMLTextAreaElement).value).toBe(HOLDER_KEYS.p256Jwk);
    expect(screen.getByTestId('holder-key-p256').textContent).toContain('For SD-JWT VC');
    expect(screen.getByTestId('holder-key-p256-copy')).toBeTruthy();
  });

  it('switching the language in Settings changes the visible text and <html lang>', async () => {
    const user = userEvent.setup();
    backend(() => walletWith(0));
    render(App);
    await screen.findByTestId('empty-wallet');
    await user.click(screen.getByTestId('nav-settings'));

    await user.click(screen.getByTestId('language-de'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Einstellungen');
    expect(screen.getByTestId('nav-import').textContent?.trim()).toBe('Importieren');
    expect(screen.getByRole('navigation', { name: 'Bereiche' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('de');
    expect(localStorage.getItem('mcx.locale')).toBe('de');

    await user.click(screen.getByTestId('nav-wallet'));
    const empty = screen.getByTestId('empty-wallet');
    expect(within(empty).getByRole('button', { name: 'Nachweise importieren' })).toBeTruthy();
    expect(empty.textContent).not.toContain('Import credentials');

    await user.click(screen.getByTestId('nav-settings'));
    await user.click(screen.getByTestId('language-en'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Settings');
    expect(document.documentElement.lang).toBe('en');
  });

  it('switches and remembers the theme', async () => {
    const user = userEvent.setup();
    backend(() => walletWith(0));
    render(App);
    await user.click(screen.getByTestId('nav-settings'));
    await user.click(screen.getByTestId('theme-dark'));
    expect(document.documentElement.dataset['theme']).toBe('dark');
    expect(localStorage.getItem('mcx.theme')).toBe('dark');
    await user.click(screen.getByTestId('theme-light'));
    expect(document.documentElement.dataset['theme']).toBe('light');
    expect((screen.getByTestId('theme-light') as HTMLInputElement).checked).toBe(true);
  });

  it('shows the message chosen by the error code, with Rust’s message as detail, and retries', async () => {
    const user = userEvent.setup();
    let attempts = 0;
    mockIPC(async (cmd) => {
      if (cmd === 'about') return { name: 'MicroCredX Wallet', version: '0.1.0' };
      attempts += 1;
      if (attempts === 1) {
        throw { code: 'wallet_in_use', message: 'wallet /w is locked by process 4242' };
      }
      return walletWith(0);
    });
    render(App);

    const notice = await screen.findByRole('alert');
    expect(notice.dataset['code']).toBe('wallet_in_use');
    expect(notice.textContent).toContain('Another program is using this wallet right now.');
    expect(notice.textContent).toContain('wallet /w is locked by process 4242');
    expect(notice.textContent).not.toContain('{');
    expect(screen.queryByTestId('wallet-path')).toBeNull();

    await user.click(within(notice).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('empty-wallet')).toBeTruthy();
    expect(screen.getByTestId('wallet-path').textContent).toBe(WALLET_DIR);
  });

  it('asks for the passphrase when the wallet is locked, then opens it', async () => {
    const user = userEvent.setup();
    let unlocked = false;
    const passphrases: unknown[] = [];
    mockIPC(async (cmd, args) => {
      if (cmd === 'about') return { name: 'MicroCredX Wallet', version: '0.1.0' };
      if (cmd === 'unlock_wallet') {
        passphrases.push(args);
        if ((args as { passphrase: string }).passphrase !== 'right') {
          throw { code: 'wrong_passphrase', message: 'the passphrase does not open this wallet' };
        }
        unlocked = true;
        return null;
      }
      if (!unlocked) throw { code: 'locked', message: 'the wallet is encrypted' };
      if (cmd === 'list_first_page') return ['a', 'b', 'c', 'd'].map((id) => summarise(id));
      if (cmd === 'list_credentials') return { rows: ['a', 'b', 'c', 'd'].map((id) => summarise(id)), verifiedEcts: 0 };
      return walletWith(4, { encrypted: true });
    });
    render(App);

    const form = await screen.findByTestId('unlock-form');
    const field = within(form).getByLabelText('Passphrase');
    await user.type(field, 'wrong');
    await user.click(within(form).getByRole('button', { name: 'Unlock' }));
    expect((await within(form).findByRole('alert')).textContent).toContain(
      'That passphrase is not correct.',
    );

    await user.clear(field);
    await user.type(field, 'right{Enter}');
    expect((await screen.findByTestId('total-count')).textContent).toBe('4');
    expect(passphrases).toEqual([{ passphrase: 'wrong' }, { passphrase: 'right' }]);
  });
});
