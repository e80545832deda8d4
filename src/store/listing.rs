//! Listing: the summary rows of every credential in a listing order, and the precomputed
//! first page of each order (kept in the index under `p`, rewritten with every batch in the
//! same atomic sled batch), so opening a wallet shows its first page without decoding every
//! row.

use super::index::{deflate, inflate, json, CredentialSummary, NAME_PREFIX, PAGE_KEY};
use super::Wallet;
use crate::Result;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Rows kept precomputed for each listing order.
pub const FIRST_PAGE: usize = 50;

/// How to sort a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    /// Newest first.
    Date,
    /// By issuer name.
    Issuer,
    /// Most ECTS first.
    Ects,
}

/// Every credential's row with the wallet's totals, so that no interface adds ECTS itself.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    /// The rows, sorted.
    pub rows: Vec<CredentialSummary>,
    /// ECTS of the verified credentials (latest check valid, not forced in), summed in hundredths.
    pub verified_ects: f64,
}

/// Sort rows in a listing order; ties are broken by wallet id so every listing (and the
/// precomputed first page) agrees.
pub fn sort_rows(rows: &mut [CredentialSummary], sort: SortKey) {
    match sort {
        SortKey::Date => rows.sort_by(|a, b| b.issued.cmp(&a.issued).then(a.id.cmp(&b.id))),
        SortKey::Issuer => rows.sort_by(|a, b| {
            a.issuer
                .cmp(&b.issuer)
                .then(a.title.cmp(&b.title))
                .then(a.id.cmp(&b.id))
        }),
        SortKey::Ects => rows.sort_by(|a, b| {
            b.ects
                .unwrap_or(0.0)
                .total_cmp(&a.ects.unwrap_or(0.0))
                .then(a.id.cmp(&b.id))
        }),
    }
}

/// The precomputed first page of each listing order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct FirstPage {
    date: Vec<CredentialSummary>,
    issuer: Vec<CredentialSummary>,
    ects: Vec<CredentialSummary>,
}

impl FirstPage {
    pub(super) fn of(&self, sort: SortKey) -> &Vec<CredentialSummary> {
        match sort {
            SortKey::Date => &self.date,
            SortKey::Issuer => &self.issuer,
            SortKey::Ects => &self.ects,
        }
    }

    pub(super) fn merge(&mut self, rows: &[CredentialSummary]) {
        for (v, sort) in [
            (&mut self.date, SortKey::Date),
            (&mut self.issuer, SortKey::Issuer),
            (&mut self.ects, SortKey::Ects),
        ] {
            v.extend(rows.iter().cloned());
            sort_rows(v, sort);
            v.truncate(FIRST_PAGE);
        }
    }
}

impl Wallet {
    pub(super) fn encode_page(&self, page: &FirstPage) -> Result<Vec<u8>> {
        Ok(self.seal(&deflate(&json(page)?), PAGE_KEY))
    }

    pub(super) fn first_page(&self) -> Result<Option<FirstPage>> {
        let Some(v) = self.index.get(PAGE_KEY).map_err(|e| self.damaged(e))? else {
            return Ok(None);
        };
        let plain = inflate(&self.unseal(&v, PAGE_KEY)?)?;
        serde_json::from_slice(&plain)
            .map(Some)
            .map_err(|e| self.unreadable(&e.to_string()))
    }

    pub(super) fn compute_first_page(&self) -> Result<FirstPage> {
        let mut page = FirstPage::default();
        page.merge(&self.all_rows()?);
        Ok(page)
    }

    /// Rebuild the precomputed first page from every row (after a re-check). Not flushed.
    pub(crate) fn refresh_first_page(&self) -> Result<()> {
        let page = self.compute_first_page()?;
        self.index
            .insert(PAGE_KEY, self.encode_page(&page)?)
            .map_err(|e| self.damaged(e))?;
        Ok(())
    }

    pub(super) fn all_rows(&self) -> Result<Vec<CredentialSummary>> {
        let mut rows = Vec::new();
        for item in self.batches() {
            let (k, v) = item?;
            rows.extend(
                self.decode_rows(&k, &v)?
                    .rows
                    .into_iter()
                    .map(|r| r.summary),
            );
        }
        Ok(rows)
    }

    /// How many credentials the wallet holds.
    pub fn count(&self) -> Result<usize> {
        let mut n = 0;
        for k in self.index.scan_prefix([NAME_PREFIX]).keys() {
            k.map_err(|e| self.damaged(e))?;
            n += 1;
        }
        Ok(n)
    }

