// The verifier engine: the core's verifier compiled to WebAssembly (verifier/src/lib.rs),
// reached through one shared buffer. Used by the page and by the Node tests alike.

export class Engine {
  // Compiled synchronously where the browser allows it (10 ms for the whole engine in
  // Chromium's baseline tier), else asynchronously.
  static async load(wasmBytes) {
    try {
      return new Engine(new WebAssembly.Instance(new WebAssembly.Module(wasmBytes), {}).exports);
    } catch {
      const { instance } = await WebAssembly.instantiate(wasmBytes, {});
      return new Engine(instance.exports);
    }
  }

  // The engine as the page carries it: base64 (Uint8Array.fromBase64 where the browser has
  // it, about 1 ms; else atob). gzip was tried: a 1 MB page instead of 2.8 MB, but the
  // browser's DecompressionStream cost as much as the smaller page saved, and more under load.
  static unpack(base64) {
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(base64.trim());
    const bin = atob(base64.trim());
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  constructor(exports) {
    this.x = exports;
  }

  call(op, bytes, ...args) {
    const ptr = this.x.mcx_buffer(bytes.length);
    new Uint8Array(this.x.memory.buffer, ptr, bytes.length).set(bytes);
    const len = op(bytes.length, ...args);
    const out = new Uint8Array(this.x.memory.buffer, this.x.mcx_buffer_ptr(), len);
    return JSON.parse(new TextDecoder().decode(out));
  }

  // Trust material: {registry, dids, statusLists}. Returns {result} or {error}.
  setTrust(bundleText) {
    return this.call(this.x.mcx_set_trust, new TextEncoder().encode(bundleText));
  }

  // A share link, a presentation or credential (JSON/JWT), or a PDF portfolio (bytes).
  verify(input, now = Date.now()) {
    const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    try {
      return this.call(this.x.mcx_verify, bytes, now);
    } catch (e) {
      return { error: { code: 'internal', message: `the verifier stopped: ${e.message}` } };
    }
  }
}
