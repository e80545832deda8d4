//! The immutable, content-addressed files that hold each signed original byte for byte.
//! They are the source of truth: the sled index can always be rebuilt from them.
//!
//! Originals are kept in packs, one per acknowledged batch: `originals/<sha256>.pack`, named
//! by the SHA-256 of the file's bytes, written once and never changed (removing a credential
//! writes a new pack without it and deletes the old one). A pack is `MCXPACK1\n` followed by
//! entries, each `MCXR`, the content name (u16 length + bytes), the frame (u32 length + bytes).
//! The content name is the original's SHA-256 (a keyed HMAC in a locked wallet), so every
//! original is individually content-addressed and checked on repair.
//!
//! A frame is `MCX1\n`, one JSON header line ([`Header`]), `\n`, and the original bytes. In a
//! wallet locked with a passphrase each frame is sealed on its own (`MCXE` +
//! XChaCha20-Poly1305 with the content name as associated data), so damage to one frame
//! loses at most that credential, and a damaged length is skipped by looking for the next
//! `MCXR`.
//!
//! A pack is written to a temporary name, synced, renamed into place and the folder synced,
//! so a crash leaves either no pack or a whole one; stray temporaries are removed by
//! `repair`. Schema 1 kept one `<name>.mcx` file (a bare frame) per original; those are read
//! for migration and repair.

use super::crypto::Sealer;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const PLAIN_MAGIC: &[u8] = b"MCX1\n";
const SEALED_MAGIC: &[u8] = b"MCXE";
const PACK_MAGIC: &[u8] = b"MCXPACK1\n";
const ENTRY_MAGIC: &[u8] = b"MCXR";
const PACK_EXT: &str = "pack";
const LEGACY_EXT: &str = "mcx";

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

/// One entry of a pack: the original's content name and where its frame sits in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackEntry {
    /// The content name of the original.
    pub name: String,
    /// Offset of the frame in the pack file.
    pub offset: u64,
    /// Length of the frame.
    pub len: u32,
}

