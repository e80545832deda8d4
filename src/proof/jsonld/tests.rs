//! Tests for JSON-LD → RDF → RDFC-1.0 against the W3C and 1EdTech vectors (copied under
//! `tests/fixtures/`), pinned `jsonld.canonize` outputs, and hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use serde_json::{json, Value};

macro_rules! fixture {
    ($p:literal) => {
        include_str!(concat!("../../../tests/fixtures/", $p))
    };
}

fn j(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn canon(doc: &Value) -> String {
    canonicalize(doc, &ContextLoader::bundled()).unwrap()
}

/// The proof configuration as Data Integrity hashes it: the proof options with the
/// document's `@context`.
fn proof_config(cfg: &str, ctx: &Value) -> Value {
    let mut c = j(cfg);
    c.as_object_mut()
        .unwrap()
        .insert("@context".into(), ctx.clone());
    c
}

fn without_proof(s: &str) -> Value {
    let mut d = j(s);
    d.as_object_mut().unwrap().remove("proof");
    d
}

#[test]
fn w3c_eddsa_rdfc_2022_alumni() {
    let doc = j(fixture!("w3c-vc-di-eddsa/unsigned.json"));
    assert_eq!(
        canon(&doc),
        fixture!("w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt")
    );
    let cfg = proof_config(
        fixture!("w3c-vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json"),
        &doc["@context"],
    );
    assert_eq!(
        canon(&cfg),
        fixture!("w3c-vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt")
    );
    let signed = without_proof(fixture!(
        "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"
    ));
    assert_eq!(
        canon(&signed),
        fixture!("w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt")
    );
}

#[test]
fn w3c_eddsa_rdfc_2022_employment() {
    let doc = j(fixture!("w3c-vc-di-eddsa/employmentAuth.json"));
    assert_eq!(
        canon(&doc),
        fixture!("w3c-vc-di-eddsa/eddsa-rdfc-2022/employ/canonDocDataInt.txt")
    );
    let cfg = proof_config(
        fixture!("w3c-vc-di-eddsa/eddsa-rdfc-2022/employ/proofConfigDataInt.json"),
        &doc["@context"],
    );
    assert_eq!(
        canon(&cfg),
        fixture!("w3c-vc-di-eddsa/eddsa-rdfc-2022/employ/proofCanonDataInt.txt")
    );
}

#[test]
fn w3c_ed25519_signature_2020() {
    let doc = without_proof(fixture!(
        "w3c-vc-di-eddsa/Ed25519Signature2020/signedEdSig.json"
    ));
    assert_eq!(
        canon(&doc),
        fixture!("w3c-vc-di-eddsa/Ed25519Signature2020/canonDocEdSig.txt")
    );
    let cfg = proof_config(
        fixture!("w3c-vc-di-eddsa/Ed25519Signature2020/proofConfigEdSig.json"),
        &doc["@context"],
    );
    assert_eq!(
        canon(&cfg),
        fixture!("w3c-vc-di-eddsa/Ed25519Signature2020/proofCanonEdSig.txt")
    );
}

fn ob_spec(cred: &str, signed: &str, doc_canon: &str, proof_canon: &str, vector: &str) {
    let doc = j(cred);
    assert_eq!(canon(&doc), doc_canon);
    assert_eq!(canon(&without_proof(signed)), doc_canon);
    let v = j(vector);
    let cfg = proof_config(&v["proofConfig"].to_string(), &doc["@context"]);
    assert_eq!(canon(&cfg), proof_canon);
}

#[test]
fn onedtech_ob30_vector() {
    ob_spec(
        fixture!("ob-spec/obv3p0/credential.json"),
        fixture!("ob-spec/obv3p0/signed-credential.json"),
        fixture!("ob-spec/obv3p0/document-canon.txt"),
        fixture!("ob-spec/obv3p0/proof-canon.txt"),
        fixture!("ob-spec/obv3p0/vector.json"),
    );
}

#[test]
fn onedtech_clr20_vector() {
    ob_spec(
        fixture!("ob-spec/clrv2p0/credential.json"),
        fixture!("ob-spec/clrv2p0/signed-credential.json"),
        fixture!("ob-spec/clrv2p0/document-canon.txt"),
        fixture!("ob-spec/clrv2p0/proof-canon.txt"),
        fixture!("ob-spec/clrv2p0/vector.json"),
    );
}

#[test]
fn native_numbers_follow_json_ld_to_rdf() {
    assert_eq!(nquads::double_lexical(2.5), "2.5E0");
    assert_eq!(nquads::double_lexical(10.0), "1.0E1");
    assert_eq!(nquads::double_lexical(0.1 + 0.2), "3.0E-1");
    assert_eq!(nquads::double_lexical(-1.25e-7), "-1.25E-7");
    assert_eq!(nquads::double_lexical(1e21), "1.0E21");
    assert_eq!(
        nquads::integer_lexical(12_345_678_901_234_567_890_f64),
        "12345678901234567168"
    );
    assert_eq!(nquads::js_number_string(1e21), "1e+21");
    assert_eq!(nquads::js_number_string(0.000001), "0.000001");
    assert_eq!(nquads::js_number_string(1.5e-7), "1.5e-7");
}

#[test]
fn fractional_credits_are_canonical_doubles_like_jsonld_js() {
    let doc = j(fixture!("canon/ob30_credits-float.json"));
    let out = canon(&doc);
    assert!(out.contains(
        "<https://example.com/achievements/21st-century-skills/teamwork> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsAvailable> \"2.5E0\"^^<https://www.w3.org/2001/XMLSchema#float> .\n"
    ));
    assert!(out.contains(
        "<did:example:ebfeb1f712ebc6f1c276e12ec21> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsEarned> \"10\"^^<https://www.w3.org/2001/XMLSchema#float> .\n"
    ));
    assert_eq!(out, fixture!("canon/ob30_credits-float.nq"));
}

/// Every 1EdTech OB 3.0 / CLR 2.0 credential (proof removed) against what JS
/// `jsonld.canonize` (safe mode, `rdfDirection: i18n-datatype`) produced for it: the same
/// N-Quads, or an error of the same kind.
#[test]
fn onedtech_corpus_matches_jsonld_js() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/canon");
    let loader = ContextLoader::bundled();
    let mut equal = 0;
    let mut errors = 0;
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    for path in names {
        let doc = without_proof(&std::fs::read_to_string(&path).unwrap());
        let got = canonicalize(&doc, &loader);
        let nq = path.with_extension("nq");
        let err = path.with_extension("err");
        if nq.exists() {
            assert_eq!(
                got.as_deref().ok(),
                Some(std::fs::read_to_string(&nq).unwrap().as_str()),
                "{path:?}: {got:?}"
            );
            equal += 1;
        } else {
            let code = std::fs::read_to_string(&err).unwrap();
            match (code.trim(), got) {
                ("unknown-context", Err(JsonLdError::UnknownContext(_))) => {}
                (c, Err(JsonLdError::Unsafe { code, .. })) if c == code => {}
                (c, other) => panic!("{path:?}: expected {c}, got {other:?}"),
            }
            errors += 1;
        }
    }
    assert!(equal >= 20, "only {equal} equal");
    assert!(errors >= 10, "only {errors} errors");
}

