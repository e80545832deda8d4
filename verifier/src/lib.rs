//! The share-link verifier page's engine: the core's verifier ([`microcredx::verify`]) built
//! for `wasm32-unknown-unknown`, so the page, the app and `mcx` give the same steps and
//! verdicts from the same code.
//!
//! The interface to JavaScript is deliberately tiny and needs no generated glue: one shared
//! byte buffer. JavaScript asks for a buffer of `len` bytes ([`mcx_buffer`]), writes its input
//! at the returned address, calls an operation with `len`, and reads the operation's JSON answer
//! (its length is returned) from the buffer again ([`mcx_buffer_ptr`]). Answers are
//! `{"result": …}` or `{"error": {"code": …, "message": …}}`.
//!
//! The same functions are ordinary Rust ([`set_trust`], [`verify`]) and are tested natively.

use chrono::{DateTime, Utc};
use microcredx::model::Verdict;
use microcredx::verify::trust::TrustBundle;
use microcredx::verify::{self, Env};
use serde_json::{json, Value};
use std::sync::{Mutex, MutexGuard};

static BUFFER: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static ENV: Mutex<Option<Env>> = Mutex::new(None);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn error(e: &microcredx::Error) -> Value {
    json!({"error": {"code": e.code(), "message": e.to_string()}})
}

/// Load the trust material the page carries (registry, DID documents, status lists).
/// Returns a summary (`{"result": {"dids": n, "issuers": n, "statusLists": n, "registry": name}}`).
pub fn set_trust(bundle_json: &[u8]) -> Value {
    let bundle: TrustBundle = match serde_json::from_slice(bundle_json) {
        Ok(b) => b,
        Err(e) => {
            return error(&microcredx::Error::BadInput(format!(
                "the page's trust data is not valid JSON: {e}"
            )))
        }
    };
    match Env::from_bundle(&bundle) {
        Ok(env) => {
            let registry = bundle
                .registry
                .as_ref()
                .and_then(|r| r.get("name"))
                .cloned()
                .unwrap_or(Value::Null);
            *lock(&ENV) = Some(env);
            json!({"result": {"dids": bundle.dids.len(), "issuers": bundle.issuers.len(), "statusLists": bundle.status_lists.len(), "registry": registry}})
        }
        Err(e) => error(&e),
    }
}

/// Verify a share link (or its fragment), a presentation or credential (JSON, JWT, baked
/// image) or a PDF portfolio, as of `now`.
pub fn verify(input: &[u8], now: DateTime<Utc>) -> Value {
    // Borrowed, not cloned: the trust material is read once per page and verification only
    // reads it (the page is single-threaded, so holding the lock costs nothing).
    let guard = lock(&ENV);
    let empty;
    let env = match guard.as_ref() {
        Some(env) => env,
        None => {
            empty = Env::default();
            &empty
        }
    };
    match verify::verify_bytes(input, env, now) {
        Ok(v) => json!({"result": v, "summary": summary(&v)}),
        Err(e) => error(&e),
    }
}

/// Counts for the page's summary line, computed here so the page does no arithmetic of its
/// own: the credentials (embedded ones for a presentation or CLR, else the document itself)
/// by verdict (`inactive`: genuine but expired, not yet valid or revoked), the genuine ones
/// whose issuer nothing confirms, and the ECTS of the valid ones.
fn summary(v: &verify::Verification) -> Value {
    let creds: Vec<&verify::Verification> = if v.embedded.is_empty() {
        vec![v]
    } else {
        v.embedded.iter().collect()
    };
    let count = |verdict: Verdict| creds.iter().filter(|c| c.verdict == verdict).count();
    let unconfirmed = creds
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Valid | Verdict::Inactive))
        .filter(|c| {
            c.issuer_standing
                .as_ref()
                .is_some_and(|s| s.kind == verify::StandingKind::Unconfirmed)
        })
        .count();
    let ects: f64 = creds
        .iter()
        .filter(|c| c.verdict == Verdict::Valid)
        .filter_map(|c| c.credential.ects)
        .sum();
    json!({
        "credentials": creds.len(),
        "valid": count(Verdict::Valid),
        "invalid": count(Verdict::Invalid),
        "unverifiable": count(Verdict::Unverifiable),
        "inactive": count(Verdict::Inactive),
        "verifiedEcts": ects,
        "unconfirmedIssuers": unconfirmed,
    })
}

fn answer(value: &Value) -> usize {
    let bytes = serde_json::to_vec(value).unwrap_or_else(|e| {
        format!(r#"{{"error":{{"code":"internal","message":"{e}"}}}}"#).into_bytes()
    });
    let mut buf = lock(&BUFFER);
    *buf = bytes;
    buf.len()
}

fn input(len: usize) -> Vec<u8> {
    let buf = lock(&BUFFER);
    buf[..len.min(buf.len())].to_vec()
}

/// Make the shared buffer `len` bytes long (zeroed) and return its address.
#[allow(unsafe_code)] // `no_mangle` only: the name JavaScript calls.
#[no_mangle]
pub extern "C" fn mcx_buffer(len: usize) -> usize {
    let mut buf = lock(&BUFFER);
    buf.clear();
    buf.resize(len, 0);
    buf.as_mut_ptr() as usize
}

/// The shared buffer's current address (answers are written there).
#[allow(unsafe_code)] // `no_mangle` only.
#[no_mangle]
pub extern "C" fn mcx_buffer_ptr() -> usize {
    lock(&BUFFER).as_mut_ptr() as usize
}

/// [`set_trust`] on the first `len` bytes of the buffer; returns the answer's length.
#[allow(unsafe_code)] // `no_mangle` only.
#[no_mangle]
pub extern "C" fn mcx_set_trust(len: usize) -> usize {
    let bytes = input(len);
    answer(&set_trust(&bytes))
}

/// [`verify`] on the first `len` bytes of the buffer as of `now_ms` (milliseconds since the
/// Unix epoch, JavaScript's `Date.now()`); returns the answer's length.
#[allow(unsafe_code)] // `no_mangle` only.
#[no_mangle]
pub extern "C" fn mcx_verify(len: usize, now_ms: f64) -> usize {
    let bytes = input(len);
    let now = DateTime::from_timestamp_millis(now_ms as i64).unwrap_or_default();
    answer(&verify(&bytes, now))
}

/// talc instead of dlmalloc: JSON-LD expansion and canonicalization allocate constantly, and
/// the page is single-threaded.
#[cfg(all(
    target_arch = "wasm32",
    target_os = "unknown",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#[allow(unsafe_code)] // the macro defines a `no_mangle` function.
mod no_randomness {
    use getrandom::Error;
    fn refuse(_: &mut [u8]) -> Result<(), Error> {
        Err(Error::UNSUPPORTED)
    }
    getrandom::register_custom_getrandom!(refuse);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_trust_and_bad_input_are_answers_not_crashes() {
        let r = set_trust(b"{not json");
        assert_eq!(r["error"]["code"], "bad_input");
        let r = verify(
            b"\x00\x01garbage",
            DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default(),
        );
        assert!(r["error"]["message"].is_string(), "{r}");
        let r = verify(
            b"https://v.example/#vp=%%%",
            DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default(),
        );
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("damaged"),
            "{r}"
        );
    }
}
