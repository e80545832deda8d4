// An issuer that makes the learner log in first (OpenID4VCI 1.0 §5, the authorization code
// grant), for the wallet's tests: the reference issuer (../shared/tools/oid4vc, which has no
// such flow) issues the credentials, and an authorization server built here on the OpenWallet
// Foundation's @openid4vc/oauth2 (from the same prepared copy) logs the learner in:
// - GET /authorize (or a pushed request, RFC 9126, with --par): checks response_type, the
//   client, a loopback redirect_uri (RFC 8252), PKCE S256 (RFC 7636), state, issuer_state
//   and the authorization_details, then shows a login form;
// - POST /login: the right password sends the browser back to the wallet with a code, `state`
//   and `iss` (RFC 9207); "deny" sends access_denied;
// - POST /token: the library parses the request and checks the code, its expiry and the PKCE
//   verifier; the redirect_uri must be the one the code went to. The access token is then the
//   reference issuer's own (fetched with a fresh pre-authorized code), so its credential
//   endpoint accepts it.
// The issuer's metadata names this server in `authorization_servers`.
//
//   node tests/interop/login-issuer.mjs REF [--par] [--wrong-iss] [--formats a,b]
// prints one JSON ready line ({credential_offer, issuer, authorization_server, user, password}),
// then one line per event (authorize, login, token), like the reference.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [ref, ...flags] = process.argv.slice(2);
if (!ref) {
  console.error('usage: login-issuer.mjs REF [--par] [--wrong-iss] [--formats a,b]');
  process.exit(2);
}
const has = (f) => flags.includes(f);
const formatsAt = flags.indexOf('--formats');
const formats = formatsAt >= 0 ? flags[formatsAt + 1].split(',') : undefined;
const load = (p) => import(pathToFileURL(path.join(ref, p)).href);
const { startIssuer } = await load('lib/issuer.mjs');
const { startServer, makeCallbacks, reply, oauthError } = await load('lib/common.mjs');
const { Oauth2AuthorizationServer, authorizationCodeGrantIdentifier, PkceCodeChallengeMethod } =
  await load('node_modules/@openid4vc/oauth2/dist/index.mjs');

const emit = (e) => process.stdout.write(`${JSON.stringify(e)}\n`);
const id = (n = 16) => randomBytes(n).toString('base64url');
const USER = 'maria';
const PASSWORD = 'correct horse';

const issuer = await startIssuer({ formats });
const as = new Oauth2AuthorizationServer({ callbacks: makeCallbacks([]) });
const pending = new Map(); // login transaction id → the authorization request
const pushed = new Map(); // request_uri → the authorization request
const codes = new Map(); // code → {request, expiresAt, used}
const issuerState = id();
let meta;

const html = (body) => reply(200, `<!doctype html><meta charset="utf-8"><title>Log in</title>${body}`, { 'content-type': 'text/html; charset=utf-8' });

// The checks of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID4VCI §5.1).
function check(q) {
  if (q.response_type !== 'code') return 'response_type must be code';
  if (!q.client_id) return 'client_id is missing';
  let redirect;
  try { redirect = new URL(q.redirect_uri); } catch { return 'redirect_uri is not a URL'; }
  if (redirect.protocol !== 'http:' || redirect.hostname !== '127.0.0.1' || !redirect.port) return 'redirect_uri must be a loopback address with a port (RFC 8252 §7.3)';
  if (q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge || '')) return 'PKCE with S256 is required';
  if (!q.state) return 'state is missing';
  if (q.issuer_state !== issuerState) return 'issuer_state is not the one of the offer';
  let details;
  try { details = JSON.parse(q.authorization_details); } catch { return 'authorization_details is not JSON'; }
  const known = Object.keys(issuer.state.metadata.credential_configurations_supported);
  if (!Array.isArray(details) || !details.length || details.some((d) => d.type !== 'openid_credential' || !known.includes(d.credential_configuration_id))) {
    return 'authorization_details must name credential configurations of the issuer';
  }
  return null;
}

function loginForm(request, note = '') {
  const txn = id();
  pending.set(txn, request);
  emit({ event: 'authorize', client_id: request.client_id, configurations: JSON.parse(request.authorization_details).map((d) => d.credential_configuration_id) });
  return html(`<h1>Hochschule Beispielstadt: log in</h1>${note}<form method="post" action="${meta.issuer}/login">
<input type="hidden" name="txn" value="${txn}"><label>User <input name="user"></label>
<label>Password <input name="password" type="password"></label><button name="action" value="login">Log in</button>
<button name="action" value="deny">Do not share</button></form>`);
}

