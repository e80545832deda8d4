// Test helpers for the bridge: Tauri's IPC mocks, re-exported so that every import of
// `@tauri-apps/api` stays inside src/lib/api/. Only tests import this file.

export { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
