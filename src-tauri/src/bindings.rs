//! TypeScript bindings for every type that crosses IPC, generated from the Rust types with
//! ts-rs into `ui/src/lib/api/bindings/` and committed. The test fails when the committed
//! files drift from the Rust types; `UPDATE_BINDINGS=1 cargo test -p microcredx-app bindings`
//! rewrites them.

use std::path::PathBuf;
use ts_rs::TS;

/// Every generated file: its name and content (or why it could not be generated).
fn files() -> Vec<(String, Result<String, ts_rs::ExportError>)> {
    let cfg = ts_rs::Config::default();
    macro_rules! ts {
        ($($t:ty),* $(,)?) => {
            vec![$((format!("{}.ts", <$t as TS>::name(&cfg)), <$t as TS>::export_to_string(&cfg))),*]
        };
    }
    ts![
        crate::ipc::IpcError,
        microcredx::ErrorCode,
        microcredx::About,
        microcredx::store::WalletSummary,
        microcredx::store::CredentialSummary,
        microcredx::store::StoredCredential,
        microcredx::store::SortKey,
        microcredx::store::Listing,
        microcredx::store::ImportReport,
        microcredx::store::ImportOutcome,
        microcredx::verify::Verification,
        microcredx::verify::IssuerStanding,
        microcredx::verify::StandingKind,
        microcredx::verify::HolderBinding,
        microcredx::verify::BindingKind,
        microcredx::portfolio::VerifierBase,
        microcredx::portfolio::BaseSource,
        crate::commands::CredentialLink,
        microcredx::model::MicroCredential,
        microcredx::model::Party,
        microcredx::model::Skill,
        microcredx::model::GradeScale,
        microcredx::model::AnnexElement,
        microcredx::model::Format,
        microcredx::model::Verdict,
        microcredx::model::Step,
        microcredx::model::StepKind,
        microcredx::model::StepStatus,
        microcredx::model::Lapse,
        microcredx::model::LapseKind,
        microcredx::store::StoredQualification,
        microcredx::store::DemoReport,
        microcredx::store::StackResult,
        microcredx::stack::Audit,
        microcredx::stack::RequirementAudit,
        microcredx::stack::Counting,
        microcredx::stack::CandidateAudit,
        microcredx::stack::Status,
        microcredx::stack::Suggestion,
        microcredx::stack::SuggestedItem,
        microcredx::stack::Kind,
        microcredx::stack::CatalogueItem,
        microcredx::stack::Mode,
        microcredx::stack::rules::Body,
        crate::commands::CredentialDetail,
        crate::commands::ImportProgress,
        crate::commands::ExportReport,
        crate::commands::ShareLink,
        crate::commands::SelectivePresentation,
        microcredx::portfolio::sdjwt::SdClaim,
        microcredx::store::HolderKeys,
        microcredx::store::RestoreReport,
        microcredx::store::RepairReport,
        microcredx::store::OldIndex,
        microcredx::ReadOnlyReason,
        microcredx::store::TrustKind,
        microcredx::store::TrustImported,
        crate::commands::Pick,
        crate::commands::StartData,
        crate::commands::OfferView,
        crate::commands::OfferedView,
        crate::commands::TxCodeView,
        crate::commands::ReceiveReport,
        crate::commands::TrustCached,
        crate::commands::RequestView,
        microcredx::portfolio::dcql::Choice,
        crate::commands::PresentReport,
        microcredx::portfolio::verifier::VerifierCheck,
        microcredx::portfolio::dcql::DcqlAnswer,
        microcredx::portfolio::dcql::QueryMatch,
        microcredx::portfolio::dcql::SetMatch,
        microcredx::portfolio::dcql::Candidate,
        microcredx::portfolio::dcql::AskedClaim,
    ]
}

#[test]
#[allow(clippy::unwrap_used, clippy::expect_used)]
fn typescript_bindings_match_the_rust_types() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/api/bindings");
    let update = std::env::var_os("UPDATE_BINDINGS").is_some();
    let mut drift = Vec::new();
    for (name, content) in files() {
        let content = content.unwrap();
        let path = dir.join(&name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != content {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &content).unwrap();
            } else {
                drift.push(name);
            }
        }
    }
    assert!(
        drift.is_empty(),
        "TypeScript bindings out of date: {drift:?}; run UPDATE_BINDINGS=1 cargo test -p microcredx-app bindings"
    );
}
