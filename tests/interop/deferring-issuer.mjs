// An issuer that defers (OpenID4VCI 1.0 §8.3 and §9): the OpenWallet Foundation reference
// (../shared/tools/oid4vc, which issues only at once) issues, behind this server's credential
// and deferred credential endpoints, which the reference's metadata is pointed at. A
// credential request goes to the reference as it came (its access token is a Bearer token:
// DPoP is left out of the metadata, since a DPoP proof names the endpoint it was made for),
// the reference's answer is kept, and the wallet is told 202 with a transaction_id and an
// interval of 1 s. The deferred endpoint answers 202 ("not yet") --pending times (default 1),
// then the kept credentials; with --never it never issues; --interval S asks the wallet to
// wait S seconds between requests; with --fail-after N it does not defer, and every credential
// request after the first N fails. Every request is an event line.
//   node tests/interop/deferring-issuer.mjs REF [--pending N] [--never] [--interval S] [--fail-after N]
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [ref, ...flags] = process.argv.slice(2);
if (!ref) {
  console.error('usage: deferring-issuer.mjs REF [--pending N] [--never] [--interval S]');
  process.exit(2);
}
const at = flags.indexOf('--pending');
const pendingTimes = at >= 0 ? Number(flags[at + 1]) : 1;
const never = flags.includes('--never');
const ii = flags.indexOf('--interval');
const interval = ii >= 0 ? Number(flags[ii + 1]) : 1;
// --fail-after N: the first N credential requests are answered at once, as the reference
// answered them; every later one fails with a server error (an exchange broken half-way).
const fa = flags.indexOf('--fail-after');
const failAfter = fa >= 0 ? Number(flags[fa + 1]) : null;
let answered = 0;
const load = (p) => import(pathToFileURL(path.join(ref, p)).href);
const { startIssuer } = await load('lib/issuer.mjs');
const { startServer, reply, oauthError } = await load('lib/common.mjs');
const emit = (e) => process.stdout.write(`${JSON.stringify(e)}\n`);

const issuer = await startIssuer({});
delete issuer.state.asMetadata.dpop_signing_alg_values_supported;
const kept = new Map(); // transaction_id → {authorization, answer, polls}

const server = await startServer({
  name: 'deferring', log: () => {}, handler: async (req) => {
    if (req.method === 'POST' && req.path === '/credential') {
      const answer = await fetch(`${issuer.url}/credential`, {
        method: 'POST',
        headers: { authorization: req.headers.get('authorization') ?? '', 'content-type': 'application/json', accept: 'application/json' },
        body: req.raw,
      });
      const body = await answer.json();
      if (!answer.ok) return reply(answer.status, body);
      if (failAfter !== null) {
        answered += 1;
        emit({ event: 'credential', n: answered, failed: answered > failAfter });
        if (answered > failAfter) return reply(500, { error: 'server_error', error_description: 'the issuer broke down half-way' });
        return reply(200, body);
      }
      const id = randomBytes(12).toString('base64url');
      kept.set(id, { authorization: req.headers.get('authorization'), body, polls: 0 });
      emit({ event: 'deferred', transaction_id: id });
      return reply(202, { transaction_id: id, interval });
    }
    if (req.method === 'POST' && req.path === '/deferred') {
      const t = kept.get(req.body?.transaction_id);
      if (!t) return oauthError(400, 'invalid_transaction_id', 'no such transaction');
      if (t.authorization !== req.headers.get('authorization')) return oauthError(401, 'invalid_token', 'another access token');
      t.polls += 1;
      emit({ event: 'poll', transaction_id: req.body.transaction_id, n: t.polls });
      if (never || t.polls <= pendingTimes) return reply(202, { transaction_id: req.body.transaction_id, interval });
      kept.delete(req.body.transaction_id);
      return reply(200, t.body);
    }
    return undefined;
  },
});
issuer.state.metadata.credential_endpoint = `${server.url}/credential`;
issuer.state.metadata.deferred_credential_endpoint = `${server.url}/deferred`;
emit({ ...issuer.ready, event: 'ready', role: 'deferring-issuer' });
