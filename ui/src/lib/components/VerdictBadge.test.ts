import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '$lib/i18n';
import VerdictBadge from './VerdictBadge.svelte';

afterEach(() => setLocale('en'));

const badge = () => screen.getByTestId('verdict-badge');

describe('the verdict badge', () => {
  it('shows a genuine credential that is not in force by what lapsed, never as not valid', () => {
    render(VerdictBadge, { verdict: 'inactive', lapse: { kind: 'expired', date: '2025-05-03T00:00:00Z' } });
    expect(badge().textContent?.trim()).toBe('Expired May 3, 2025');
    expect(badge().dataset['verdict']).toBe('inactive');
    expect(badge().dataset['lapse']).toBe('expired');
    expect(badge().classList.contains('inactive')).toBe(true);
    expect(badge().classList.contains('invalid')).toBe(false);
    expect(screen.queryByTestId('forced-badge')).toBeNull();
  });

  it('names each kind of lapse, and says "not in force" when it does not know which', () => {
    const cases = [
      [{ kind: 'revoked' }, 'Revoked'],
      [{ kind: 'suspended' }, 'Suspended'],
      [{ kind: 'not-yet-valid', date: '2030-01-15T00:00:00Z' }, 'Not yet valid'],
      [{ kind: 'expired' }, 'Expired'],
      [undefined, 'Not in force'],
    ] as const;
    for (const [lapse, text] of cases) {
      const view = render(VerdictBadge, { verdict: 'inactive', lapse });
      expect(badge().textContent?.trim()).toBe(text);
      view.unmount();
    }
  });

  it('speaks German', () => {
    setLocale('de');
    const view = render(VerdictBadge, { verdict: 'inactive', lapse: { kind: 'expired', date: '2025-05-03T00:00:00Z' } });
    expect(badge().textContent?.trim()).toBe('Abgelaufen am 03.05.2025');
    view.unmount();
    render(VerdictBadge, { verdict: 'inactive', lapse: { kind: 'revoked' } });
    expect(badge().textContent?.trim()).toBe('Widerrufen');
  });

  it('marks a genuine credential whose issuer nothing confirms, keeping its verdict', () => {
    const view = render(VerdictBadge, { verdict: 'valid', unconfirmed: true });
    expect(badge().textContent?.trim()).toBe('Verified');
    expect(screen.getByTestId('unconfirmed-badge').textContent?.trim()).toBe('Issuer not confirmed');
    view.unmount();
    const inactive = render(VerdictBadge, { verdict: 'inactive', lapse: { kind: 'revoked' }, unconfirmed: true });
    expect(badge().textContent?.trim()).toBe('Revoked');
    expect(screen.getByTestId('unconfirmed-badge')).toBeTruthy();
    inactive.unmount();
    // A member's credential, or one that failed (worse news), has no such mark.
    const member = render(VerdictBadge, { verdict: 'valid' });
    expect(screen.queryByTestId('unconfirmed-badge')).toBeNull();
    member.unmount();
    render(VerdictBadge, { verdict: 'invalid', unconfirmed: true });
    expect(screen.queryByTestId('unconfirmed-badge')).toBeNull();
  });

  it('says "issuer not confirmed" in German', () => {
    setLocale('de');
    render(VerdictBadge, { verdict: 'valid', unconfirmed: true });
    expect(badge().textContent?.trim()).toBe('Geprüft');
    expect(screen.getByTestId('unconfirmed-badge').textContent?.trim()).toBe('Aussteller nicht bestätigt');
  });

  it('still shows the other verdicts as before', () => {
    const view = render(VerdictBadge, { verdict: 'invalid' });
    expect(badge().textContent?.trim()).toBe('Not valid');
    expect(badge().classList.contains('invalid')).toBe(true);
    view.unmount();
    render(VerdictBadge, { verdict: 'unverifiable', forced: true });
    expect(badge().textContent?.trim()).toBe('Not checked');
    expect(screen.getByTestId('forced-badge').textContent).toContain('imported anyway');
  });
});
