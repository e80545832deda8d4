import { mockIPC } from '$lib/api/testing';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CredentialSummary, SortKey } from '$lib/api';
import WalletScreen from '$lib/screens/WalletScreen.svelte';
import { summary } from '../../test-fixtures';
import { setLocale } from '$lib/i18n';
import { filterRows, lapseOf, verdictReason } from './credentials';
import { resetListView } from './view.svelte';

afterEach(() => resetListView());

const ROWS: CredentialSummary[] = [
  summary('a', { title: 'Data Analytics', issuer: 'Universität Beispielstadt', ects: 5 }),
  summary('b', { title: 'Machine Learning', issuer: 'Politecnico di Esempio', ects: 6, eqfLevel: 7 }),
  summary('c', { title: 'Forged Course', issuer: 'Politecnico di Esempio', ects: 30, verdict: 'invalid' }),
  summary('d', { title: 'Kept Anyway', issuer: 'Université Exemple', ects: 10, verdict: 'unverifiable', forced: true }),
  summary('e', { title: 'No Credits', issuer: 'Université Exemple', ects: null, eqfLevel: null }),
  summary('f', { title: 'Half Module', issuer: 'Universität Beispielstadt', ects: 2.5 }),
];

/** The core's listing: these rows, and `verifiedEcts` as the core would sum them for them. */
function backend(rows: readonly CredentialSummary[] = ROWS, verifiedEcts = 13.5) {
  const sorts: SortKey[] = [];
  mockIPC(async (cmd, args) => {
    if (cmd === 'list_credentials') {
      sorts.push((args as { sort: SortKey }).sort);
      return { rows, verifiedEcts };
    }
    throw { code: 'internal', message: `no mock for ${cmd}` };
  });
  return sorts;
}

function renderWallet(count = ROWS.length, onopen = vi.fn()) {
  render(WalletScreen, {
    wallet: { status: 'ready', value: { path: '/w', credentials: count, encrypted: false, holder: null } },
    openId: null,
    onimport: () => {},
    onreload: () => {},
    onopen,
  });
  return onopen;
}

const cardIds = () =>
  screen.getAllByTestId('credential-card').map((c) => c.dataset['id']);