#[test]
fn unknown_context_is_distinct() {
    let doc = json!({"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/unknown/v1"], "type": "VerifiableCredential"});
    assert_eq!(
        canonicalize(&doc, &ContextLoader::bundled()),
        Err(JsonLdError::UnknownContext(
            "https://example.org/unknown/v1".into()
        ))
    );
    let loader = ContextLoader::bundled().with_extra(
        "https://example.org/unknown/v1",
        json!({"@context": {"extra": "https://example.org/vocab#extra"}}),
    );
    let doc = json!({"@context": ["https://www.w3.org/2018/credentials/v1", "https://example.org/unknown/v1"],
        "id": "urn:x", "extra": "y"});
    assert_eq!(
        canonicalize(&doc, &loader).unwrap(),
        "<urn:x> <https://example.org/vocab#extra> \"y\" .\n"
    );
}

#[test]
fn protected_term_redefinition_is_an_error() {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", {"name": "https://evil.example/name"}],
        "name": "x"
    });
    assert_eq!(
        canonicalize(&doc, &ContextLoader::bundled()),
        Err(JsonLdError::ProtectedTermRedefinition("name".into()))
    );
    // Redefining with an identical definition is allowed.
    let same = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", {"name": "https://schema.org/name"}],
        "id": "urn:a", "name": "x"
    });
    assert_eq!(canon(&same), "<urn:a> <https://schema.org/name> \"x\" .\n");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let run = || {
        let mut text =
            String::from("{\"@context\": {\"@vocab\": \"https://example.org/#\"}, \"a\": ");
        for _ in 0..10_000 {
            text.push_str("{\"a\": ");
        }
        text.push('1');
        for _ in 0..10_000 {
            text.push('}');
        }
        text.push('}');
        // serde_json itself refuses > 128 levels; build the value without it.
        let mut v = json!(1);
        for _ in 0..10_000 {
            let mut m = serde_json::Map::new();
            m.insert("a".into(), v);
            v = Value::Object(m);
        }
        let doc = json!({"@context": {"@vocab": "https://example.org/#"}, "a": v});
        let r = canonicalize(&doc, &ContextLoader::bundled());
        // Dropping the deep value iteratively is serde_json's job; forget it to keep the
        // thread's stack small in this test.
        std::mem::forget(doc);
        (serde_json::from_str::<Value>(&text).is_err(), r)
    };
    let (serde_refuses, r) = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
    assert!(serde_refuses);
    assert!(matches!(r, Err(JsonLdError::TooDeep(_))), "{r:?}");
}

