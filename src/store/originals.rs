//! The immutable, content-addressed files that hold each signed original byte for byte.
//! They are the source of truth: the sled index can always be rebuilt from them.
//!
//! A file `originals/<name>.mcx` holds `MCX1\n`, one JSON header line ([`Header`]), `\n`, and
//! the original bytes. In a wallet locked with a passphrase the same frame is sealed
//! (`MCXE` + XChaCha20-Poly1305 with the name as associated data). Files are written to a
//! temporary name, synced, renamed into place and the folder synced, so a crash leaves either
//! no file or a whole one; stray temporaries are removed by `repair`.

use super::crypto::Sealer;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const PLAIN_MAGIC: &[u8] = b"MCX1\n";
const SEALED_MAGIC: &[u8] = b"MCXE";

/// What is stored with each original, so the index can be rebuilt from the files alone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    /// When it was imported (RFC 3339).
    pub imported_at: String,
    /// Where it came from (a file name), if known.
    pub source: Option<String>,
    /// Imported although it did not verify ("not verified" forever after).
    pub forced: bool,
}

/// The originals folder of a wallet.
pub struct Originals {
    dir: PathBuf,
}

impl Originals {
    /// The folder `dir` (created by the wallet).
    pub fn new(dir: PathBuf) -> Originals {
        Originals { dir }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.mcx"))
    }

    /// Whether an original with this name exists.
    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    /// Encode a file's bytes.
    pub fn encode(
        name: &str,
        header: &Header,
        original: &[u8],
        sealer: Option<&Sealer>,
    ) -> Result<Vec<u8>> {
        let mut frame = PLAIN_MAGIC.to_vec();
        frame.extend(serde_json::to_vec(header).map_err(|e| Error::Internal(e.to_string()))?);
        frame.push(b'\n');
        frame.extend_from_slice(original);
        Ok(match sealer {
            None => frame,
            Some(s) => {
                let mut out = SEALED_MAGIC.to_vec();
                out.extend(s.seal(&frame, name.as_bytes()));
                out
            }
        })
    }

    /// Decode a file's bytes into its header and original.
    pub fn decode(
        name: &str,
        bytes: &[u8],
        sealer: Option<&Sealer>,
    ) -> std::result::Result<(Header, Vec<u8>), String> {
        let frame = if let Some(sealed) = bytes.strip_prefix(SEALED_MAGIC) {
            let s = sealer.ok_or("the file is encrypted and the wallet is not unlocked")?;
            s.open(sealed, name.as_bytes()).map_err(|e| e.to_string())?
        } else {
            bytes.to_vec()
        };
        let rest = frame
            .strip_prefix(PLAIN_MAGIC)
            .ok_or("not a wallet file (bad magic)")?;
        let nl = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or("the file's header is cut off")?;
        let header: Header = serde_json::from_slice(&rest[..nl])
            .map_err(|e| format!("the file's header is damaged: {e}"))?;
        Ok((header, rest[nl + 1..].to_vec()))
    }

    /// Write a file durably (temporary, sync, rename). Does not sync the folder; call
    /// [`Originals::sync_dir`] once after a batch.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let final_path = self.path(name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
        f.sync_data().map_err(|e| Error::io(&tmp, e))?;
        drop(f);
        std::fs::rename(&tmp, &final_path).map_err(|e| Error::io(&final_path, e))
    }

    /// Write many files durably with two flushes in all instead of one per file: every file
    /// goes to a temporary name, the file system is flushed (`syncfs` on Linux, else each
    /// file), then all are renamed into place and the folder is flushed. A crash leaves
    /// complete files or temporaries, which `repair` removes.
    pub fn write_batch(&self, files: &[(String, Vec<u8>)]) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let mut tmps = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let tmp = self.dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
            tmps.push((tmp, self.path(name)));
        }
        self.sync_contents(&tmps)?;
        for (tmp, final_path) in &tmps {
            std::fs::rename(tmp, final_path).map_err(|e| Error::io(final_path, e))?;
        }
        self.sync_dir()
    }

    #[cfg(target_os = "linux")]
    fn sync_contents(&self, _files: &[(PathBuf, PathBuf)]) -> Result<()> {
        let dir = std::fs::File::open(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        rustix::fs::syncfs(&dir).map_err(|e| Error::io(&self.dir, e.into()))
    }

    #[cfg(not(target_os = "linux"))]
    fn sync_contents(&self, files: &[(PathBuf, PathBuf)]) -> Result<()> {
        for (tmp, _) in files {
            std::fs::File::open(tmp)
                .and_then(|f| f.sync_data())
                .map_err(|e| Error::io(tmp, e))?;
        }
        Ok(())
    }

    /// Make the folder's entries (new names, removals) durable.
    pub fn sync_dir(&self) -> Result<()> {
        std::fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(&self.dir, e))
    }

    /// Read a file's raw bytes.
    pub fn read(&self, name: &str) -> Result<Vec<u8>> {
        let p = self.path(name);
        std::fs::read(&p).map_err(|e| Error::io(&p, e))
    }

    /// Remove a file.
    pub fn remove(&self, name: &str) -> Result<()> {
        let p = self.path(name);
        match std::fs::remove_file(&p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&p, e)),
        }
    }

    /// Every stored name, and the stray temporaries (from an interrupted write).
    pub fn scan(&self) -> Result<(Vec<String>, Vec<PathBuf>)> {
        let mut names = Vec::new();
        let mut strays = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(|e| Error::io(&self.dir, e))? {
            let entry = entry.map_err(|e| Error::io(&self.dir, e))?;
            let file = entry.file_name().to_string_lossy().to_string();
            if let Some(name) = file.strip_suffix(".mcx") {
                names.push(name.to_string());
            } else if file.ends_with(".tmp") {
                strays.push(entry.path());
            }
        }
        names.sort();
        Ok((names, strays))
    }
}
