import { afterEach, describe, expect, it } from 'vitest';
import { de } from './de';
import { en } from './en';
import { detectLocale, getLocale, setLocale, t, tp } from './index';

// Strings that are the same in both languages on purpose: names and language endonyms.
const SAME_IN_BOTH = new Set([
  'app.name',
  'lang.en',
  'lang.de',
  'nav.wallet',
  'settings.wallet',
  'settings.version',
  'footer.label',
  'footer.wallet',
  'footer.version',
  'unlock.passphrase',
]);

afterEach(() => setLocale('en'));

describe('catalogues', () => {
  it('German has every English key and no other', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('German strings are translations, not English copies', () => {
    const copies = Object.entries(en)
      .filter(([key, text]) => !SAME_IN_BOTH.has(key) && de[key as keyof typeof en] === text)
      .map(([key]) => key);
    expect(copies).toEqual([]);
  });

  it('no message is empty and both use the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(en)) {
      const german = de[key as keyof typeof en];
      expect(text.trim(), key).not.toBe('');
      expect(german.trim(), key).not.toBe('');
      expect(placeholders(german), key).toEqual(placeholders(text));
    }
  });
});

describe('t and the language choice', () => {
  it('reads the current language and persists the choice', () => {
    setLocale('de');
    expect(getLocale()).toBe('de');
    expect(t('nav.settings')).toBe('Einstellungen');
    expect(localStorage.getItem('mcx.locale')).toBe('de');
    expect(document.documentElement.lang).toBe('de');
    setLocale('en');
    expect(t('nav.settings')).toBe('Settings');
    expect(document.documentElement.lang).toBe('en');
  });

  it('picks plural forms by count', () => {
    expect(tp('wallet.count', 1)).toBe('credential in your wallet');
    expect(tp('wallet.count', 2)).toBe('credentials in your wallet');
    expect(tp('wallet.count', 0)).toBe('credentials in your wallet');
    setLocale('de');
    expect(tp('wallet.count', 1)).toBe('Nachweis in Ihrer Wallet');
    expect(tp('wallet.count', 7)).toBe('Nachweise in Ihrer Wallet');
  });

  it('defaults to the saved choice, else the system language, else English', () => {
    expect(detectLocale('de', ['en-GB'])).toBe('de');
    expect(detectLocale(null, ['de-AT', 'en'])).toBe('de');
    expect(detectLocale(null, ['fr-FR', 'de-DE'])).toBe('de');
    expect(detectLocale('xx', ['fr-FR'])).toBe('en');
    expect(detectLocale(null, [])).toBe('en');
  });
});
