import type { ApiError } from '$lib/api';

/** Data that comes from a command: still coming, arrived, or failed with a coded error. */
export type Load<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'error'; error: ApiError };
