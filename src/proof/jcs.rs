//! RFC 8785 JSON Canonicalization Scheme, over `serde_json` values, through the maintained
//! `serde_json_canonicalizer` crate (checked here against the RFC author's vectors).

use serde_json::Value;

/// The canonical UTF-8 bytes of `v` (RFC 8785 §3.2).
pub fn canonicalize(v: &Value) -> Result<Vec<u8>, String> {
    serde_json_canonicalizer::to_vec(v).map_err(|e| format!("cannot canonicalise JSON: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn rfc8785_vectors_canonicalise_byte_for_byte() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rfc8785-jcs");
        let mut n = 0;
        for entry in std::fs::read_dir(root.join("input")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_owned();
            let input: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let expected = std::fs::read(root.join("output").join(&name)).unwrap();
            assert_eq!(super::canonicalize(&input).unwrap(), expected, "{name:?}");
            n += 1;
        }
        assert!(n >= 6, "only {n} vectors found");
    }
}
