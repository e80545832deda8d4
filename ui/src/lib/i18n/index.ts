export { en, type Catalogue, type MessageKey } from './en';
export { de } from './de';
export {
  CATALOGUES,
  LOCALES,
  detectLocale,
  formatAmount,
  formatDate,
  formatDateTime,
  formatNumber,
  getLocale,
  isLocale,
  prepareFormats,
  setLocale,
  t,
  tp,
  type Locale,
  type PlainKey,
  type PluralKey,
} from './locale.svelte';
