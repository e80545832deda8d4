//! Untrusted PDFs read back as portfolios (`mcx verify portfolio.pdf`, the verifier page):
//! lopdf's loading (xref tables and streams, object streams), the EmbeddedFiles name tree,
//! Flate-decoded attachments (bombs included), then the attached presentation verified and
//! checked against the manifest.
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::portfolio;

fuzz_target!(|data: &[u8]| {
    let _ = portfolio::is_pdf(data);
    let Ok(p) = portfolio::read_portfolio(data) else {
        // verify_portfolio starts with read_portfolio: it would fail the same way.
        return;
    };
    if let Some(m) = p.manifest.as_deref() {
        let _ = serde_json::from_slice::<portfolio::Manifest>(m);
    }
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let _ = portfolio::verify_portfolio(data, &microcredx::verify::Env::default(), now);
});