describe('the wallet list', () => {
  it('shows the first page at once and the rest with the totals when the whole listing arrives', async () => {
    let release: () => void = () => {};
    const whole = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    mockIPC(async (cmd) => {
      calls.push(cmd);
      if (cmd === 'list_first_page') return ROWS.slice(0, 2);
      if (cmd === 'list_credentials') {
        await whole;
        return { rows: ROWS, verifiedEcts: 13.5 };
      }
      throw { code: 'internal', message: `no mock for ${cmd}` };
    });
    renderWallet();
    const list = await screen.findByTestId('credential-list');
    expect(within(list).getAllByTestId('credential-card')).toHaveLength(2);
    expect(screen.getByTestId('total-count').textContent).toBe('6');
    expect(screen.getByTestId('total-ects').textContent).toBe('…');
    release();
    await vi.waitFor(() => expect(within(list).getAllByTestId('credential-card')).toHaveLength(6));
    expect(screen.getByTestId('total-ects').textContent).toBe('13.5');
    expect(calls).toEqual(['list_first_page', 'list_credentials']);
  });

  it('renders one card per credential, with the totals', async () => {
    backend();
    renderWallet();
    const list = await screen.findByTestId('credential-list');
    expect(within(list).getAllByTestId('credential-card')).toHaveLength(6);
    expect(screen.getByTestId('total-count').textContent).toBe('6');
    // 5 + 6 + 2.5: the invalid (30) and forced (10) rows and the row without ECTS do not count.
    expect(screen.getByTestId('total-ects').textContent).toBe('13.5');

    const card = cardIds().indexOf('b');
    const b = screen.getAllByTestId('credential-card')[card]!;
    expect(b.textContent).toContain('Machine Learning');
    expect(b.textContent).toContain('Politecnico di Esempio');
    expect(b.textContent).toContain('6 ECTS');
    expect(b.textContent).toContain('EQF level 7');
    expect(b.textContent).toContain('Issued Mar 1, 2025');
    expect(b.textContent).toContain('Verified');
  });

  it('labels each card with its verification outcome', async () => {
    backend();
    renderWallet();
    await screen.findByTestId('credential-list');
    const text = (id: string) =>
      screen.getAllByTestId('credential-card').find((c) => c.dataset['id'] === id)!.textContent ?? '';
    expect(text('a')).toContain('Verified');
    expect(text('c')).toContain('Not valid');
    expect(text('c')).not.toContain('Verified');
    expect(text('d')).toContain('Not verified — imported anyway');
    expect(text('d')).toContain('Not checked');
  });

  it('marks the cards of credentials whose issuer nothing confirms, still verified', async () => {
    backend([
      summary('m', { title: 'From a member' }),
      summary('u', { title: 'Self-named issuer', issuer: 'Universität Beispielstadt', unconfirmedIssuer: true }),
    ]);
    renderWallet(2);
    const cards = await screen.findAllByTestId('credential-card');
    const [member, unconfirmed] = cards;
    expect(within(member!).queryByTestId('unconfirmed-badge')).toBeNull();
    expect(member!.dataset['unconfirmed']).toBeUndefined();
    expect(within(unconfirmed!).getByTestId('verdict-badge').textContent?.trim()).toBe('Verified');
    expect(within(unconfirmed!).getByTestId('unconfirmed-badge').textContent?.trim()).toBe('Issuer not confirmed');
    expect(unconfirmed!.dataset['unconfirmed']).toBe('true');
  });

  it('narrows the list by search text (title or institution, any case or accent)', async () => {
    const user = userEvent.setup();
    backend();
    renderWallet();
    await screen.findByTestId('credential-list');
    await user.type(screen.getByTestId('credential-search'), 'machine');
    expect(cardIds()).toEqual(['b']);
    await user.clear(screen.getByTestId('credential-search'));
    await user.type(screen.getByTestId('credential-search'), 'universite');
    expect(cardIds()).toEqual(['d', 'e']);
    expect(screen.getByTestId('shown-count').textContent).toContain('Showing 2 of 6');
    // Totals stay those of the whole wallet.
    expect(screen.getByTestId('total-count').textContent).toBe('6');
    await user.clear(screen.getByTestId('credential-search'));
    await user.type(screen.getByTestId('credential-search'), 'nothing like this');
    expect(screen.queryAllByTestId('credential-card')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    expect(cardIds()).toHaveLength(6);
  });

  it('filters by status and by institution', async () => {
    const user = userEvent.setup();
    backend();
    renderWallet();
    await screen.findByTestId('credential-list');
    await user.selectOptions(screen.getByTestId('filter-status'), 'valid');
    expect(cardIds()).toEqual(['a', 'b', 'e', 'f']);
    await user.selectOptions(screen.getByTestId('filter-status'), 'invalid');
    expect(cardIds()).toEqual(['c']);
    await user.selectOptions(screen.getByTestId('filter-status'), 'forced');
    expect(cardIds()).toEqual(['d']);
    await user.selectOptions(screen.getByTestId('filter-status'), '');
    const issuers = within(screen.getByTestId('filter-issuer'))
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(issuers).toEqual([
      'All institutions',
      'Politecnico di Esempio',
      'Universität Beispielstadt',
      'Université Exemple',
    ]);
    await user.selectOptions(screen.getByTestId('filter-issuer'), 'Politecnico di Esempio');
    expect(cardIds()).toEqual(['b', 'c']);
    await user.selectOptions(screen.getByTestId('filter-status'), 'valid');
    expect(cardIds()).toEqual(['b']);
  });

  it('keeps genuine credentials that are not in force apart from forged ones: own filter, own label', async () => {
    const user = userEvent.setup();
    const rows = [
      summary('a', { title: 'Data Analytics', ects: 5 }),
      summary('x', { title: 'Old Course', ects: 4, verdict: 'inactive', lapse: { kind: 'expired', date: '2025-05-03T00:00:00Z' } }),
      summary('r', { title: 'Withdrawn Course', ects: 3, verdict: 'inactive', lapse: { kind: 'revoked' } }),
      summary('n', { title: 'Future Course', ects: 2, verdict: 'inactive', lapse: { kind: 'not-yet-valid', date: '2030-01-15T00:00:00Z' } }),
      summary('c', { title: 'Forged Course', ects: 30, verdict: 'invalid' }),
    ];
    backend(rows, 5);
    renderWallet(rows.length);
    await screen.findByTestId('credential-list');
    const card = (id: string) => screen.getAllByTestId('credential-card').find((c) => c.dataset['id'] === id)!;
    const badge = (id: string) => within(card(id)).getByTestId('verdict-badge');
    expect(badge('x').textContent?.trim()).toBe('Expired May 3, 2025');
    expect(badge('r').textContent?.trim()).toBe('Revoked');
    expect(badge('n').textContent?.trim()).toBe('Not yet valid');
    expect(badge('x').dataset['verdict']).toBe('inactive');
    expect(badge('x').classList.contains('invalid')).toBe(false);
    expect(card('x').textContent).not.toContain('Not valid');
    expect(card('x').classList.contains('verified')).toBe(false);
    expect(card('x').querySelector('.seal')?.classList.contains('inactive')).toBe(true);
    expect(within(card('x')).queryByTestId('forced-badge')).toBeNull();
    // The total is the core's: the expired ones are not in it.
    await vi.waitFor(() => expect(screen.getByTestId('total-ects').textContent).toBe('5'));

    const option = within(screen.getByTestId('filter-status')).getByRole('option', { name: 'Expired or revoked' });
    expect((option as HTMLOptionElement).value).toBe('inactive');
    await user.selectOptions(screen.getByTestId('filter-status'), 'inactive');
    expect(cardIds()).toEqual(['x', 'r', 'n']);
    await user.selectOptions(screen.getByTestId('filter-status'), 'invalid');
    expect(cardIds()).toEqual(['c']);
    await user.selectOptions(screen.getByTestId('filter-status'), 'valid');
    expect(cardIds()).toEqual(['a']);
  });

  it('labels a row that is not in force in German', async () => {
    setLocale('de');
    try {
      const rows = [summary('x', { verdict: 'inactive', lapse: { kind: 'expired', date: '2025-05-03T00:00:00Z' } })];
      backend(rows, 0);
      renderWallet(rows.length);
      const badge = within(await screen.findByTestId('credential-list')).getByTestId('verdict-badge');
      expect(badge.textContent?.trim()).toBe('Abgelaufen am 03.05.2025');
      expect(within(screen.getByTestId('filter-status')).getByRole('option', { name: 'Abgelaufen oder widerrufen' })).toBeTruthy();
    } finally {
      setLocale('en');
    }
  });

  it('sorting asks the core for the list in the chosen order', async () => {
    const user = userEvent.setup();
    const sorts = backend();
    renderWallet();
    await screen.findByTestId('credential-list');
    expect(sorts).toEqual(['date']);
    await user.selectOptions(screen.getByTestId('sort-select'), 'ects');
    await vi.waitFor(() => expect(sorts).toEqual(['date', 'ects']));
    await user.selectOptions(screen.getByTestId('sort-select'), 'issuer');
    await vi.waitFor(() => expect(sorts).toEqual(['date', 'ects', 'issuer']));
  });

  it('opens a credential on click and on Enter; arrow keys move between cards', async () => {
    const user = userEvent.setup();
    backend();
    const onopen = renderWallet();
    await screen.findByTestId('credential-list');
    const cards = screen.getAllByTestId('credential-card');
    await user.click(cards[1]!);
    expect(onopen).toHaveBeenLastCalledWith('b');
    cards[0]!.focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement?.getAttribute('data-id')).toBe('b');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(onopen).toHaveBeenLastCalledWith('c');
    await user.keyboard('{End}');
    expect(document.activeElement?.getAttribute('data-id')).toBe('f');
  });

  it('renders only a window of 10,000 credentials, and moves the window on scroll', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      summary(`id${String(i).padStart(5, '0')}`, { title: `Module ${i}`, ects: 1 }),
    );
    backend(many, 10_000);
    renderWallet(many.length);
    const list = await screen.findByTestId('credential-list');
    const rendered = within(list).getAllByTestId('credential-card');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(40);
    expect(screen.getByTestId('total-count').textContent).toBe('10,000');
    expect(screen.getByTestId('total-ects').textContent).toBe('10,000');
    // The track is as tall as every row, so the scroll bar is honest.
    const track = list.querySelector<HTMLElement>('[role="list"]')!;
    expect(track.style.height).toBe(`${10_000 * 104}px`);
    expect(rendered[0]!.closest('[role="listitem"]')!.getAttribute('aria-setsize')).toBe('10000');

    list.scrollTop = 5_000 * 104;
    await fireEvent.scroll(list);
    const after = within(list).getAllByTestId('credential-card');
    expect(after.length).toBeLessThan(40);
    expect(after.map((c) => c.textContent)).toEqual(
      expect.arrayContaining([expect.stringContaining('Module 5000')]),
    );
    expect(after.some((c) => c.textContent?.includes('Module 0 '))).toBe(false);
  });
});

