// The address of the verifier page that share links point to (Settings). Empty means: the page
// the recognition network's signed registry names, else the page installed with the app (the
// core decides, `verifierBase`); an institution or the learner may host the same file anywhere.

const STORAGE_KEY = 'mcx.verifierUrl';

function readSaved(): string {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

let url = $state(readSaved());

/** The configured address ('' for the page shipped with the app). */
export function getVerifierUrl(): string {
  return url;
}

/** Change the address; saved for the next start. */
export function setVerifierUrl(value: string): void {
  url = value.trim();
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, url);
  } catch {
    // Storage unavailable: the choice lasts for this session.
  }
}
