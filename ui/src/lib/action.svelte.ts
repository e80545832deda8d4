// One user action at a time with its outcome: whether it runs, the message it ended with, or
// the error it failed with. Shared by the Settings forms (passphrase, backup, trust data).

import { toApiError, type ApiError } from '$lib/api';

export class Action {
  busy = $state(false);
  done = $state('');
  failure = $state<ApiError | null>(null);

  /** Run `job`; its result is the message to show. Errors become `failure`. */
  async run(job: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.done = '';
    this.failure = null;
    try {
      this.done = await job();
    } catch (rejection) {
      this.failure = toApiError(rejection);
    } finally {
      this.busy = false;
    }
  }

  /** Show a message without running anything (a check that failed before the call). */
  say(message: string): void {
    this.failure = null;
    this.done = message;
  }
}
