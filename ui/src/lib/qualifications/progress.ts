// Drawing helpers for the audit. The numbers themselves come from the Rust core: nothing here
// counts ECTS credits, it only turns "counted of needed" into how full a bar or ring is.

import type { CandidateAudit, Status } from '$lib/api';
import type { IconName } from '$lib/components/Icon.svelte';

/** How full a bar should be, between 0 and 1 (full when nothing is needed). */
export function fillOf(counted: number, needed: number): number {
  if (!(needed > 0)) return 1;
  return Math.min(1, Math.max(0, counted / needed));
}

/** The icon that goes with a requirement's status, next to its word. */
export const STATUS_ICONS: Readonly<Record<Status, IconName>> = {
  met: 'check-circle',
  partlyMet: 'circle-half',
  unmet: 'circle',
};

/** The candidates that do not count toward the qualification at all. */
export function notCounted(candidates: readonly CandidateAudit[]): CandidateAudit[] {
  return candidates.filter((c) => !c.counted);
}
