//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The built `mcx` binary.
pub fn mcx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mcx"))
}

/// Run `mcx` with a fresh wallet directory and the given arguments.
pub fn run(wallet: &std::path::Path, args: &[&str]) -> Output {
    let out = mcx().arg("--wallet").arg(wallet).args(args).output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("could not run mcx: {e}"),
    }
}

/// Path to a file in `../shared/fixtures` (beside the repository).
#[allow(dead_code)]
pub fn shared_fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(rel)
}

/// Write `n` distinct signed OB 3.0 micro-credentials (eddsa-jcs-2022, one fresh issuer) into
/// `dir`, named `cred-NNNNN.json`, and return their paths.
#[allow(dead_code)]
pub fn signed_credentials(dir: &std::path::Path, n: usize, learner: &str) -> Vec<PathBuf> {
    use microcredx::proof::{contexts::ContextLoader, di, keys::KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let key = KeyPair::generate();
    let loader = ContextLoader::bundled();
    (0..n)
        .map(|i| {
            let doc = serde_json::json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:5e1d7c36-0000-4000-8000-{i:012}"),
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": key.did(), "type": ["Profile"], "name": "Universität Beispielstadt",
                    "address": {"type": ["Address"], "addressCountry": "DE"}},
                "validFrom": format!("2025-{:02}-01T00:00:00Z", 1 + i % 12),
                "name": format!("Data Analytics Module {i}"),
                "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"], "name": learner,
                  "achievement": {"id": format!("https://uni.example/achievements/da-{i}"), "type": ["Achievement"],
                    "achievementType": "MicroCredential",
                    "name": format!("Data Analytics Module {i}"), "description": "Cleaning, exploring and modelling data.",
                    "criteria": {"narrative": "Supervised written exam."}, "creditsAvailable": 1 + (i % 6)}}
            });
            let opts = di::SignOptions {
                suite: di::Suite::EddsaJcs2022,
                purpose: "assertionMethod".into(),
                created: chrono::Utc::now(),
                challenge: None,
                domain: None,
                expires: None,
            };
            let signed = di::sign(&doc, &key, &opts, &loader).unwrap();
            let path = dir.join(format!("cred-{i:05}.json"));
            std::fs::write(&path, serde_json::to_vec_pretty(&signed).unwrap()).unwrap();
            path
        })
        .collect()
}

/// stdout of an `Output` as text.
#[allow(dead_code)]
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// stderr of an `Output` as text.
#[allow(dead_code)]
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}