    /// The summary rows of every credential, sorted.
    pub fn list(&self, sort: SortKey) -> Result<Vec<CredentialSummary>> {
        let mut rows = self.all_rows()?;
        sort_rows(&mut rows, sort);
        Ok(rows)
    }

    /// [`Wallet::list`] with the wallet's totals.
    pub fn listing(&self, sort: SortKey) -> Result<Listing> {
        let rows = self.list(sort)?;
        let verified_ects = crate::stack::ects_total(
            rows.iter()
                .filter(|r| r.is_verified())
                .filter_map(|r| r.ects),
        );
        Ok(Listing {
            rows,
            verified_ects,
        })
    }

    /// The first [`FIRST_PAGE`] rows of a listing (precomputed).
    pub fn first_page_of(&self, sort: SortKey) -> Result<Vec<CredentialSummary>> {
        self.page(sort, 0, FIRST_PAGE)
    }

    /// `limit` rows of a listing from `offset`. The first page of each order is kept
    /// precomputed, so showing it does not decode every row.
    pub fn page(
        &self,
        sort: SortKey,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<CredentialSummary>> {
        if offset + limit <= FIRST_PAGE {
            if let Some(page) = self.first_page()? {
                return Ok(page
                    .of(sort)
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .cloned()
                    .collect());
            }
        }
        Ok(self
            .list(sort)?
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::signed;
    use super::super::ImportItem;
    use super::*;

    /// The precomputed first page always equals the head of the full listing: after
    /// imports in several batches, a removal from the first page, and a re-check.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn the_first_page_agrees_with_the_full_listing() {
        let tmp = tempfile::tempdir().unwrap();
        let wallet = Wallet::open(tmp.path()).unwrap();
        let items = |range: std::ops::Range<usize>, all: &[Vec<u8>]| {
            all[range]
                .iter()
                .map(|b| ImportItem {
                    bytes: b.clone(),
                    source: "test".into(),
                })
                .collect::<Vec<_>>()
        };
        let all = signed(120);
        let now = chrono::Utc::now();
        wallet
            .import(items(0..70, &all), false, now, &mut |_, _| {})
            .unwrap();
        wallet
            .import(items(70..120, &all), false, now, &mut |_, _| {})
            .unwrap();
        let check = |w: &Wallet| {
            for sort in [SortKey::Date, SortKey::Issuer, SortKey::Ects] {
                let ids = |rows: Vec<CredentialSummary>| -> Vec<String> {
                    rows.into_iter().map(|r| r.id).collect()
                };
                let full = ids(w.list(sort).unwrap());
                assert_eq!(
                    ids(w.page(sort, 0, FIRST_PAGE).unwrap()),
                    full[..FIRST_PAGE]
                );
                assert_eq!(ids(w.page(sort, 10, 20).unwrap()), full[10..30]);
                assert_eq!(ids(w.page(sort, 40, 30).unwrap()), full[40..70]);
            }
        };
        check(&wallet);
        assert_eq!(wallet.count().unwrap(), 120);
        let first = wallet.page(SortKey::Date, 0, 1).unwrap()[0].id.clone();
        wallet.remove(&first).unwrap();
        assert_eq!(wallet.count().unwrap(), 119);
        assert!(wallet
            .list(SortKey::Date)
            .unwrap()
            .iter()
            .all(|r| r.id != first));
        check(&wallet);
        wallet.reverify(now).unwrap();
        check(&wallet);
        drop(wallet);
        let wallet = Wallet::open(tmp.path()).unwrap();
        check(&wallet);
        // The removed credential's original is gone from the packs too.
        let report = wallet.repair(now).unwrap();
        assert_eq!(report.restored, 119);
        check(&wallet);
    }

    /// The demo wallet: ten credentials, two of them forced in although invalid (4 and 3
    /// ECTS); only the other eight's ECTS are verified.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn the_listing_totals_only_verified_ects() {
        let tmp = tempfile::tempdir().unwrap();
        let wallet = Wallet::open(tmp.path()).unwrap();
        wallet.load_demo(chrono::Utc::now()).unwrap();
        let listing = wallet.listing(SortKey::Ects).unwrap();
        assert_eq!(listing.rows.len(), 10);
        assert_eq!(listing.verified_ects, 35.0);
        let all: f64 = listing.rows.iter().filter_map(|r| r.ects).sum();
        assert_eq!(all, 42.0);
    }
}
