#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/");
fn load(p: &str) -> Vec<u8> { std::fs::read(format!("{FIX}{p}")).unwrap() }
#[test]
fn dump() {
    for p in ["1edtech-ob30/complete.json","mynextid-microcredential/open-badge/examples/open-badge-mc-example.json","eu-elm/JSON-LD_Examples_ELM_v3/Sample-MC-Annex1-signed.jsonld","eu-elm/JSON-LD_Examples_ELM_v3/Sample-CertOfPart-unsigned-uploadable.json","mynextid-microcredential/edc/examples/edc-mc-signed.jsonld","1edtech-clr20/complex.json","1edtech-ob30/simple.jwt","1edtech-clr20/simple.jwt"] {
        let d = parse_document(&load(p)).unwrap();
        println!("=== {p} {:?} {:?}\n{}", d.format, d.profile(), serde_json::to_string_pretty(&view(&d)).unwrap());
    }
}
#[test]
fn dump_all() {
    for dir in ["1edtech-ob30","1edtech-clr20","eu-elm/JSON-LD_Examples_ELM_v3","mynextid-microcredential"] {
        let mut stack = vec![std::path::PathBuf::from(format!("{FIX}{dir}"))];
        while let Some(p) = stack.pop() {
            if p.is_dir() { for e in std::fs::read_dir(&p).unwrap() { stack.push(e.unwrap().path()); } continue; }
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["json","jwt","jsonld"].contains(&ext) { continue; }
            let r = parse_document(&std::fs::read(&p).unwrap());
            match r { Ok(d) => println!("OK {} {:?}/{:?} {:?}", p.display(), d.format, d.profile(), view(&d).title), Err(e) => println!("ERR {} {e}", p.display()) }
        }
    }
}
