// The chosen language as reactive state, and `t()` to read the catalogue in it. Any template
// that calls `t()` re-renders when the language changes, because `t()` reads `current`.

import { de } from './de';
import { en, type Catalogue, type MessageKey } from './en';

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de };

const STORAGE_KEY = 'mcx.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The saved choice, else the first of the system's languages we have, else English. */
export function detectLocale(
  saved: string | null = readSaved(),
  preferred: readonly string[] = systemLanguages(),
): Locale {
  if (isLocale(saved)) return saved;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

function readSaved(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

const initial = detectLocale();
let current = $state<Locale>(initial);
applyToDocument(initial);

function applyToDocument(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function getLocale(): Locale {
  return current;
}

/** Switch the language of every screen, remember it, and set `<html lang>`. */
export function setLocale(locale: Locale): void {
  current = locale;
  applyToDocument(locale);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage can be unavailable; the choice then lasts for this session only.
  }
}

/** The names of the `{placeholders}` in a message. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;

type Params<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never]
  ? []
  : [params: Record<Placeholders<(typeof en)[K]>, string | number>];

function fill(template: string, params: Readonly<Record<string, string | number>> | undefined) {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The keys whose message has no placeholders: these can be chosen at run time. */
export type PlainKey = {
  [K in MessageKey]: [Placeholders<(typeof en)[K]>] extends [never] ? K : never;
}[MessageKey];

/** The message `key` in the current language, with its `{placeholders}` filled in. */
export function t<K extends MessageKey>(key: K, ...params: Params<K>): string {
  return fill(CATALOGUES[current][key], params[0]);
}

/** The bases `b` for which both `b.one` and `b.other` exist. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never;
}[MessageKey];

/**
 * The formatters of each language, made once: creating an `Intl` formatter is slow (the first
 * one loads locale data), and the wallet list formats every visible card.
 */
const FORMATS = new Map<
  Locale,
  {
    plural: Intl.PluralRules;
    number: Intl.NumberFormat;
    amount: Intl.NumberFormat;
    date: Intl.DateTimeFormat;
    dateTime: Intl.DateTimeFormat;
  }
>();

function formats(locale: Locale = current) {
  let f = FORMATS.get(locale);
  if (!f) {
    f = {
      plural: new Intl.PluralRules(locale),
      number: new Intl.NumberFormat(locale),
      amount: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }),
      date: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }),
      dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
    };
    FORMATS.set(locale, f);
  }
  return f;
}

/** Make the current language's formatters now (at start-up, while the core answers). */
export function prepareFormats(): void {
  formats();
}

/** The plural form of `base` that fits `count` in the current language. */
export function tp(base: PluralKey, count: number): string {
  const form = formats().plural.select(count) === 'one' ? 'one' : 'other';
  return CATALOGUES[current][`${base}.${form}`];
}

/** A number written the way the current language writes it. */
export function formatNumber(value: number): string {
  return formats().number.format(value);
}

/** A number of ECTS credits or hours: at most two decimals, written the current language's way. */
export function formatAmount(value: number): string {
  return formats().amount.format(value);
}

/**
 * A date as given in a credential (RFC 3339 or a plain date), written the current language's
 * way. Shown in UTC so that "2025-03-01T00:00:00Z" is 1 March everywhere. Text that is not a
 * date is returned as it is.
 */
export function formatDate(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return formats().date.format(date);
}

/** A moment (RFC 3339), in local time, with date and time. */
export function formatDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return formats().dateTime.format(date);
}
