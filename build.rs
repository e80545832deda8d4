//! Rebuild the core when the bundled demo network changes (it is embedded with include_dir).
fn main() {
    println!("cargo:rerun-if-changed=assets/network");
}
