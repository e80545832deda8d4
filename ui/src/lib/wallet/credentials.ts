// Pure helpers over what the core returns: which rows count as verified, the
// search and filters of the wallet list, and the reason behind a verdict. No I/O here.

import type { CredentialSummary, Step, Verdict } from '$lib/api';

/** The filter values of the status filter: a verdict, or "imported although it did not verify". */
export const STATUS_FILTERS = ['valid', 'invalid', 'unverifiable', 'forced'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** Verified means: the latest check passed, and the learner did not force it in. */
export function isVerified(row: { verdict: Verdict; forced: boolean }): boolean {
  return row.verdict === 'valid' && !row.forced;
}

export function matchesStatus(row: CredentialSummary, status: StatusFilter | ''): boolean {
  switch (status) {
    case '':
      return true;
    case 'valid':
      return isVerified(row);
    case 'forced':
      return row.forced;
    default:
      return row.verdict === status;
  }
}

/** The institution a row is filed under (its issuer's name, else its id). */
export function issuerOf(row: CredentialSummary): string {
  return row.issuer ?? row.issuerId ?? '';
}

/** Case- and accent-insensitive text for searching. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

export interface ListFilter {
  query: string;
  status: StatusFilter | '';
  issuer: string;
}

/** The rows that match the search text (title or issuer) and both filters, in their order. */
export function filterRows(rows: readonly CredentialSummary[], filter: ListFilter): CredentialSummary[] {
  const words = fold(filter.query).split(/\s+/).filter(Boolean);
  return rows.filter((row) => {
    if (!matchesStatus(row, filter.status)) return false;
    if (filter.issuer && issuerOf(row) !== filter.issuer) return false;
    if (words.length === 0) return true;
    const haystack = fold(`${row.title ?? ''} ${issuerOf(row)}`);
    return words.every((w) => haystack.includes(w));
  });
}

/** The institutions present, sorted, for the institution filter. */
export function institutions(rows: readonly CredentialSummary[]): string[] {
  const names = new Set<string>();
  for (const row of rows) {
    const name = issuerOf(row);
    if (name) names.add(name);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/**
 * Why a credential is not verified, from its steps: the first failed step for "invalid", the
 * first skipped signature or issuer step for "unverifiable" (the rule the core applies).
 */
export function verdictReason(verdict: Verdict, steps: readonly Step[]): string | null {
  if (verdict === 'invalid') return steps.find((s) => s.status === 'fail')?.message ?? null;
  if (verdict === 'unverifiable') {
    return (
      steps.find((s) => s.status === 'skip' && (s.step === 'proof' || s.step === 'issuer-identity'))
        ?.message ?? null
    );
  }
  return null;
}
