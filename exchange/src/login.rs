//! Logging in at an issuer before it issues (OpenID4VCI 1.0 §5, the authorization code grant):
//! an authorization request (RFC 6749 §4.1, with PKCE S256, RFC 7636; pushed first where the
//! server asks for that, RFC 9126) opened in the learner's own browser, and the answer read on
//! a loopback redirect the wallet listens on (RFC 8252 §7.3: `http://127.0.0.1:PORT/callback`,
//! a port chosen for this login only). The code is then exchanged at the token endpoint with
//! the PKCE verifier, like any other grant.
//!
//! The listener answers only its own path, takes only the answer carrying this login's
//! `state`, checks the server's `iss` (RFC 9207), shows the browser a fixed page that echoes
//! nothing, and closes when the login is done or after [`WAIT`].

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use url::Url;

use crate::http::{Body, Http};
use crate::jose::{b64, random_id};
use crate::{Error, Result};

/// The wallet's client id at authorization servers (a public client, RFC 6749 §2.1: no secret).
pub const CLIENT_ID: &str = "microcredx-wallet";

/// How long the wallet waits for the learner to finish logging in.
pub const WAIT: Duration = Duration::from_secs(300);

/// What the wallet needs of the authorization server to log in there.
#[derive(Debug, Clone)]
pub struct Server {
    /// Its issuer identifier (RFC 8414 `issuer`), checked against the answer's `iss`.
    pub issuer: String,
    /// Its `authorization_endpoint`.
    pub authorization_endpoint: Url,
    /// Its `pushed_authorization_request_endpoint`, if it has one.
    pub par_endpoint: Option<Url>,
    /// Whether it requires pushed requests.
    pub par_required: bool,
    /// Whether it says it puts `iss` in its answers (RFC 9207 §3), which then must be there.
    pub iss_in_answer: bool,
    /// Whether it takes `authorization_details` of type `openid_credential` (§5.1.1); else the
    /// configurations' scopes are asked for (§5.1.2).
    pub details: bool,
    /// Whether the details name the issuer (`locations`): needed when the issuer lists its
    /// authorization servers (§5.1.1).
    pub locations: bool,
}

/// What a login brings: the code, and what the token request must repeat.
#[derive(Debug)]
pub struct Authorized {
    /// The authorization code.
    pub code: String,
    /// The redirect URI the code was sent to (repeated in the token request).
    pub redirect_uri: String,
    /// The PKCE code verifier.
    pub code_verifier: String,
}

/// What the login asks for: the configurations (as `authorization_details`, §5.1.1) and
/// their scopes, and the issuer's `issuer_state` from the offer.
#[derive(Debug, Default)]
pub struct Ask<'a> {
    /// The credential configuration ids.
    pub configurations: Vec<&'a str>,
    /// Their `scope` values, where the metadata gives them.
    pub scopes: Vec<&'a str>,
    /// The Credential Issuer Identifier (`locations` of the details, §5.1.1).
    pub issuer: &'a str,
    /// The offer's `issuer_state`.
    pub issuer_state: Option<&'a str>,
}

/// Opens an address in the learner's browser (a caller that shows the address, to open by
/// hand, may pass over a failure and answer `Ok`).
pub type OpenBrowser<'a> = &'a mut dyn FnMut(&Url) -> std::result::Result<(), String>;

/// Open `url` in the system's browser (`$BROWSER` where set, else the desktop's default).
/// A graphical browser is started in the background; a text browser runs until it is closed.
pub fn system_browser(url: &Url) -> std::result::Result<(), String> {
    webbrowser::open(url.as_str()).map_err(|e| e.to_string())
}

/// The PKCE pair (RFC 7636 §4.1, §4.2): a verifier of 44 characters (two 128-bit random
/// ids) and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = format!("{}{}", random_id(), random_id());
    let challenge = s256(&verifier);
    (verifier, challenge)
}

/// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
fn s256(verifier: &str) -> String {
    b64(&Sha256::digest(verifier.as_bytes()))
}

/// The fixed page the browser is shown once the wallet has the answer.
const DONE_PAGE: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>MicroCredX Wallet</title>\
<body style=\"font-family:sans-serif;max-width:32rem;margin:4rem auto\"><h1>Back to the wallet</h1>\
<p>The wallet has the issuer's answer. You can close this window and return to MicroCredX Wallet.</p></body></html>";

