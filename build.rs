//! Embeds every message catalogue in `locales/` (one `LANG.ftl` file per language), so that adding
//! a language means adding one file: no list to edit anywhere else.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("locales/ holds the message catalogues")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let code = path.file_name()?.to_str()?.strip_suffix(".ftl")?.to_owned();
            println!("cargo:rerun-if-changed={}", path.display());
            Some((code, path.display().to_string()))
        })
        .collect();
    entries.sort();
    let mut out = String::from("/// (language tag, catalogue source), one per `locales/*.ftl`.\n");
    out.push_str("pub(crate) const CATALOGUES: &[(&str, &str)] = &[\n");
    for (code, path) in &entries {
        writeln!(out, "    ({code:?}, include_str!({path:?})),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("catalogues.rs");
    std::fs::write(dest, out).unwrap();
}