const back = (request, params) => {
  const to = new URL(request.redirect_uri);
  for (const [k, v] of Object.entries({ ...params, state: request.state, iss: has('--wrong-iss') ? 'http://127.0.0.1:1' : meta.issuer })) to.searchParams.set(k, v);
  return reply(302, '', { location: to.href });
};

const server = await startServer({
  name: 'login', log: () => {}, handler: async (req) => {
    if (req.method === 'GET' && req.path === '/.well-known/oauth-authorization-server') return reply(200, meta);
    if (req.method === 'POST' && req.path === '/par') {
      const problem = check(req.body);
      if (problem) return oauthError(400, 'invalid_request', problem);
      const uri = `urn:ietf:params:oauth:request_uri:${id()}`;
      pushed.set(uri, req.body);
      return reply(201, { request_uri: uri, expires_in: 60 });
    }
    if (req.method === 'GET' && req.path === '/authorize') {
      let request = req.query;
      if (has('--par')) {
        request = pushed.get(req.query.request_uri);
        pushed.delete(req.query.request_uri);
        if (!request || request.client_id !== req.query.client_id) return html('<p>This login request is unknown or was used already.</p>');
      }
      const problem = check(request);
      if (problem) return html(`<p>The wallet's login request is wrong: ${problem}.</p>`);
      return loginForm(request);
    }
    if (req.method === 'POST' && req.path === '/login') {
      const request = pending.get(req.body.txn);
      if (!request) return html('<p>This login has expired.</p>');
      if (req.body.action === 'deny') {
        pending.delete(req.body.txn);
        emit({ event: 'login', denied: true });
        return back(request, { error: 'access_denied', error_description: 'the learner did not log in' });
      }
      if (req.body.user !== USER || req.body.password !== PASSWORD) return loginForm(request, '<p>Wrong user or password.</p>');
      pending.delete(req.body.txn);
      const code = id(24);
      codes.set(code, { code, request, expiresAt: new Date(Date.now() + 60_000), used: false });
      emit({ event: 'login', user: USER });
      return back(request, { code });
    }
    if (req.method === 'POST' && req.path === '/token') {
      const parsed = as.parseAccessTokenRequest({ accessTokenRequest: req.body, request: req.like });
      if (parsed.grant.grantType !== authorizationCodeGrantIdentifier) return oauthError(400, 'unsupported_grant_type', 'only the authorization code grant is offered here');
      const entry = codes.get(parsed.grant.code);
      if (!entry || entry.used) return oauthError(400, 'invalid_grant', 'unknown or used code');
      entry.used = true;
      if (req.body.redirect_uri !== entry.request.redirect_uri) return oauthError(400, 'invalid_grant', 'redirect_uri is not the one the code was sent to');
      if (req.body.client_id !== entry.request.client_id) return oauthError(400, 'invalid_grant', 'the code was issued to another client');
      await as.verifyAuthorizationCodeAccessTokenRequest({
        grant: parsed.grant, accessTokenRequest: parsed.accessTokenRequest, request: req.like,
        expectedCode: entry.code, codeExpiresAt: entry.expiresAt, authorizationServerMetadata: meta,
        pkce: { codeVerifier: parsed.pkceCodeVerifier, codeChallenge: entry.request.code_challenge, codeChallengeMethod: PkceCodeChallengeMethod.S256 },
      });
      // The credential issuer accepts its own tokens: get one for a fresh offer.
      const offer = await issuer.newOffer();
      const answer = await fetch(`${issuer.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': offer.pre_authorized_code }) });
      const token = await answer.json();
      emit({ event: 'token', pkce: true });
      return reply(200, token);
    }
    return undefined;
  },
});

meta = as.createAuthorizationServerMetadata({
  issuer: server.url, authorization_endpoint: `${server.url}/authorize`, token_endpoint: `${server.url}/token`,
  response_types_supported: ['code'], grant_types_supported: [authorizationCodeGrantIdentifier],
  code_challenge_methods_supported: ['S256'], authorization_response_iss_parameter_supported: true,
  token_endpoint_auth_methods_supported: ['none'], authorization_details_types_supported: ['openid_credential'],
  ...(has('--par') && { pushed_authorization_request_endpoint: `${server.url}/par`, require_pushed_authorization_requests: true }),
});
issuer.state.metadata.authorization_servers = [server.url];
const offer = { credential_issuer: issuer.url, credential_configuration_ids: Object.keys(issuer.state.metadata.credential_configurations_supported),
  grants: { authorization_code: { issuer_state: issuerState, authorization_server: server.url } } };
emit({ event: 'ready', role: 'login-issuer', issuer: issuer.url, authorization_server: server.url, user: USER, password: PASSWORD,
  credential_offer: `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}` });
const stop = async () => { await server.close(); await issuer.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
