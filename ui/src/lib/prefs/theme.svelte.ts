// Light, dark, or the system's choice. The resolved theme is written to <html data-theme>,
// which app.css reads; `system` follows prefers-color-scheme, also when it changes.

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

const STORAGE_KEY = 'mcx.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

function readSaved(): ThemeChoice {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
    return isThemeChoice(saved) ? saved : 'system';
  } catch {
    return 'system';
  }
}

function darkQuery(): MediaQueryList | null {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia(DARK_QUERY)
    : null;
}

let choice = $state<ThemeChoice>(readSaved());
let systemDark = $state(darkQuery()?.matches ?? false);

darkQuery()?.addEventListener('change', (event) => {
  systemDark = event.matches;
  apply();
});
apply();

/** The theme actually shown. */
export function resolvedTheme(): 'light' | 'dark' {
  if (choice === 'system') return systemDark ? 'dark' : 'light';
  return choice;
}

function apply(): void {
  if (typeof document === 'undefined') return;
  const theme = resolvedTheme();
  document.documentElement.dataset['theme'] = theme;
  document.documentElement.style.colorScheme = theme;
}

export function getTheme(): ThemeChoice {
  return choice;
}

/** Choose the theme, remember it, and show it at once. */
export function setTheme(next: ThemeChoice): void {
  choice = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Storage can be unavailable; the choice then lasts for this session only.
  }
  apply();
}
