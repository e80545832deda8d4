// Pure helpers over what the core returns: which rows count as verified, the
// search and filters of the wallet list, the reason behind a verdict, the words for a
// genuine credential that is not in force, for who its issuer is and for who presented it.
// No I/O here.

import type { CredentialSummary, HolderBinding, IssuerStanding, Lapse, Step, Verdict } from '$lib/api';
import { formatDate, t } from '$lib/i18n';

/**
 * The filter values of the status filter: a verdict, or "imported although it did not
 * verify". `inactive` (genuine, but expired, not yet valid, revoked or suspended) is its own
 * filter, kept apart from `invalid`.
 */
export const STATUS_FILTERS = ['valid', 'inactive', 'invalid', 'unverifiable', 'forced'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** Verified means: the latest check passed, and the learner did not force it in. */
export function isVerified(row: { verdict: Verdict; forced: boolean }): boolean {
  return row.verdict === 'valid' && !row.forced;
}

/**
 * Genuine but not in force: every signature and issuer check passed, yet it has expired, is
 * not yet valid, or its issuer revoked or suspended it. Never verified, never counted; it
 * may be shared, and is shown as what it is.
 */
export function isInactive(row: { verdict: Verdict; forced: boolean }): boolean {
  return row.verdict === 'inactive' && !row.forced;
}

/** Whether a credential with this verdict could only be kept by forcing it in. */
export function needsForce(verdict: Verdict): boolean {
  return verdict === 'invalid' || verdict === 'unverifiable';
}

/** What lapsed, from the steps: the first step that records it (the core's `lapse_of`). */
export function lapseOf(steps: readonly Step[]): Lapse | undefined {
  return steps.find((s) => s.lapse)?.lapse;
}

/** The headline for a lapse: "Expired on 3 May 2025", "Revoked by its issuer", … */
export function lapseHeadline(lapse: Lapse | undefined): string {
  const date = lapse?.date ? formatDate(lapse.date) : null;
  switch (lapse?.kind) {
    case 'expired':
      return date ? t('lapse.expired', { date }) : t('lapse.expiredUndated');
    case 'not-yet-valid':
      return date ? t('lapse.notYetValid', { date }) : t('lapse.notYetValidUndated');
    case 'revoked':
      return t('lapse.revoked');
    case 'suspended':
      return t('lapse.suspended');
    default:
      return t('lapse.unknown');
  }
}

/** The short label of a lapse, for a list row or a badge: "Expired 3 May 2025", "Revoked", … */
export function lapseShort(lapse: Lapse | undefined): string {
  const date = lapse?.date ? formatDate(lapse.date) : null;
  switch (lapse?.kind) {
    case 'expired':
      return date ? t('lapse.short.expired', { date }) : t('lapse.expiredUndated');
    case 'not-yet-valid':
      return t('lapse.notYetValidUndated');
    case 'revoked':
      return t('lapse.short.revoked');
    case 'suspended':
      return t('lapse.short.suspended');
    default:
      return t('verdict.inactive');
  }
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
 * Why a credential is not verified, from its steps: the first failed step that is not a lapse
 * for "invalid", the first skipped signature or issuer step for "unverifiable", the step that
 * records the lapse for "inactive" (the rule the core applies).
 */
export function verdictReason(verdict: Verdict, steps: readonly Step[]): string | null {
  if (verdict === 'invalid') {
    return (steps.find((s) => s.status === 'fail' && !s.lapse) ?? steps.find((s) => s.status === 'fail'))?.message ?? null;
  }
  if (verdict === 'inactive') return steps.find((s) => s.lapse)?.message ?? null;
  if (verdict === 'unverifiable') {
    return (
      steps.find((s) => s.status === 'skip' && (s.step === 'proof' || s.step === 'issuer-identity'))
        ?.message ?? null
    );
  }
  return null;
}

/**
 * Whether to mark a credential "issuer not confirmed": genuine (verified, or genuine but not
 * in force), yet nothing confirms who its issuer is. A failed or unchecked one has worse news.
 */
export function showsUnconfirmed(verdict: Verdict, unconfirmed: boolean | undefined): boolean {
  return unconfirmed === true && (verdict === 'valid' || verdict === 'inactive');
}

/**
 * Who the issuer is, in the current language, from the core's fields (its `text` is English
 * for the CLI and the PDF): a member of the network, or a name nothing confirms. The names are
 * credential or registry text, filled in as text.
 */
export function standingSentence(standing: IssuerStanding): string {
  const { id, name, network } = standing;
  if (standing.kind === 'member') {
    return network ? t('standing.member', { network }) : t('standing.memberNoNetwork');
  }
  if (name) {
    return network
      ? t('standing.unconfirmed', { name, id, network })
      : t('standing.unconfirmedNoRegistry', { name, id });
  }
  return network ? t('standing.unconfirmedNoName', { id, network }) : t('standing.unconfirmedNoNameNoRegistry', { id });
}

/** Whether the key that signed a presentation is the learner's, in the current language. */
export function bindingSentence(binding: HolderBinding): string {
  const { presenter, subject, subjectName } = binding;
  switch (binding.kind) {
    case 'subject':
      return subjectName ? t('binding.subject', { name: subjectName, presenter }) : t('binding.subjectNoName', { presenter });
    case 'someone-else':
      return t('binding.someoneElse', { who: subjectName ?? subject ?? t('binding.anotherLearner'), presenter });
    default:
      return subjectName ? t('binding.noSubject', { name: subjectName, presenter }) : t('binding.noSubjectNoName', { presenter });
  }
}