/// Log in at `server` for `ask`: open the authorization request in the browser (`open`) and
/// wait for the answer on a loopback redirect. `step` tells the learner what happens.
pub fn authorize(
    http: &Http,
    server: &Server,
    ask: &Ask<'_>,
    open: OpenBrowser<'_>,
    step: crate::vci::Step<'_>,
) -> Result<Authorized> {
    let listener = tiny_http::Server::http("127.0.0.1:0").map_err(|e| Error::Unreachable {
        url: "127.0.0.1 (the wallet's own login listener)".into(),
        reason: e.to_string(),
    })?;
    let port = listener
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or_else(|| Error::Unreachable {
            url: "127.0.0.1".into(),
            reason: "no port for the login listener".into(),
        })?;
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let (code_verifier, challenge) = pkce();
    let state = random_id();
    // §5.1.1 authorization_details where the server takes them (or nothing else can say what
    // is asked for), else §5.1.2 the configurations' scopes.
    let use_details = server.details || ask.scopes.is_empty();
    let details: Vec<Value> = ask
        .configurations
        .iter()
        .map(|id| {
            let mut d = serde_json::json!({
                "type": "openid_credential",
                "credential_configuration_id": id,
            });
            if server.locations {
                d["locations"] = serde_json::json!([ask.issuer]);
            }
            d
        })
        .collect();
    let details = Value::Array(details).to_string();
    let scope = if use_details {
        String::new()
    } else {
        ask.scopes.join(" ")
    };
    let mut params: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", &redirect_uri),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
        ("state", &state),
    ];
    if use_details {
        params.push(("authorization_details", &details));
    } else {
        params.push(("scope", &scope));
    }
    if let Some(s) = ask.issuer_state {
        params.push(("issuer_state", s));
    }
    let mut url = server.authorization_endpoint.clone();
    match (&server.par_endpoint, server.par_required) {
        (Some(par), _) => {
            // RFC 9126: the request goes to the server directly; the browser carries only its
            // reference.
            step(&format!("sending the login request to {par}"));
            let answer = http.send(
                "POST",
                par,
                &[("Accept", "application/json")],
                Body::Form(&params),
            )?;
            if !answer.ok() {
                return Err(answer.failure("the pushed authorization request"));
            }
            let v = answer.json("the pushed authorization response")?;
            let request_uri = v
                .get("request_uri")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Error::Malformed("the pushed authorization response has no request_uri".into())
                })?;
            url.query_pairs_mut()
                .append_pair("client_id", CLIENT_ID)
                .append_pair("request_uri", request_uri);
        }
        (None, true) => {
            return Err(Error::Malformed(
                "the authorization server requires pushed authorization requests but names no \
                 pushed_authorization_request_endpoint"
                    .into(),
            ))
        }
        (None, false) => {
            url.query_pairs_mut().extend_pairs(params.iter());
        }
    }
    step(&format!(
        "opening your browser to log in at {}",
        server.issuer
    ));
    open(&url).map_err(|e| {
        Error::Unsupported(format!(
            "the browser could not be opened to log in at {} ({e}); nothing was received",
            server.issuer
        ))
    })?;
    step(&format!(
        "waiting for you to finish logging in (at most {} minutes)",
        WAIT.as_secs() / 60
    ));
    wait_for_answer(&listener, server, &state, WAIT, &|| http.cancelled()).map(|code| Authorized {
        code,
        redirect_uri,
        code_verifier,
    })
}

/// Read answers on the listener until the one for `state` arrives (or `wait` passes, or the
/// learner cancels): its code, or the error the server sent.
fn wait_for_answer(
    listener: &tiny_http::Server,
    server: &Server,
    state: &str,
    wait: Duration,
    cancelled: &dyn Fn() -> bool,
) -> Result<String> {
    let deadline = Instant::now() + wait;
    loop {
        if cancelled() {
            return Err(Error::Refused(format!(
                "you cancelled the login at {}",
                server.issuer
            )));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        // In slices, so that a cancel is seen at once.
        let request = match listener.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(Some(r)) => r,
            Ok(None) if !left.is_zero() => continue,
            Ok(None) => {
                return Err(Error::Unsupported(format!(
                    "the login at {} did not finish within {} minutes; nothing was received \
                     (start again when you are ready)",
                    server.issuer,
                    wait.as_secs() / 60
                )))
            }
            Err(e) => {
                return Err(Error::Unreachable {
                    url: "the wallet's login listener".into(),
                    reason: e.to_string(),
                })
            }
        };
        let Ok(u) = Url::parse(&format!("http://127.0.0.1{}", request.url())) else {
            let _ = request.respond(closing(tiny_http::Response::empty(400)));
            continue;
        };
        if u.path() != "/callback" || request.method() != &tiny_http::Method::Get {
            let _ = request.respond(closing(tiny_http::Response::empty(404)));
            continue;
        }
        let q: std::collections::HashMap<String, String> = u.query_pairs().into_owned().collect();
        if q.get("state").map(String::as_str) != Some(state) {
            // Not this login's answer (a stale tab, or someone else's request): ignored.
            let _ = request.respond(closing(tiny_http::Response::empty(400)));
            continue;
        }
        let mut page = tiny_http::Response::from_string(DONE_PAGE);
        if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", "text/html; charset=utf-8") {
            page = page.with_header(h);
        }
        let _ = request.respond(closing(page));
        return answer_of(&q, server);
    }
}

