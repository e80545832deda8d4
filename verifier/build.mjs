// Assemble the self-contained verifier page: one HTML file with the engine (WebAssembly,
// gzip, base64: a 0.9 MB page instead of 2.6 MB, which the browser parses that much sooner;
// the page compiles the engine while it is still being unpacked), its script and style inline, the trust material of the recognition network
// (registry, DID documents, status lists from assets/network), and a Content-Security-Policy
// that allows nothing to load from anywhere.
//   node verifier/build.mjs WASM_FILE OUT_HTML [--network DIR]
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [wasmFile, outFile, ...rest] = process.argv.slice(2);
if (!wasmFile || !outFile) {
  console.error('usage: node verifier/build.mjs WASM_FILE OUT_HTML [--network DIR]');
  process.exit(2);
}
const network = rest[0] === '--network' ? rest[1] : path.join(here, '../assets/network');
const read = (f) => readFileSync(path.join(here, 'page', f), 'utf8');
const json = (f) => JSON.parse(readFileSync(f, 'utf8'));
const filesIn = (dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));

const trust = {
  registry: json(path.join(network, 'registry.json')),
  dids: filesIn(path.join(network, 'dids')).map(json),
  statusLists: filesIn(path.join(network, 'status')).map(json),
  // JWT VC Issuer Metadata (with its jwks) of the network's SD-JWT VC issuers known by a web
  // address, when the network publishes any.
  issuers: existsSync(path.join(network, 'issuers')) ? filesIn(path.join(network, 'issuers')).map(json) : [],
  // SD-JWT VC type metadata of the network's own types, as exact text (vct#integrity).
  types: existsSync(path.join(network, 'types')) ? filesIn(path.join(network, 'types')).map((f) => readFileSync(f, 'utf8')) : [],
};
// Inside <script>, "</" must not appear; \u002f is the same JSON string.
const trustText = JSON.stringify(trust).replaceAll('</', '<\\u002f');
const script = read('engine.js').replace(/^export /gm, '') + '\n' + read('app.js');
const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
const html = read('index.html')
  .replace('%SCRIPT_HASH%', () => hash)
  .replace('%STYLE%', () => read('style.css'))
  .replace('%TRUST%', () => trustText)
  .replace('%WASM%', () => gzipSync(readFileSync(wasmFile), { level: 9 }).toString('base64'))
  .replace('%SCRIPT%', () => script);
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, html);
console.log(`wrote ${outFile} (${(html.length / 1024).toFixed(0)} KiB)`);