/// What a folder scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Pack names, sorted.
    pub packs: Vec<String>,
    /// Schema-1 single-original files (names), sorted.
    pub legacy: Vec<String>,
    /// Temporaries left by an interrupted write.
    pub strays: Vec<PathBuf>,
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

    fn pack_path(&self, pack: &str) -> PathBuf {
        self.dir.join(format!("{pack}.{PACK_EXT}"))
    }

    fn legacy_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.{LEGACY_EXT}"))
    }

    /// Encode one original's frame.
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

    /// Decode a frame into its header and original.
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

    /// The bytes of a pack holding `frames` (content name, frame), and where each frame sits.
    pub fn build_pack(frames: &[(String, Vec<u8>)]) -> (Vec<u8>, Vec<PackEntry>) {
        let size: usize = frames.iter().map(|(n, f)| n.len() + f.len() + 10).sum();
        let mut out = Vec::with_capacity(PACK_MAGIC.len() + size);
        out.extend_from_slice(PACK_MAGIC);
        let mut entries = Vec::with_capacity(frames.len());
        for (name, frame) in frames {
            out.extend_from_slice(ENTRY_MAGIC);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            entries.push(PackEntry {
                name: name.clone(),
                offset: out.len() as u64,
                len: frame.len() as u32,
            });
            out.extend_from_slice(frame);
        }
        (out, entries)
    }

    /// The entries of a pack's bytes. Damage does not stop the walk: a bad length is skipped
    /// by looking for the next entry marker, and reported in the second value.
    pub fn parse_pack(bytes: &[u8]) -> (Vec<PackEntry>, Vec<String>) {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        let Some(body) = bytes.strip_prefix(PACK_MAGIC) else {
            return (entries, vec!["not a pack (bad magic)".into()]);
        };
        let base = PACK_MAGIC.len();
        let mut at = 0usize;
        while at < body.len() {
            match entry_at(body, at) {
                Some((name, offset, len, next)) => {
                    entries.push(PackEntry {
                        name,
                        offset: (base + offset) as u64,
                        len,
                    });
                    at = next;
                }
                None => {
                    problems.push(format!("damaged entry at byte {}", base + at));
                    // Resynchronise on the next entry marker.
                    match body[at + 1..]
                        .windows(ENTRY_MAGIC.len())
                        .position(|w| w == ENTRY_MAGIC)
                    {
                        Some(p) => at = at + 1 + p,
                        None => break,
                    }
                }
            }
        }
        (entries, problems)
    }

    /// The SHA-256 (hex) of a pack's bytes: its file name.
    pub fn pack_name(bytes: &[u8]) -> String {
        use sha2::Digest;
        super::crypto::hex(&sha2::Sha256::digest(bytes))
    }

    /// Write a pack durably (temporary, sync, rename, folder sync) and return its name and
    /// entries. An identical pack already in place is simply replaced by the same bytes.
    ///
    /// Nothing is written unless the disk has room for the pack and the index entries that
    /// follow it (twice its size) beyond a reserve of 4 MiB; a full disk is
    /// [`Error::DiskFull`] naming the wallet, and a temporary it cut short is removed.
    pub fn write_pack(&self, frames: &[(String, Vec<u8>)]) -> Result<(String, Vec<PackEntry>)> {
        let (bytes, entries) = Originals::build_pack(frames);
        let wallet = self.dir.parent().unwrap_or(self.dir.as_path());
        super::space::ensure_room(
            wallet,
            (bytes.len() as u64).saturating_mul(2),
            super::space::WRITE_RESERVE,
        )?;
        let pack = Originals::pack_name(&bytes);
        let final_path = self.pack_path(&pack);
        let tmp = self.dir.join(format!(".{pack}.tmp"));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(&bytes)?;
            f.sync_data()
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(&tmp, e).in_wallet(wallet, None));
        }
        if let Err(e) = std::fs::rename(&tmp, &final_path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(&final_path, e).in_wallet(wallet, None));
        }
        self.sync_dir().map_err(|e| e.in_wallet(wallet, None))?;
        Ok((pack, entries))
    }

    /// Make the folder's entries (new names, removals) durable.
    pub fn sync_dir(&self) -> Result<()> {
        std::fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(&self.dir, e))
    }

    /// A whole pack's bytes.
    pub fn read_pack(&self, pack: &str) -> Result<Vec<u8>> {
        let p = self.pack_path(pack);
        std::fs::read(&p).map_err(|e| Error::io(&p, e))
    }

    /// One frame of a pack.
    pub fn read_frame(&self, pack: &str, offset: u64, len: u32) -> Result<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let p = self.pack_path(pack);
        let mut f = std::fs::File::open(&p).map_err(|e| Error::io(&p, e))?;
        let mut buf = vec![0u8; len as usize];
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| Error::io(&p, e))?;
        Ok(buf)
    }

    /// Whether a pack exists.
    pub fn pack_exists(&self, pack: &str) -> bool {
        self.pack_path(pack).exists()
    }

    /// Remove a pack (not synced; call [`Originals::sync_dir`]).
    pub fn remove_pack(&self, pack: &str) -> Result<()> {
        remove(&self.pack_path(pack))
    }

    /// A schema-1 original file's raw bytes (a bare frame).
    pub fn read_legacy(&self, name: &str) -> Result<Vec<u8>> {
        let p = self.legacy_path(name);
        std::fs::read(&p).map_err(|e| Error::io(&p, e))
    }

    /// Remove a schema-1 original file (not synced).
    pub fn remove_legacy(&self, name: &str) -> Result<()> {
        remove(&self.legacy_path(name))
    }

    /// Every pack, every schema-1 file, and the stray temporaries.
    pub fn scan(&self) -> Result<Scan> {
        let mut scan = Scan::default();
        for entry in std::fs::read_dir(&self.dir).map_err(|e| Error::io(&self.dir, e))? {
            let entry = entry.map_err(|e| Error::io(&self.dir, e))?;
            let file = entry.file_name().to_string_lossy().to_string();
            if let Some(name) = file.strip_suffix(".pack") {
                scan.packs.push(name.to_string());
            } else if let Some(name) = file.strip_suffix(".mcx") {
                scan.legacy.push(name.to_string());
            } else if file.ends_with(".tmp") {
                scan.strays.push(entry.path());
            }
        }
        scan.packs.sort();
        scan.legacy.sort();
        Ok(scan)
    }
}

/// The entry starting at `at` of a pack body: (name, frame offset in body, frame length,
/// next entry offset).
fn entry_at(body: &[u8], at: usize) -> Option<(String, usize, u32, usize)> {
    let rest = body.get(at..)?.strip_prefix(ENTRY_MAGIC)?;
    let name_len = u16::from_le_bytes(rest.get(..2)?.try_into().ok()?) as usize;
    let name = std::str::from_utf8(rest.get(2..2 + name_len)?).ok()?;
    let len_at = 2 + name_len;
    let len = u32::from_le_bytes(rest.get(len_at..len_at + 4)?.try_into().ok()?);
    let frame_at = at + ENTRY_MAGIC.len() + len_at + 4;
    let next = frame_at.checked_add(len as usize)?;
    if next > body.len() {
        return None;
    }
    Some((name.to_string(), frame_at, len, next))
}

fn remove(p: &Path) -> Result<()> {
    match std::fs::remove_file(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(p, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_round_trip_and_survive_a_damaged_entry() {
        let frames: Vec<(String, Vec<u8>)> = (0..3)
            .map(|i| (format!("name{i}"), format!("frame number {i}").into_bytes()))
            .collect();
        let (mut bytes, entries) = Originals::build_pack(&frames);
        let (parsed, problems) = Originals::parse_pack(&bytes);
        assert_eq!(parsed, entries);
        assert!(problems.is_empty());
        for (e, (_, f)) in entries.iter().zip(&frames) {
            assert_eq!(&bytes[e.offset as usize..][..e.len as usize], f.as_slice());
        }
        // Break the second entry's length: the first and third are still found.
        let len_at = entries[1].offset as usize - 4;
        bytes[len_at..len_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let (parsed, problems) = Originals::parse_pack(&bytes);
        assert_eq!(problems.len(), 1);
        let names: Vec<_> = parsed.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["name0", "name2"]);
    }
}
