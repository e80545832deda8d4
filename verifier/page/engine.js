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

  // The engine as the page carries it: gzip, then base64 (a 1 MB page instead of 2.8 MB; the
  // browser parses the smaller page sooner by about what unpacking costs). Unpacked by the
  // browser's own DecompressionStream (every current browser; Node 18 too); `encoding`
  // 'none' for raw base64.
  static async unpack(base64, encoding = 'gzip') {
    let packed;
    if (typeof Uint8Array.fromBase64 === 'function') {
      packed = Uint8Array.fromBase64(base64.trim());
    } else {
      const bin = atob(base64.trim());
      packed = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) packed[i] = bin.charCodeAt(i);
    }
    if (encoding !== 'gzip') return packed;
    if (typeof DecompressionStream !== 'function') {
      throw new Error('this browser is too old to run the verifier (it lacks DecompressionStream); open the link in a current browser');
    }
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
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
