//! The system's file dialogs (GTK on Linux), opened from Rust so the window needs no
//! file-system or dialog permission: the UI asks for a path, the learner picks it, and the
//! path goes back to a command that already checks whatever it reads.

use crate::ipc::{IpcError, IpcResult};
use microcredx::ErrorCode;
use serde::Deserialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};
use ts_rs::TS;

/// What to ask the learner for. Titles come from the UI's message catalogue.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Pick {
    /// Credential files to import (several at once).
    CredentialFiles {
        /// The dialog's title.
        title: String,
        /// The name of the file-type filter (credential files).
        filter: String,
    },
    /// One folder (to import from, or to save into).
    Folder {
        /// The dialog's title.
        title: String,
    },
    /// One existing file (a backup, a registry, a status list…).
    File {
        /// The dialog's title.
        title: String,
    },
    /// A file to write, with a suggested name.
    Save {
        /// The dialog's title.
        title: String,
        /// The name proposed in the dialog.
        suggested: String,
    },
}

/// Extensions the wallet imports (credentials, tokens, baked badges).
const CREDENTIAL_EXTENSIONS: &[&str] = &[
    "json", "jsonld", "jwt", "sd-jwt", "sdjwt", "txt", "png", "svg",
];

/// Ask for paths with the system dialog; an empty list when the learner cancels.
///
/// `async` so the dialog is not awaited on the main thread, which runs the GTK loop.
#[tauri::command]
pub async fn choose_paths(app: AppHandle, pick: Pick) -> IpcResult<Vec<String>> {
    let dialog = |title: String| -> FileDialogBuilder<tauri::Wry> {
        // Start where downloaded credentials land, not in the toolkit's "Recent" list.
        let start = directories::UserDirs::new().and_then(|d| {
            d.download_dir()
                .map(Into::into)
                .or_else(|| Some(d.home_dir().into()))
        });
        let mut builder = app.dialog().file().set_title(title);
        if let Some(start) = start {
            builder = builder.set_directory::<std::path::PathBuf>(start);
        }
        match app.get_webview_window("main") {
            Some(window) => builder.set_parent(&window),
            None => builder,
        }
    };
    let picked = match pick {
        Pick::CredentialFiles { title, filter } => dialog(title)
            .add_filter(filter, CREDENTIAL_EXTENSIONS)
            .blocking_pick_files()
            .unwrap_or_default(),
        Pick::Folder { title } => dialog(title).blocking_pick_folder().into_iter().collect(),
        Pick::File { title } => dialog(title).blocking_pick_file().into_iter().collect(),
        Pick::Save { title, suggested } => dialog(title)
            .set_file_name(suggested)
            .blocking_save_file()
            .into_iter()
            .collect(),
    };
    picked
        .into_iter()
        .map(|p| {
            p.into_path()
                .map(|p| p.to_string_lossy().into_owned())
                .map_err(|e| IpcError {
                    code: ErrorCode::Io,
                    message: format!("the dialog returned a location that is not a file path: {e}"),
                })
        })
        .collect()
}
