//! The wallet's HTTP client: which addresses it contacts, how long it waits, how much it reads.

use std::time::Duration;

use serde_json::Value;
use url::Url;

use crate::{Error, Result};

/// Largest answer read from a server (a credential response holds a few credentials).
pub const MAX_BODY: u64 = 4 * 1024 * 1024;

/// How long one request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(30);

/// An answer: status, the headers the protocols read, and the body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Where it came from.
    pub url: String,
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type`, without parameters, lower case.
    pub content_type: Option<String>,
    /// `DPoP-Nonce` (RFC 9449 §8, §9).
    pub dpop_nonce: Option<String>,
    /// `WWW-Authenticate`.
    pub www_authenticate: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON, or an error naming what came instead.
    pub fn json(&self, what: &str) -> Result<Value> {
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::Malformed(format!("{what} from {} is not JSON ({e})", self.url)))
    }

    /// The OAuth error of a failed answer (`{"error", "error_description"}`, RFC 6749 §5.2),
    /// or a status error when the body is not one.
    pub fn failure(&self, what: &str) -> Error {
        if let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(&self.body) {
            if let Some(code) = o.get("error").and_then(Value::as_str) {
                return Error::Protocol {
                    what: what.into(),
                    code: code.into(),
                    description: o
                        .get("error_description")
                        .and_then(Value::as_str)
                        .map(|d| d.chars().take(300).collect()),
                };
            }
        }
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        let detail = if !text.is_empty() && text.len() <= 200 && !text.contains('<') {
            format!(": {text}")
        } else {
            String::new()
        };
        Error::Status {
            url: self.url.clone(),
            status: self.status,
            detail,
        }
    }
}

/// The address `text` names, if the wallet may contact it: `https://`, or `http://` on the
/// loopback host only (an issuer on the learner's own machine). `what` says whose address
/// it is, for the error.
pub fn check_url(text: &str, what: &str) -> Result<Url> {
    let url = Url::parse(text)
        .map_err(|e| Error::Refused(format!("{what} is not a web address ({e}): {text}")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::Refused(format!(
            "{what} {text} is plain http, which the wallet uses only on this computer \
             (127.0.0.1); an issuer on the web must use https"
        ))),
        other => Err(Error::Refused(format!(
            "{what} {text} is a {other}: address; the wallet contacts only https addresses"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A request body.
pub enum Body<'a> {
    /// No body (GET, or a POST without one).
    None,
    /// `application/x-www-form-urlencoded`.
    Form(&'a [(&'a str, &'a str)]),
    /// `application/json`.
    Json(&'a Value),
}

/// A line for every request.
type Trace = Box<dyn Fn(&str) + Send + Sync>;

/// The client: one agent for an exchange, so connections are reused.
pub struct Http {
    agent: ureq::Agent,
    /// Told of every request before it is sent ("GET https://…").
    trace: Option<Trace>,
    /// Set by the learner to stop the exchange (the window's Cancel): a login stops waiting.
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}

impl Http {
    /// A client with the rules of this crate: no redirects, a timeout, HTTP errors as answers.
    pub fn new() -> Http {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("MicroCredX-Wallet/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http {
            agent,
            trace: None,
            cancel: None,
        }
    }

    /// Call `trace` with a line for every request (the CLI's `--verbose`).
    pub fn with_trace(mut self, trace: impl Fn(&str) + Send + Sync + 'static) -> Http {
        self.trace = Some(Box::new(trace));
        self
    }

    /// Stop the exchange when `cancel` is set: a login in the browser stops waiting for its
    /// answer within a fifth of a second.
    pub fn with_cancel(mut self, cancel: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Http {
        self.cancel = Some(cancel);
        self
    }

    /// Whether the learner stopped the exchange.
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// GET `url`, with `Accept: accept`.
    pub fn get(&self, url: &Url, accept: &str) -> Result<Answer> {
        self.send("GET", url, &[("Accept", accept)], Body::None)
    }

    /// Send one request. `headers` are added as given.
    pub fn send(
        &self,
        method: &str,
        url: &Url,
        headers: &[(&str, &str)],
        body: Body<'_>,
    ) -> Result<Answer> {
        let text = url.as_str();
        check_url(text, "the address")?;
        if let Some(trace) = &self.trace {
            trace(&format!("{method} {text}"));
        }
        let unreachable = |e: ureq::Error| Error::Unreachable {
            url: text.into(),
            reason: e.to_string(),
        };
        let response = match method {
            "GET" => {
                let mut r = self.agent.get(text);
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.call()
            }
            _ => {
                let mut r = self.agent.post(text);
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                match body {
                    Body::None => r.send_empty(),
                    Body::Form(pairs) => r.send_form(pairs.iter().copied()),
                    Body::Json(v) => {
                        let bytes = serde_json::to_vec(v)
                            .map_err(|e| Error::Malformed(format!("cannot write JSON: {e}")))?;
                        r.header("Content-Type", "application/json")
                            .send(&bytes[..])
                    }
                }
            }
        };
        let mut response = response.map_err(unreachable)?;
        let header = |response: &ureq::http::Response<ureq::Body>, name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(&response, "content-type").map(|c| {
            c.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        let dpop_nonce = header(&response, "dpop-nonce");
        let www_authenticate = header(&response, "www-authenticate");
        let location = header(&response, "location");
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => Error::Malformed(format!(
                    "{text} sent more than {} MiB; the wallet stopped reading",
                    MAX_BODY >> 20
                )),
                other => unreachable(other),
            })?;
        if (300..400).contains(&status) {
            return Err(Error::Refused(format!(
                "{text} answered with a redirect (HTTP {status}{}), which the wallet does not follow",
                location
                    .map(|l| format!(" to {l}"))
                    .unwrap_or_default()
            )));
        }
        Ok(Answer {
            url: text.into(),
            status,
            content_type,
            dpop_nonce,
            www_authenticate,
            body,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_contacted() {
        assert!(check_url("https://uni.example/x", "the issuer").is_ok());
        assert!(check_url("http://127.0.0.1:8080/x", "the issuer").is_ok());
        assert!(check_url("http://[::1]:8080/x", "the issuer").is_ok());
        assert!(check_url("http://localhost/x", "the issuer").is_ok());
        let e = check_url("http://uni.example/x", "the issuer").unwrap_err();
        assert!(e.to_string().contains("plain http"), "{e}");
        let e = check_url("file:///etc/passwd", "the offer").unwrap_err();
        assert!(e.to_string().contains("only https"), "{e}");
        let e = check_url("not a url", "the offer").unwrap_err();
        assert!(e.to_string().contains("not a web address"), "{e}");
    }

    #[test]
    fn an_oauth_error_is_read_from_the_body() {
        let a = Answer {
            url: "https://as.example/token".into(),
            status: 400,
            content_type: Some("application/json".into()),
            dpop_nonce: None,
            www_authenticate: None,
            body: br#"{"error":"invalid_grant","error_description":"Invalid 'tx_code' provided"}"#
                .to_vec(),
        };
        let e = a.failure("the token request");
        assert_eq!(e.code(), Some("invalid_grant"));
        assert_eq!(
            e.to_string(),
            "the token request: the server said invalid_grant (Invalid 'tx_code' provided)"
        );
        let html = Answer {
            body: b"<html>oops</html>".to_vec(),
            status: 502,
            ..a
        };
        assert_eq!(
            html.failure("x").to_string(),
            "https://as.example/token answered HTTP 502"
        );
    }
}
