//! Removing a credential, and packs that nothing refers to. Packs are immutable: removing a
//! credential writes a new pack without it, points the index at it in one atomic batch, then
//! deletes the old pack. A pack written by an import that was interrupted before its index
//! entries were (an orphan) is deleted on open once every original in it is indexed from
//! another pack; otherwise it is kept for `repair`.

use super::index::{batch_key, id_key, name_key, pack_key, StoredCredential, PAGE_KEY};
use super::listing::FirstPage;
use super::originals::Originals;
use super::Wallet;
use crate::{Error, Result};

impl Wallet {
    /// Remove a credential: a new pack without its original replaces the old one, the index
    /// is updated in one atomic batch and flushed, then the old pack is deleted.
    pub fn remove(&self, id: &str) -> Result<StoredCredential> {
        self.writable()?;
        let key = self.resolve_id(id)?;
        let no = self
            .batch_of(&key)?
            .ok_or_else(|| Error::NotFound(format!("credential {id}")))?;
        let bk = batch_key(no);
        let mut batch = self.load_batch(no)?;
        let at = batch
            .records
            .iter()
            .position(|r| r.id == key)
            .ok_or_else(|| self.unreadable("a credential is missing from its batch"))?;
        let rec = batch.records.remove(at);
        batch.rows.rows.remove(at);
        let old_pack = batch.rows.pack.clone();
        let mut b = sled::Batch::default();
        b.remove(name_key(&rec.id));
        if let Some(cid) = &rec.credential_id {
            b.remove(id_key(&self.name_of(cid.as_bytes())));
        }
        b.remove(pack_key(&old_pack));
        if batch.records.is_empty() {
            b.remove(bk);
        } else {
            let bytes = self.originals.read_pack(&old_pack)?;
            let frames: Vec<(String, Vec<u8>)> = batch
                .rows
                .rows
                .iter()
                .map(|r| {
                    bytes
                        .get(r.offset as usize..)
                        .and_then(|f| f.get(..r.len as usize))
                        .map(|f| (r.summary.id.clone(), f.to_vec()))
                        .ok_or_else(|| self.damaged_original(&r.summary.id, "pack cut off"))
                })
                .collect::<Result<_>>()?;
            let (pack, entries) = self.originals.write_pack(&frames)?;
            for (row, e) in batch.rows.rows.iter_mut().zip(&entries) {
                row.offset = e.offset;
                row.len = e.len;
            }
            b.insert(pack_key(&pack), &[][..]);
            batch.rows.pack = pack;
            b.insert(bk.clone(), self.encode_batch(&bk, &batch)?);
        }
        let mut rows = self.all_rows()?;
        rows.retain(|r| r.id != rec.id);
        // Another version of the same credential now answers to its id.
        if let Some(other) = rows
            .iter()
            .find(|r| r.credential_id.is_some() && r.credential_id == rec.credential_id)
        {
            if let Some(cid) = &rec.credential_id {
                b.insert(
                    id_key(&self.name_of(cid.as_bytes())),
                    name_key(&other.id)[1..].to_vec(),
                );
            }
        }
        let mut page = FirstPage::default();
        page.merge(&rows);
        b.insert(PAGE_KEY, self.encode_page(&page)?);
        self.index.apply_batch(b).map_err(|e| self.damaged(e))?;
        self.flush()?;
        if batch.records.is_empty() || batch.rows.pack != old_pack {
            self.originals.remove_pack(&old_pack)?;
        }
        // A copy in a pack left by an interrupted import goes too.
        for orphan in self.orphan_packs()? {
            let bytes = self.originals.read_pack(&orphan)?;
            let (entries, _) = Originals::parse_pack(&bytes);
            if entries.iter().any(|e| e.name == rec.id) {
                let rest: Vec<(String, Vec<u8>)> = entries
                    .iter()
                    .filter(|e| e.name != rec.id)
                    .map(|e| {
                        let frame = &bytes[e.offset as usize..][..e.len as usize];
                        (e.name.clone(), frame.to_vec())
                    })
                    .collect();
                if !rest.is_empty() {
                    self.originals.write_pack(&rest)?;
                }
                self.originals.remove_pack(&orphan)?;
            }
        }
        self.originals.sync_dir()?;
        Ok(rec)
    }

