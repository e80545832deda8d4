//! The one error shape that crosses IPC: `{code, message}` with a stable code from the core.
//! The UI branches on `code` and shows `message` as detail; it never parses English text.

use microcredx::ErrorCode;
use serde::Serialize;
use ts_rs::TS;

/// An error returned by any command.
#[derive(Debug, Serialize, TS)]
pub struct IpcError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// A human-readable explanation (English; the UI shows its own text per code).
    pub message: String,
}

impl From<microcredx::Error> for IpcError {
    fn from(e: microcredx::Error) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// What every command returns.
pub type IpcResult<T> = Result<T, IpcError>;