/// A response that ends its connection: the browser keeps none open to the listener.
fn closing<R: std::io::Read>(r: tiny_http::Response<R>) -> tiny_http::Response<R> {
    match tiny_http::Header::from_bytes("Connection", "close") {
        Ok(h) => r.with_header(h),
        Err(()) => r,
    }
}

/// The code of an authorization response for this login, or why there is none.
fn answer_of(q: &std::collections::HashMap<String, String>, server: &Server) -> Result<String> {
    match q.get("iss") {
        Some(iss) if iss != &server.issuer => {
            return Err(Error::Malformed(format!(
                "the login answer comes from {iss}, not from the authorization server the wallet \
                 asked ({}); it was not used (RFC 9207)",
                server.issuer
            )))
        }
        None if server.iss_in_answer => {
            return Err(Error::Malformed(format!(
                "the login answer does not say it comes from {} although that server says it \
                 always does; it was not used (RFC 9207)",
                server.issuer
            )))
        }
        _ => {}
    }
    if let Some(code) = q.get("error") {
        return Err(Error::Protocol {
            what: format!("the login at {}", server.issuer),
            code: code.clone(),
            description: q.get("error_description").cloned(),
        });
    }
    q.get("code")
        .filter(|c| !c.is_empty())
        .cloned()
        .ok_or_else(|| Error::Malformed("the login answer has no code".into()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn server() -> Server {
        Server {
            issuer: "https://as.example".into(),
            authorization_endpoint: Url::parse("https://as.example/authorize").unwrap(),
            par_endpoint: None,
            par_required: false,
            iss_in_answer: true,
            details: true,
            locations: false,
        }
    }

    fn q(pairs: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_pkce_challenge_is_the_s256_of_the_verifier() {
        let (v, c) = pkce();
        assert_eq!(
            v.len(),
            44,
            "two 22-character ids: within RFC 7636's 43..128"
        );
        assert_eq!(c, b64(&Sha256::digest(v.as_bytes())));
        assert_ne!(pkce().0, v);
    }

    #[test]
    fn an_answer_is_used_only_from_the_server_asked() {
        let s = server();
        assert_eq!(
            answer_of(&q(&[("code", "c1"), ("iss", "https://as.example")]), &s).unwrap(),
            "c1"
        );
        let e = answer_of(&q(&[("code", "c1"), ("iss", "https://evil.example")]), &s)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not from the authorization server"), "{e}");
        let e = answer_of(&q(&[("code", "c1")]), &s)
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not say it comes from"), "{e}");
        let e = answer_of(
            &q(&[("error", "access_denied"), ("iss", "https://as.example")]),
            &s,
        )
        .unwrap_err();
        assert_eq!(e.code(), Some("access_denied"));
    }

    #[test]
    fn the_listener_takes_only_this_logins_answer_and_gives_up_in_time() {
        let listener = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = listener.server_addr().to_ip().unwrap().port();
        let s = Server {
            iss_in_answer: false,
            ..server()
        };
        let get = move |path: &'static str| {
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                write!(
                    c,
                    "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut out = String::new();
                let _ = c.read_to_string(&mut out);
                out
            })
        };
        let stray = get("/favicon.ico");
        let other = get("/callback?code=x&state=someone-else");
        let mine = get("/callback?code=c2&state=mine");
        assert_eq!(
            wait_for_answer(&listener, &s, "mine", Duration::from_secs(5), &|| false).unwrap(),
            "c2"
        );
        let page = mine.join().unwrap();
        assert!(
            page.contains("Back to the wallet") && !page.contains("c2"),
            "{page}"
        );
        // Whatever else arrived is answered and passed over until the wait ends.
        let e = wait_for_answer(&listener, &s, "mine", Duration::from_millis(1500), &|| {
            false
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("did not finish"), "{e}");
        assert!(stray.join().unwrap().starts_with("HTTP/1.1 404"));
        assert!(other.join().unwrap().starts_with("HTTP/1.1 400"));
    }

    /// Issue 19: the learner's Cancel stops a login that waits for its answer, long before
    /// its five minutes, saying nothing was received.
    #[test]
    fn a_cancelled_login_stops_waiting_at_once() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let listener = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let flag = Arc::new(AtomicBool::new(false));
        let http = Http::new().with_cancel(flag.clone());
        let setter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            flag.store(true, Ordering::SeqCst);
        });
        let started = Instant::now();
        let e = wait_for_answer(&listener, &server(), "mine", WAIT, &|| http.cancelled())
            .unwrap_err()
            .to_string();
        setter.join().unwrap();
        assert!(e.contains("you cancelled the login"), "{e}");
        assert!(started.elapsed() < WAIT / 10, "{:?}", started.elapsed());
    }
}
