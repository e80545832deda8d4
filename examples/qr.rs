//! Write a text (an offer or request link) as a QR code picture, with the wallet's encoder:
//! what an institution puts on a screen or a page for learners to scan, and what the
//! end-to-end tests show on the screen for the wallet to read.
//!
//!     cargo run --example qr -- 'openid-credential-offer://?…' offer.png
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [text, out] = args.as_slice() else {
        eprintln!("usage: qr TEXT OUT.png");
        return ExitCode::from(2);
    };
    match microcredx::portfolio::qr_png(text).map(|png| std::fs::write(out, png)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("qr: {out}: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("qr: {e}");
            ExitCode::FAILURE
        }
    }
}
