//! The wallet's one Ed25519 signature check, alone or in batches, with one verdict.
//!
//! A signature is valid when (RFC 8032 §5.1.7, with the cofactored equation it states first):
//! - the key `A` and the signature's `R` are canonical encodings of curve points (§5.1.3);
//! - neither `A` nor `R` is a point of small order (a "weak" key, a degenerate `R`);
//! - the signature's `S` is less than ℓ;
//! - `[8][S]B = [8]R + [8][k]A`.
//!
//! The equation (with the bound on `S`) comes from `ed25519-zebra`, which implements ZIP 215:
//! its batch verification accepts a batch exactly when every signature in it is accepted
//! alone. The encoding and small-order rules are checked here, one signature at a time, before
//! a signature may join a batch. So a credential gets the same verdict in a bulk import as when
//! it is checked on its own, on any machine and in the verifier page.
//!
//! Why not ed25519-dalek's `verify_strict`: it checks the cofactorless equation
//! `[S]B = R + [k]A`, which no batch verifier reproduces (dalek's own `verify_batch` documents
//! that it may accept what single verification rejects). The two equations disagree only for
//! an `R` or `A` with a small-order component added, which only the holder of the signing key
//! can produce; such a signature is not a forgery.

use curve25519_dalek::constants::EIGHT_TORSION;
use ed25519_dalek::Signature;
use ed25519_zebra::batch::Item;
use ed25519_zebra::VerificationKeyBytes;
use std::cell::RefCell;
use std::sync::LazyLock;

/// The signature does not verify under the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadSignature;

/// Verify `sig` over `msg` under the 32-byte Ed25519 key `key`.
///
/// Inside [`deferred`] on the same thread, the per-signature rules are checked now and the
/// equation is left for the batch ([`Pending`]); the signature counts as valid until then.
pub fn verify(key: &[u8; 32], msg: &[u8], sig: &Signature) -> Result<(), BadSignature> {
    if !acceptable_point(key) || !acceptable_point(sig.r_bytes()) {
        return Err(BadSignature);
    }
    let item = Item::from((VerificationKeyBytes::from(*key), *sig, msg));
    let item = DEFERRED.with_borrow_mut(|pending| match pending {
        Some(pending) => {
            pending.push(item);
            None
        }
        None => Some(item),
    });
    match item {
        None => Ok(()),
        Some(item) => item.verify_single().map_err(|_| BadSignature),
    }
}

/// Equations left to check by [`deferred`].
#[derive(Debug, Default)]
pub struct Pending(Vec<Item>);

impl Pending {
    /// Whether nothing is left to check.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Check each equation on its own: exactly the verdict [`verify`] would have given.
    pub fn verify_each(&self) -> bool {
        self.0
            .iter()
            .all(|item| item.clone().verify_single().is_ok())
    }

    /// Check the equations of all `sets` in one batch: `true` only if every one holds (up to a
    /// chance of 2⁻¹²⁸ per batch); on `false`, [`Pending::verify_each`] says which set fails.
    #[cfg(feature = "wallet")]
    pub fn verify_all<'a>(sets: impl IntoIterator<Item = &'a Pending>) -> bool {
        let mut batch = ed25519_zebra::batch::Verifier::new();
        for set in sets {
            for item in &set.0 {
                batch.queue(item.clone());
            }
        }
        batch.verify(rand_core::OsRng).is_ok()
    }
}

thread_local! {
    static DEFERRED: RefCell<Option<Vec<Item>>> = const { RefCell::new(None) };
}

/// Run `f` with the signature equations it meets deferred; returns them with `f`'s result.
/// Until they are checked, `f`'s result treats every deferred signature as valid.
pub fn deferred<R>(f: impl FnOnce() -> R) -> (R, Pending) {
    /// Restores the enclosing scope's list, even if `f` unwinds.
    struct Scope(Option<Vec<Item>>);
    impl Drop for Scope {
        fn drop(&mut self) {
            let outer = self.0.take();
            DEFERRED.with_borrow_mut(|pending| *pending = outer);
        }
    }
    let scope = Scope(DEFERRED.with_borrow_mut(|pending| pending.replace(Vec::new())));
    let result = f();
    let items = DEFERRED.with_borrow_mut(Option::take).unwrap_or_default();
    drop(scope);
    (result, Pending(items))
}

