//! Untrusted PDFs read back as portfolios (`mcx verify portfolio.pdf`, the verifier page):
//! lopdf's loading (xref tables and streams, object streams), the EmbeddedFiles name tree,
//! Flate-decoded attachments (bombs included), then the attached presentation verified and
//! checked against the manifest.
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::portfolio;

fuzz_target!(|data: &[u8]| {
    let _ = portfolio::is_pdf(data);
    // verify_portfolio reads the PDF (read_portfolio), parses its manifest and verifies the
    // presentation against it: reading it here as well would only double the time per input.
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let _ = portfolio::verify_portfolio(data, &microcredx::verify::Env::default(), now);
});