    /// Packs on disk that the index does not refer to: left by an import interrupted after
    /// its pack was written and before its index entries were.
    fn orphan_packs(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for pack in self.originals.scan()?.packs {
            if !self
                .index
                .contains_key(pack_key(&pack))
                .map_err(|e| self.damaged(e))?
            {
                out.push(pack);
            }
        }
        Ok(out)
    }

    /// Delete packs left by interrupted imports whose every original is indexed from another
    /// pack that exists (the import was repeated). Anything else is kept for `repair`.
    pub(crate) fn collect_orphan_packs(&self) -> Result<usize> {
        let mut removed = 0;
        for orphan in self.orphan_packs()? {
            let bytes = self.originals.read_pack(&orphan)?;
            let (entries, problems) = Originals::parse_pack(&bytes);
            if !problems.is_empty() || entries.is_empty() {
                continue;
            }
            let mut redundant = true;
            for e in &entries {
                let elsewhere = match self.batch_of(&e.name)? {
                    Some(no) => {
                        let bk = batch_key(no);
                        match self.index.get(&bk).map_err(|e| self.damaged(e))? {
                            Some(v) => {
                                let pack = self.decode_rows(&bk, &v)?.pack;
                                pack != orphan && self.originals.pack_exists(&pack)
                            }
                            None => false,
                        }
                    }
                    None => false,
                };
                if !elsewhere {
                    redundant = false;
                    break;
                }
            }
            if redundant {
                self.originals.remove_pack(&orphan)?;
                removed += 1;
            }
        }
        if removed > 0 {
            self.originals.sync_dir()?;
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::super::originals::Header;
    use super::super::test_util::signed;
    use super::super::ImportItem;
    use super::*;

    /// A pack left by an interrupted import is deleted on open only when every original in
    /// it is indexed from another pack; otherwise it stays for `repair`, and a removed
    /// credential does not survive in it.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn packs_left_by_interrupted_imports() {
        let tmp = tempfile::tempdir().unwrap();
        let all = signed(4);
        let now = chrono::Utc::now();
        let item = |b: &Vec<u8>| ImportItem {
            bytes: b.clone(),
            source: "test".into(),
        };
        let wallet = Wallet::open(tmp.path()).unwrap();
        wallet
            .import(
                all[..2].iter().map(item).collect(),
                false,
                now,
                &mut |_, _| {},
            )
            .unwrap();
        let header = Header {
            imported_at: "2025-01-01T00:00:00Z".into(),
            source: None,
            forced: false,
        };
        let frame = |b: &[u8]| {
            let name = wallet.name_of(b);
            let f = Originals::encode(&name, &header, b, None).unwrap();
            (name, f)
        };
        // A copy of what is indexed: redundant.
        let (copy, _) = wallet
            .originals
            .write_pack(&[frame(&all[0]), frame(&all[1])])
            .unwrap();
        // Credentials 2 and 3, never indexed, one of them also indexed later and removed.
        let (kept, _) = wallet
            .originals
            .write_pack(&[frame(&all[2]), frame(&all[3])])
            .unwrap();
        drop(wallet);
        let wallet = Wallet::open(tmp.path()).unwrap();
        assert!(!wallet.originals.pack_exists(&copy));
        assert!(wallet.originals.pack_exists(&kept));
        wallet
            .import(vec![item(&all[2])], false, now, &mut |_, _| {})
            .unwrap();
        let removed = wallet.name_of(&all[2]);
        wallet.remove(&removed).unwrap();
        assert!(!wallet.originals.pack_exists(&kept));
        let report = wallet.repair(now).unwrap();
        assert_eq!(report.restored, 3);
        assert!(!wallet.contains(&removed).unwrap());
        assert!(wallet.contains(&wallet.name_of(&all[3])).unwrap());
    }
}
