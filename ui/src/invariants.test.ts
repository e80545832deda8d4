// Rules from ARCHITECTURE.md, checked over the source itself.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>(['./**/*.ts', './**/*.svelte', '!./**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('source invariants', () => {
  it('sees the source files', () => {
    expect(Object.keys(sources)).toContain('./App.svelte');
    expect(Object.keys(sources)).toContain('./lib/api/index.ts');
  });

  it('only src/lib/api/ imports @tauri-apps/api', () => {
    const offenders = Object.entries(sources)
      .filter(([path, text]) => !path.startsWith('./lib/api/') && text.includes('@tauri-apps/api'))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it('nothing renders text as HTML', () => {
    const offenders = Object.entries(sources)
      .filter(([, text]) => /\{@html|innerHTML|outerHTML|insertAdjacentHTML/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
