export { en, type Catalogue, type MessageKey } from './en';
export { de } from './de';
export {
  CATALOGUES,
  LOCALES,
  detectLocale,
  formatNumber,
  getLocale,
  isLocale,
  setLocale,
  t,
  tp,
  type Locale,
  type PluralKey,
} from './locale.svelte';
