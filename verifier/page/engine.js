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

  // The engine as the page carries it: gzip, then base64 (`encoding` says which; 'none' for
  // base64 alone). Unpacked by the browser's DecompressionStream and compiled as it streams
  // out (WebAssembly.compileStreaming), so unpacking and compiling overlap; the smaller page
  // is parsed sooner by more than unpacking costs (bench-verifier: about 40 ms cold).
  static async fromPage(base64, encoding) {
    const packed = Engine.decodeBase64(base64);
    if (encoding !== 'gzip') return Engine.load(packed);
    if (typeof WebAssembly.compileStreaming !== 'function' || typeof Response !== 'function') {
      return Engine.load(await Engine.gunzip(packed));
    }
    const wasm = new Response(Engine.gunzipStream(packed), { headers: { 'Content-Type': 'application/wasm' } });
    const module = await WebAssembly.compileStreaming(wasm);
    return new Engine((await WebAssembly.instantiate(module, {})).exports);
  }

  // The engine's bytes out of the page's text, as Engine.fromPage reads them.
  static async unpack(base64, encoding) {
    const packed = Engine.decodeBase64(base64);
    return encoding === 'gzip' ? Engine.gunzip(packed) : packed;
  }

  // Uint8Array.fromBase64 where the browser has it (about 1 ms); else atob.
  static decodeBase64(base64) {
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(base64.trim());
    const bin = atob(base64.trim());
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  static gunzipStream(bytes) {
    if (typeof DecompressionStream !== 'function') {
      throw new Error('this browser is too old to run the verifier (it lacks DecompressionStream); open the link in a current browser');
    }
    return new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  }

  static async gunzip(bytes) {
    return new Uint8Array(await new Response(Engine.gunzipStream(bytes)).arrayBuffer());
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
