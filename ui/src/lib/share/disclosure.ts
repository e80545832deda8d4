// The learner's choice of SD-JWT VC claims to show, kept consistent with what a presentation
// can disclose. The core (`portfolio::sdjwt::present`) discloses a chosen claim together with
// the objects around it and everything inside it; so here, showing a claim shows the claims
// around it and inside it, hiding one hides those inside it, and a claim around others is
// shown only while one of them is. What the list says the employer sees is then exactly what
// the presentation discloses. Claims the issuer signed in the clear (`canWithhold: false`) are
// always shown and are never part of the choice.

import type { SdClaim } from '$lib/api';

/** Whether the claim at `path` lies inside the claim at `around` (at any depth). */
export function isInside(path: string, around: string): boolean {
  return path.startsWith(`${around}.`);
}

function withholdable(claims: readonly SdClaim[]): string[] {
  return claims.filter((c) => c.canWithhold).map((c) => c.path);
}

/** At first every claim is shown; the learner hides what the employer need not see. */
export function initialChoice(claims: readonly SdClaim[]): Set<string> {
  return new Set(withholdable(claims));
}

/** Show (`on`) or hide the claim at `path`; returns the new set of shown claims. */
export function choose(claims: readonly SdClaim[], shown: ReadonlySet<string>, path: string, on: boolean): Set<string> {
  const paths = withholdable(claims);
  if (!paths.includes(path)) return new Set(shown);
  const next = new Set(shown);
  if (on) {
    next.add(path);
    for (const p of paths) if (isInside(path, p) || isInside(p, path)) next.add(p);
  } else {
    next.delete(path);
    for (const p of paths) if (isInside(p, path)) next.delete(p);
  }
  // A claim around others, with none of them shown, cannot be shown alone: choosing it would
  // bring all of them.
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of [...next]) {
      const inner = paths.filter((q) => isInside(q, p));
      if (inner.length > 0 && !inner.some((q) => next.has(q))) {
        next.delete(p);
        changed = true;
      }
    }
  }
  return next;
}

/**
 * The claim paths to send to `present_selective`: each shown claim whose inner claims are all
 * shown too. (A shown claim with a hidden one inside is brought along by the shown ones inside
 * it; sending it would bring the hidden one as well.)
 */
export function disclosure(claims: readonly SdClaim[], shown: ReadonlySet<string>): string[] {
  const paths = withholdable(claims);
  return paths.filter((p) => shown.has(p) && paths.every((q) => !isInside(q, p) || shown.has(q)));
}

/** What the employer will see and what stays with the learner, in the list's order. */
export function split(
  claims: readonly SdClaim[],
  shown: ReadonlySet<string>,
): { seen: SdClaim[]; hidden: SdClaim[] } {
  return {
    seen: claims.filter((c) => !c.canWithhold || shown.has(c.path)),
    hidden: claims.filter((c) => c.canWithhold && !shown.has(c.path)),
  };
}

/** A random code (nonce) for a presentation when the verifier gave none: 128 bits, hex. */
export function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