/// p = 2²⁵⁵ − 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// y = 1 and y = −1: the two points whose x is 0.
const ONE: [u8; 32] = {
    let mut one = [0; 32];
    one[0] = 1;
    one
};
const P_MINUS_ONE: [u8; 32] = {
    let mut m = P;
    m[0] -= 1;
    m
};

/// The canonical encodings of the eight points of small order.
static SMALL_ORDER: LazyLock<[[u8; 32]; 8]> =
    LazyLock::new(|| EIGHT_TORSION.map(|point| point.compress().to_bytes()));

/// A canonical encoding (y < p; no sign bit on the two points whose x is 0) of a point that
/// is not of small order. Whether it is on the curve at all is left to the equation.
fn acceptable_point(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    y[31] &= 0x7f;
    let negative = bytes[31] & 0x80 != 0;
    // Compare y with p from the most significant byte down.
    let below_p = y
        .iter()
        .rev()
        .zip(P.iter().rev())
        .find(|(a, b)| a != b)
        .is_some_and(|(a, b)| a < b);
    let x_is_zero = y == ONE || y == P_MINUS_ONE;
    below_p && !(negative && x_is_zero) && !SMALL_ORDER.contains(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    #[test]
    fn accepts_a_good_signature_and_rejects_a_changed_message() {
        let k = key();
        let sig = k.sign(b"hello");
        assert_eq!(verify(k.verifying_key().as_bytes(), b"hello", &sig), Ok(()));
        assert_eq!(
            verify(k.verifying_key().as_bytes(), b"hellO", &sig),
            Err(BadSignature)
        );
    }

    #[test]
    fn rejects_non_canonical_and_small_order_points() {
        let k = key();
        let sig = k.sign(b"m");
        // S + ℓ: the same signature with a non-canonical scalar.
        let mut wide = sig.to_bytes();
        // ℓ = 2²⁵² + 27742317777372353535851937790883648493, little-endian.
        let mut l = [0u8; 32];
        l[..16].copy_from_slice(&[
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14,
        ]);
        l[31] = 0x10;
        let mut carry = 0u16;
        for i in 0..32 {
            let s = u16::from(wide[32 + i]) + u16::from(l[i]) + carry;
            wide[32 + i] = s as u8;
            carry = s >> 8;
        }
        assert_eq!(
            verify(
                k.verifying_key().as_bytes(),
                b"m",
                &Signature::from_bytes(&wide)
            ),
            Err(BadSignature)
        );
        // A weak (small-order) key, and y ≥ p.
        for small in SMALL_ORDER.iter() {
            assert!(!acceptable_point(small));
        }
        let mut y_is_p = P;
        y_is_p[0] = 0xee;
        assert!(!acceptable_point(&P) && !acceptable_point(&y_is_p));
        assert!(acceptable_point(k.verifying_key().as_bytes()));
        // The identity with its sign bit set (x = 0 has no negative).
        let mut neg_identity = [0; 32];
        neg_identity[0] = 1;
        neg_identity[31] = 0x80;
        assert!(!acceptable_point(&neg_identity));
    }

    #[cfg(feature = "wallet")]
    #[test]
    fn a_deferred_check_gives_the_same_verdict_alone_and_in_a_batch() {
        let k = key();
        let good = k.sign(b"one");
        let ((), pending) = deferred(|| {
            assert_eq!(verify(k.verifying_key().as_bytes(), b"one", &good), Ok(()));
            // Provisionally valid: the equation is left for the batch.
            assert_eq!(verify(k.verifying_key().as_bytes(), b"two", &good), Ok(()));
        });
        assert!(!pending.is_empty());
        assert!(!pending.verify_each());
        assert!(!Pending::verify_all([&pending]));
        let ((), fine) = deferred(|| {
            verify(k.verifying_key().as_bytes(), b"one", &good).ok();
        });
        assert!(fine.verify_each() && Pending::verify_all([&fine]));
        // Outside `deferred`, checks happen at once again.
        assert_eq!(
            verify(k.verifying_key().as_bytes(), b"two", &good),
            Err(BadSignature)
        );
    }
}
