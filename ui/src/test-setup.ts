import { clearMocks } from '$lib/api/testing';
import { afterEach } from 'vitest';

afterEach(() => {
  clearMocks();
  localStorage.clear();
});
