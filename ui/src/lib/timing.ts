// The moment the wallet is first on screen, as a User Timing mark ("wallet-shown"), so that
// scripts/measure-app can tell the app's own start-up time from the test driver's.

let marked = false;

/**
 * Mark the first time the wallet (its list, or the empty-wallet welcome) is on screen: after
 * the frame that shows it has been laid out and painted, not when the DOM merely has it.
 */
export function markWalletShown(): void {
  if (marked) return;
  marked = true;
  requestAnimationFrame(() => setTimeout(() => performance.mark('wallet-shown')));
}
