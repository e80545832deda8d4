/**
 * Copy `text` to the clipboard; where the webview allows no clipboard, select the text in the
 * field `fieldId` instead, for the learner to copy by hand. Whether it was copied.
 */
export async function copyOrSelect(text: string, fieldId: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    (document.getElementById(fieldId) as HTMLTextAreaElement | null)?.select();
    return false;
  }
}