describe('list helpers', () => {
  it('filter keeps the core order', () => {
    expect(filterRows(ROWS, { query: 'e', status: '', issuer: '' }).map((r) => r.id)).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'],
    );
  });

  it('the reason of a verdict is the step that decided it', () => {
    const steps = [
      { step: 'format', status: 'pass', message: 'ok' },
      { step: 'proof', status: 'skip', message: 'no key offline' },
      { step: 'status', status: 'skip', message: 'no list' },
    ] as const;
    expect(verdictReason('unverifiable', [...steps])).toBe('no key offline');
    expect(verdictReason('invalid', [{ step: 'proof', status: 'fail', message: 'signature does not match' }])).toBe(
      'signature does not match',
    );
    expect(verdictReason('valid', [...steps])).toBeNull();
  });

  it('an inactive credential is matched by its own filter only, and its reason is the lapse', () => {
    const expired = summary('x', { verdict: 'inactive', lapse: { kind: 'expired', date: '2025-05-03T00:00:00Z' } });
    const rows = [...ROWS, expired];
    const by = (status: 'inactive' | 'invalid' | 'valid' | 'unverifiable' | 'forced') =>
      filterRows(rows, { query: '', status, issuer: '' }).map((r) => r.id);
    expect(by('inactive')).toEqual(['x']);
    for (const other of ['invalid', 'valid', 'unverifiable', 'forced'] as const) expect(by(other)).not.toContain('x');
    const steps = [
      { step: 'proof', status: 'pass', message: 'ok' },
      { step: 'dates', status: 'fail', message: 'Expired on 3 May 2025.', lapse: { kind: 'expired', date: '2025-05-03T00:00:00Z' } },
    ] as const;
    expect(verdictReason('inactive', [...steps])).toBe('Expired on 3 May 2025.');
    expect(lapseOf([...steps])).toEqual({ kind: 'expired', date: '2025-05-03T00:00:00Z' });
    // A forgery that has also expired is invalid for the forgery, not the date.
    expect(
      verdictReason('invalid', [steps[1], { step: 'proof', status: 'fail', message: 'signature does not match' }]),
    ).toBe('signature does not match');
  });
});
