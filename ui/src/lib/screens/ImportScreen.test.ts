import { mockIPC } from '$lib/api/testing';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '$lib/api';
import ImportScreen from './ImportScreen.svelte';

const REPORTS: ImportReport[] = [
  { source: '/home/ana/creds/a.json', outcome: { outcome: 'imported', id: 'a1', title: 'Data Analytics', verdict: 'valid', unconfirmedIssuer: false } },
  { source: '/home/ana/creds/b.json', outcome: { outcome: 'duplicate', id: 'a1', reason: 'same file' } },
  { source: '/home/ana/creds/c.json', outcome: { outcome: 'rejected', reason: 'The signature does not match.' } },
  { source: '/home/ana/creds/d.json', outcome: { outcome: 'imported', id: 'd1', title: null, verdict: 'unverifiable', unconfirmedIssuer: false } },
];

function backend(reports: ImportReport[] = REPORTS, chosen: string[] = []) {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC(async (cmd, args) => {
    calls.push({ cmd, args });
    if (cmd === 'import_paths' || cmd === 'import_text') return reports;
    if (cmd === 'choose_paths') return chosen;
    throw { code: 'internal', message: `no mock for ${cmd}` };
  });
  return calls;
}

describe('the import screen', () => {
  it('imports files and folders by path, one per line, and shows one result per item', async () => {
    const user = userEvent.setup();
    const calls = backend();
    const onimported = vi.fn();
    const onopen = vi.fn();
    render(ImportScreen, { onimported, onopen });
    expect(screen.getByText('Files or folders on this computer')).toBeTruthy();
    await user.type(screen.getByTestId('import-paths'), '  /home/ana/creds  \n\n/home/ana/x.json{Enter}');
    await user.click(screen.getByTestId('import-force'));
    await user.click(screen.getByTestId('import-paths-submit'));

    const results = await screen.findAllByTestId('import-result');
    expect(results.map((r) => r.dataset['outcome'])).toEqual(['imported', 'duplicate', 'rejected', 'imported']);
    expect(calls.find((c) => c.cmd === 'import_paths')?.args).toEqual({
      paths: ['/home/ana/creds', '/home/ana/x.json'],
      force: true,
    });
    expect(results[0]!.textContent).toContain('Data Analytics');
    expect(results[0]!.textContent).toContain('Verified');
    expect(results[1]!.textContent).toContain('Already in your wallet');
    expect(results[1]!.textContent).toContain('This exact file is already stored.');
    expect(results[2]!.textContent).toContain('Rejected');
    expect(results[2]!.textContent).toContain('The signature does not match.');
    expect(results[3]!.textContent).toContain('Not verified — imported anyway');
    expect(screen.getByTestId('import-summary').textContent).toContain(
      '2 imported · 1 already in your wallet · 1 rejected',
    );
    expect(onimported).toHaveBeenCalledOnce();
    await user.click(screen.getAllByRole('button', { name: 'Open' })[0]!);
    expect(onopen).toHaveBeenCalledWith('a1');
  });

  it('a genuine credential whose issuer no registry names says so at once', async () => {
    const user = userEvent.setup();
    backend([{ source: '/home/ana/evil.json', outcome: { outcome: 'imported', id: 'e1', title: 'Data Science', verdict: 'valid', unconfirmedIssuer: true } }]);
    render(ImportScreen, { onimported: vi.fn(), onopen: vi.fn() });
    await user.type(screen.getByTestId('import-paths'), '/home/ana/evil.json');
    await user.click(screen.getByTestId('import-paths-submit'));
    const [result] = await screen.findAllByTestId('import-result');
    expect(result!.querySelector('[data-testid="unconfirmed-badge"]')?.textContent).toContain('Issuer not confirmed');
    expect(screen.queryAllByTestId('unconfirmed-badge')).toHaveLength(1);
  });

  it('an expired genuine credential is imported as what it is, not as forced in', async () => {
    const user = userEvent.setup();
    backend([{ source: '/home/ana/old.json', outcome: { outcome: 'imported', id: 'x1', title: 'Old Course', verdict: 'inactive', unconfirmedIssuer: false } }]);
    render(ImportScreen, {});
    await user.type(screen.getByTestId('import-paths'), '/home/ana/old.json');
    await user.click(screen.getByTestId('import-paths-submit'));
    const [result] = await screen.findAllByTestId('import-result');
    expect(result!.dataset['outcome']).toBe('imported');
    expect(result!.textContent).toContain('Not in force');
    expect(result!.textContent).not.toContain('imported anyway');
    expect(screen.queryByTestId('forced-badge')).toBeNull();
  });

  it('imports what the learner picks in the file dialog, and nothing when it is cancelled', async () => {
    const user = userEvent.setup();
    let calls = backend(REPORTS, ['/home/ana/Downloads/a.json', '/home/ana/Downloads/b.jwt']);
    render(ImportScreen, {});
    await user.click(screen.getByRole('button', { name: 'Choose files…' }));
    expect(await screen.findAllByTestId('import-result')).toHaveLength(4);
    const commands = () => calls.filter((c) => !c.cmd.startsWith('plugin:event'));
    expect(commands()).toEqual([
      { cmd: 'choose_paths', args: { pick: { kind: 'credentialFiles', title: 'Choose credentials to import', filter: 'Credentials (JSON, JWT, badge images)' } } },
      { cmd: 'import_paths', args: { paths: ['/home/ana/Downloads/a.json', '/home/ana/Downloads/b.jwt'], force: false } },
    ]);

    calls = backend(REPORTS, []);
    await user.click(screen.getByRole('button', { name: 'Choose a folder…' }));
    expect(commands()).toEqual([
      { cmd: 'choose_paths', args: { pick: { kind: 'folder', title: 'Choose a folder of credentials' } } },
    ]);
  });

  it('imports pasted text, without force unless asked', async () => {
    const user = userEvent.setup();
    const calls = backend([REPORTS[2]!]);
    const onimported = vi.fn();
    render(ImportScreen, { onimported });
    const submit = screen.getByTestId('import-text-submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await user.click(screen.getByTestId('import-text'));
    await user.paste('eyJhbGciOiJFZERTQSJ9.e30.sig');
    await user.click(submit);
    const results = await screen.findAllByTestId('import-result');
    expect(results).toHaveLength(1);
    expect(results[0]!.dataset['outcome']).toBe('rejected');
    expect(calls.find((c) => c.cmd === 'import_text')?.args).toEqual({
      text: 'eyJhbGciOiJFZERTQSJ9.e30.sig',
      force: false,
    });
    expect(onimported).not.toHaveBeenCalled();
  });

  it('says so when nothing was found', async () => {
    const user = userEvent.setup();
    backend([]);
    render(ImportScreen);
    await user.type(screen.getByTestId('import-paths'), '/empty');
    await user.click(screen.getByTestId('import-paths-submit'));
    expect((await screen.findByTestId('import-results')).textContent).toContain('No credential was found there.');
  });

  it('shows the error of a failed import', async () => {
    const user = userEvent.setup();
    mockIPC(async () => {
      throw { code: 'io', message: 'disk full' };
    });
    render(ImportScreen);
    await user.type(screen.getByTestId('import-paths'), '/x');
    await user.click(screen.getByTestId('import-paths-submit'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('disk full');
  });
});
