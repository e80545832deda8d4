// How the learner left the wallet list (search, sort, filters, scroll position), kept while
// the app runs so that Back from a credential returns to the same place.

import type { SortKey } from '$lib/api';
import type { StatusFilter } from './credentials';

export const listView = $state<{
  query: string;
  sort: SortKey;
  status: StatusFilter | '';
  issuer: string;
  scrollTop: number;
}>({ query: '', sort: 'date', status: '', issuer: '', scrollTop: 0 });

export function resetListView(): void {
  listView.query = '';
  listView.sort = 'date';
  listView.status = '';
  listView.issuer = '';
  listView.scrollTop = 0;
}
