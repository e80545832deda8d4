import { describe, expect, it } from 'vitest';
import type { SdClaim } from '$lib/api';
import { choose, disclosure, initialChoice, isInside, randomCode, split } from './disclosure';

const c = (path: string, canWithhold = true): SdClaim => ({ path, value: path, canWithhold, never: false, labels: {} });
const CLAIMS = [
  c('ects_credits'),
  c('learner'),
  c('learner.given_name'),
  c('learner.family_name'),
  c('learner.address'),
  c('learner.address.city'),
  c('title', false),
];

describe('the choice of SD-JWT VC claims', () => {
  it('starts with every claim shown and sends the whole list', () => {
    const shown = initialChoice(CLAIMS);
    expect([...shown]).not.toContain('title');
    expect(disclosure(CLAIMS, shown)).toEqual(CLAIMS.filter((x) => x.canWithhold).map((x) => x.path));
    expect(split(CLAIMS, shown).hidden).toEqual([]);
  });

  it('hiding an object hides what is inside it; showing a claim inside shows the objects around it', () => {
    let shown = choose(CLAIMS, initialChoice(CLAIMS), 'learner', false);
    expect([...shown]).toEqual(['ects_credits']);
    shown = choose(CLAIMS, shown, 'learner.address.city', true);
    expect([...shown].sort()).toEqual(['ects_credits', 'learner', 'learner.address', 'learner.address.city']);
    expect(disclosure(CLAIMS, shown)).toEqual(['ects_credits', 'learner.address', 'learner.address.city']);
    expect(split(CLAIMS, shown).hidden.map((x) => x.path)).toEqual(['learner.given_name', 'learner.family_name']);
  });

  it('showing an object shows everything inside it, as the presentation would', () => {
    const none = choose(CLAIMS, initialChoice(CLAIMS), 'learner', false);
    const shown = choose(CLAIMS, none, 'learner', true);
    expect(disclosure(CLAIMS, shown)).toEqual(disclosure(CLAIMS, initialChoice(CLAIMS)));
  });

  it('an object with nothing inside it shown is hidden too: it cannot be shown alone', () => {
    let shown = choose(CLAIMS, initialChoice(CLAIMS), 'learner.given_name', false);
    shown = choose(CLAIMS, shown, 'learner.family_name', false);
    expect(shown.has('learner')).toBe(true);
    shown = choose(CLAIMS, shown, 'learner.address', false);
    expect(shown.has('learner')).toBe(false);
    expect(disclosure(CLAIMS, shown)).toEqual(['ects_credits']);
  });

  it('never offers a claim signed in the clear, and never sends one', () => {
    const shown = choose(CLAIMS, initialChoice(CLAIMS), 'title', false);
    expect(split(CLAIMS, shown).seen.map((x) => x.path)).toContain('title');
    expect(disclosure(CLAIMS, shown)).not.toContain('title');
  });

  it('tells a claim inside another from one that only starts alike', () => {
    expect(isInside('learner.given_name', 'learner')).toBe(true);
    expect(isInside('learners', 'learner')).toBe(false);
    expect(isInside('learner', 'learner')).toBe(false);
  });

  it('makes a fresh random code each time', () => {
    const a = randomCode();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(randomCode()).not.toBe(a);
  });
});
