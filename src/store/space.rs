//! Free space on the disk that holds the wallet. A write the disk has no room for fails half
//! way; sled in particular may then leave its log needing repair. So every write into the
//! wallet first checks that the disk has room for it plus a reserve, and stops with
//! [`Error::DiskFull`] before writing anything when it has not: the wallet stays as it was,
//! and opening it (which writes too) works as long as the reserve is there.
//!
//! The reserve is a margin, not a guarantee: another program may fill the disk between the
//! check and the write. That write then fails with `ENOSPC`, which is reported the same way
//! (packs are written to a temporary and renamed, so a pack is whole or absent; sled's own
//! writes are atomic batches, and an index it can no longer open is rebuilt by
//! [`super::Wallet::repair_dir`] without it). Only Linux reports free space here (`statvfs`);
//! elsewhere the check passes and the write's own error tells.

use crate::{Error, Result};
use std::path::Path;

/// Free space below which the wallet is not opened for writing. sled appends to its log in
/// 512 KiB segments when it opens and recovers; below this it would be writing into the last
/// bytes of the disk.
pub(crate) const OPEN_RESERVE: u64 = 1024 * 1024;

/// Free space kept beyond what a write itself needs: sled keeps superseded pages until it
/// cleans a segment, and writes its snapshot beside the log, so an index flush needs room
/// beyond the values it writes.
pub(crate) const WRITE_RESERVE: u64 = 4 * 1024 * 1024;

/// Bytes an unprivileged writer may still use on the disk holding `path` (`None` when
/// unknown).
#[cfg(target_os = "linux")]
pub(crate) fn free_bytes(path: &Path) -> Option<u64> {
    rustix::fs::statvfs(path)
        .ok()
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
}

/// Unknown outside Linux: the write's own error tells.
#[cfg(not(target_os = "linux"))]
pub(crate) fn free_bytes(_path: &Path) -> Option<u64> {
    None
}

/// [`Error::DiskFull`] for the wallet `dir` unless its disk has `need` bytes and `reserve`
/// more free.
pub(crate) fn ensure_room(dir: &Path, need: u64, reserve: u64) -> Result<()> {
    match free_bytes(dir) {
        Some(free) if free < need.saturating_add(reserve) => Err(Error::DiskFull {
            path: dir.to_path_buf(),
            kept: None,
        }),
        _ => Ok(()),
    }
}

/// The bytes of every file under `path` (0 when it cannot be read).
pub(crate) fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}