#[test]
fn unsafe_and_lenient_modes() {
    let doc = json!({"@context": "https://www.w3.org/2018/credentials/v1", "id": "urn:a", "undefinedTerm": 1,
        "type": "VerifiableCredential"});
    assert!(matches!(
        canonicalize(&doc, &ContextLoader::bundled()),
        Err(JsonLdError::Unsafe {
            code: "invalid property",
            ..
        })
    ));
    let lenient =
        canonicalize_with(&doc, &ContextLoader::bundled(), Options { safe: false }).unwrap();
    assert_eq!(
        lenient,
        "<urn:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .\n"
    );
}

#[test]
fn blank_node_poisoning_is_bounded() {
    // A clique of indistinguishable blank nodes: every first-degree hash is equal.
    let mut quads = Vec::new();
    let n = 40;
    for a in 0..n {
        for b in 0..n {
            if a != b {
                quads.push(Quad {
                    subject: Term::Blank(format!("n{a}")),
                    predicate: "https://example.org/p".into(),
                    object: Term::Blank(format!("n{b}")),
                    graph: None,
                });
            }
        }
    }
    let start = std::time::Instant::now();
    assert!(matches!(
        canonicalize_quads(&quads),
        Err(JsonLdError::TooComplex(_))
    ));
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn shared_first_degree_hashes_use_n_degree() {
    // Two structurally identical nodes distinguished only through their neighbours.
    let doc = json!({
        "@context": {"@vocab": "https://example.org/#"},
        "@id": "urn:root",
        "knows": [{"name": "x", "knows": {"@id": "urn:a"}}, {"name": "x", "knows": {"@id": "urn:b"}}]
    });
    let out = canon(&doc);
    assert_eq!(out.lines().count(), 6);
    assert!(out.contains("_:c14n0") && out.contains("_:c14n1"));
    // Relabelling the input must not change the output.
    let mut quads = to_rdf(&doc, &ContextLoader::bundled()).unwrap();
    quads.reverse();
    assert_eq!(canonicalize_quads(&quads).unwrap(), out);
}

/// Measures canonicalisations per second (run with `--ignored --nocapture`, release mode).
#[test]
#[ignore]
fn measure_throughput() {
    let loader = ContextLoader::bundled();
    let w3c = j(fixture!("w3c-vc-di-eddsa/unsigned.json"));
    let ob = without_proof(fixture!("canon/ob30_complete.json"));
    let obs = j(fixture!("ob-spec/obv3p0/credential.json"));
    for (name, doc) in [
        ("w3c alumni", &w3c),
        ("ob30 complete", &ob),
        ("ob30 spec vector", &obs),
    ] {
        canonicalize(doc, &loader).unwrap();
        let n = 2000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(
                expand::expand_document(doc, &loader, Options::default()).unwrap(),
            );
        }
        let e1 = t.elapsed().as_secs_f64();
        let quads = to_rdf(doc, &loader).unwrap();
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(to_rdf(doc, &loader).unwrap());
        }
        let e2 = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(canonicalize_quads(&quads).unwrap());
        }
        let e3 = t.elapsed().as_secs_f64();
        println!(
            "{name}: expand {:.1} µs, expand+toRdf {:.1} µs, rdfc {:.1} µs ({} quads)",
            e1 * 1e6 / n as f64,
            e2 * 1e6 / n as f64,
            e3 * 1e6 / n as f64,
            quads.len()
        );
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(canonicalize(doc, &loader).unwrap());
        }
        let el = t.elapsed().as_secs_f64();
        println!(
            "{name}: {:.0} canonicalisations/s ({:.1} µs each)",
            n as f64 / el,
            el * 1e6 / n as f64
        );
    }
}

