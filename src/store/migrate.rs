//! Migrations of the on-disk layout, run by [`Wallet::open`] when the schema version in the
//! index is older than [`SCHEMA_VERSION`].

use super::index::{self, NewCredential, StoredCredential};
use super::{Wallet, BATCH, META_SCHEMA, SCHEMA_VERSION};
use crate::{Error, Result};

impl Wallet {
    /// Schema 1 → 2: every original file of the old index goes into packs (its frame
    /// unchanged), its record (not re-verified) into the new index; then the old trees are
    /// dropped, the version set, the index flushed, and only then the old files removed. An
    /// interrupted migration runs again from the start on the next open (packs are
    /// deterministic, so rewriting them is harmless).
    pub(super) fn migrate_from_1(&self) -> Result<()> {
        let old = self
            .db
            .open_tree("credentials")
            .map_err(|e| self.damaged(e))?;
        self.index.clear().map_err(|e| self.damaged(e))?;
        let mut migrated = Vec::new();
        let mut items = Vec::new();
        for item in old.iter() {
            let (k, v) = item.map_err(|e| self.damaged(e))?;
            let name = String::from_utf8_lossy(&k).to_string();
            let plain = index::unpack_legacy(&self.unseal(&v, &k)?)?;
            let record: StoredCredential =
                serde_json::from_slice(&plain).map_err(|e| Error::WalletDamaged {
                    path: self.dir.clone(),
                    detail: format!("index entry {name} unreadable ({e}); run `mcx repair`"),
                })?;
            // An entry whose file is gone has nothing left to migrate.
            let Ok(frame) = self.originals.read_legacy(&name) else {
                continue;
            };
            migrated.push(name);
            items.push(NewCredential { record, frame });
            if items.len() == BATCH {
                self.store_batch(std::mem::take(&mut items))?;
            }
        }
        self.store_batch(items)?;
        for tree in ["credentials", "summaries", "ids"] {
            self.db.drop_tree(tree).map_err(|e| self.damaged(e))?;
        }
        self.db
            .insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())
            .map_err(|e| self.damaged(e))?;
        self.flush()?;
        for name in &migrated {
            self.originals.remove_legacy(name)?;
        }
        self.originals.sync_dir()
    }
}

#[cfg(test)]
mod tests {
    use super::super::originals::{Header, Originals};
    use super::super::test_util::signed;
    use super::*;

    /// A schema-1 wallet (one file per original, a record per credential in the
    /// `credentials` tree) opens as schema 2 with the same credentials, records and bytes.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn a_schema_1_wallet_is_migrated_on_open() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let originals = signed(3);
        let env = crate::verify::Env::default();
        let mut names = Vec::new();
        {
            std::fs::create_dir_all(dir.join("originals")).unwrap();
            let db = sled::Config::new()
                .path(dir.join("index.sled"))
                .open()
                .unwrap();
            db.insert(META_SCHEMA, &1u32.to_be_bytes()).unwrap();
            let credentials = db.open_tree("credentials").unwrap();
            for (i, original) in originals.iter().enumerate() {
                use sha2::Digest;
                let name = super::super::crypto::hex(&sha2::Sha256::digest(original));
                let header = Header {
                    imported_at: "2025-06-01T00:00:00Z".into(),
                    source: Some(format!("cred-{i}.json")),
                    forced: false,
                };
                let frame = Originals::encode(&name, &header, original, None).unwrap();
                std::fs::write(dir.join("originals").join(format!("{name}.mcx")), frame).unwrap();
                let doc = crate::formats::parse_document(original).unwrap();
                let verification = crate::verify::verify_document(&doc, &env, chrono::Utc::now());
                let rec = StoredCredential {
                    id: name.clone(),
                    credential_id: verification.credential.id.clone(),
                    imported_at: header.imported_at.clone(),
                    source: header.source.clone(),
                    forced: false,
                    verification,
                };
                credentials
                    .insert(name.as_bytes(), serde_json::to_vec(&rec).unwrap())
                    .unwrap();
                names.push(name);
            }
            db.open_tree("summaries").unwrap();
            db.open_tree("ids").unwrap();
            db.flush().unwrap();
        }
        let wallet = Wallet::open(dir).unwrap();
        assert_eq!(wallet.count().unwrap(), 3);
        for (name, original) in names.iter().zip(&originals) {
            assert_eq!(&wallet.original(name).unwrap(), original);
            assert_eq!(
                wallet.get(name).unwrap().imported_at,
                "2025-06-01T00:00:00Z"
            );
        }
        assert!(wallet
            .id_for_credential_id("urn:uuid:00000000-0000-4000-8000-000000000001")
            .unwrap()
            .is_some());
        let scan = wallet.originals.scan().unwrap();
        assert!(scan.legacy.is_empty());
        assert_eq!(scan.packs.len(), 1);
        assert_eq!(
            wallet
                .page(super::super::SortKey::Date, 0, 50)
                .unwrap()
                .len(),
            3
        );
        drop(wallet);
        // Reopening finds schema 2 and changes nothing.
        let wallet = Wallet::open(dir).unwrap();
        assert_eq!(wallet.list(super::super::SortKey::Issuer).unwrap().len(), 3);
    }
}
