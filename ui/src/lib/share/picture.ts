// A link (an issuer's offer, a verifier's request) read from a picture of its QR code that the
// learner chooses with the system dialog, or from the screen under the pointer; the core
// decodes the picture.
import { ApiError, choosePaths, readQrImage, readQrScreen } from '$lib/api';
import { t } from '$lib/i18n';

/**
 * The first QR code text in the chosen picture that contains `marker` (`credential_offer`,
 * `client_id`); `null` when the learner cancels. Throws an `ApiError` when no code fits.
 */
export async function linkFromPicture(marker: string): Promise<string | null> {
  const [path] = await choosePaths({ kind: 'file', title: t('receive.dialog') });
  if (!path) return null;
  const found = (await readQrImage(path)).find((x) => x.includes(marker));
  if (!found) throw new ApiError('bad_input', t('receive.noLink'));
  return found;
}

/**
 * The QR code text nearest the pointer on the screen that contains `marker`. Throws an
 * `ApiError` when no code is there, or none fits.
 */
export async function linkFromScreen(marker: string): Promise<string> {
  const found = (await readQrScreen()).find((x) => x.includes(marker));
  if (!found) throw new ApiError('bad_input', t('receive.screenNoLink'));
  return found;
}