#[test]
fn an_embedded_context_wrapped_in_its_own_context_entry_is_unwrapped_as_jsonld_js_does() {
    let inner = json!({
        "AlumniCredential": "https://www.example.org/AlumniCredential",
        "alumniOf": "https://www.example.org/alumniOf"
    });
    let doc = |ctx: Value| {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", ctx],
            "type": ["VerifiableCredential", "AlumniCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:abc", "alumniOf": "The School of Examples"}
        })
    };
    let plain = canon(&doc(inner.clone()));
    assert!(
        plain.contains("https://www.example.org/alumniOf"),
        "{plain}"
    );
    assert_eq!(canon(&doc(json!({ "@context": inner }))), plain);
    // Any other use of a keyword as a term is still refused.
    let bad = doc(json!({"@id": "https://www.example.org/x"}));
    assert!(canonicalize(&bad, &ContextLoader::bundled()).is_err());
}

/// The absolute-IRI test matches JavaScript's `^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$`, on the
/// ASCII fast path and off it.
#[test]
fn absolute_iris_are_told_apart_as_jsonld_js_does() {
    use super::context::is_absolute_iri;
    for yes in [
        "https://example.org/a",
        "urn:uuid:1",
        "_:b0",
        "did:key:z6Mk",
        "https://ex.org/ü",
        "mailto:ana@example.org",
    ] {
        assert!(is_absolute_iri(yes), "{yes}");
    }
    for no in [
        "example",
        "1http://x",
        "https://ex.org/a b",
        "https://ex.org/a\tb",
        "https://ex.org/a\u{0b}b",
        "https://ex.org/ü\u{a0}",
        "https://ex.org/\u{feff}",
        "https://ex.org/\u{2003}",
        ":nothing",
    ] {
        assert!(!is_absolute_iri(no), "{no:?}");
    }
}

#[test]
fn strings_sort_by_utf16_code_units_as_javascript_sorts_them() {
    // Every pair of short strings over characters at the edges that matter: ASCII, two- and
    // three-byte characters below and above U+E000, and characters above U+FFFF (surrogate
    // pairs in UTF-16, so below U+E000 there, above it in UTF-8).
    let alphabet = [
        'a',
        'z',
        'é',
        '\u{7FF}',
        '\u{D7FF}',
        '\u{E000}',
        '\u{FFFD}',
        '\u{FFFF}',
        '\u{10000}',
        '\u{1F600}',
    ];
    let mut words = vec![String::new()];
    for len in 1..=2 {
        let mut next = Vec::new();
        for w in words.iter().filter(|w| w.chars().count() == len - 1) {
            for c in alphabet {
                next.push(format!("{w}{c}"));
            }
        }
        words.extend(next);
    }
    for a in &words {
        for b in &words {
            let utf16 = a.encode_utf16().cmp(b.encode_utf16());
            assert_eq!(nquads::js_cmp(a, b), utf16, "{a:?} against {b:?}");
        }
    }
}
