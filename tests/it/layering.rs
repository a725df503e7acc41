//! The layering of `src/`: which top-level modules use which, read from the source text.
//!
//! Why: when two top-level modules use each other (config -> delivery -> config), neither can be
//! read, tested or replaced alone, and the tree stops telling the data flow. Non-test code counts:
//! `#[cfg(test)]` items and `mod tests;` files are left out, because a test may reach anywhere.
//! A reference is `crate::x`, `use crate::{x, ..}`, a `super::` chain that reaches the crate root,
//! or a serde `with = "crate::x::.."` path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// from -> to -> the files (relative to `src/`) that hold the references.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `src/x.rs` and `src/x/mod.rs` are modules; `lib.rs`, `main.rs` and `bin/` are not.
fn top_level_modules(src: &Path) -> BTreeSet<String> {
    let mut mods = BTreeSet::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let is_dir_module = path.is_dir() && path.join("mod.rs").exists();
        let is_file_module =
            path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main";
        if is_dir_module || is_file_module {
            mods.insert(name);
        }
    }
    mods
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and char literals blanked to spaces (newlines kept), so braces
/// and paths can be found by plain scanning.
fn mask(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let end = src[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'r'
            && (i == 0 || !ident(b[i - 1]) || (b[i - 1] == b'b' && (i < 2 || !ident(b[i - 2]))))
            && matches!(b.get(i + 1), Some(b'"') | Some(b'#'))
        {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            if b.get(i + 1 + hashes) != Some(&b'"') {
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 2 + hashes;
            let end = src[start..]
                .find(&close)
                .map_or(b.len(), |p| start + p + close.len());
            blank(&mut out, start, end - close.len());
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i + 1, j);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '😀') or a lifetime ('a), which is left alone.
            if b.get(i + 1) == Some(&b'\\') {
                let end = src[i + 2..].find('\'').map_or(b.len(), |p| i + 2 + p + 1);
                blank(&mut out, i + 1, end - 1);
                i = end;
            } else if let Some(c) = src[i + 1..].chars().next()
                && b.get(i + 1 + c.len_utf8()) == Some(&b'\'')
            {
                blank(&mut out, i + 1, i + 1 + c.len_utf8());
                i += 2 + c.len_utf8();
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).expect("only ASCII bytes are replaced")
}

/// Blanks every `#[cfg(test)]` item of masked source; returns the names of `mod x;` test files.
fn strip_tests(masked: &mut String) -> Vec<String> {
    let mut test_files = Vec::new();
    while let Some(at) = masked.find("#[cfg(test)]") {
        let b = masked.as_bytes();
        let item = at + "#[cfg(test)]".len();
        let Some(stop) = masked[item..].find(['{', ';']).map(|p| item + p) else {
            break;
        };
        let end = if b[stop] == b';' {
            let head = masked[item..stop].trim();
            if let Some(name) = head.rsplit(' ').next()
                && head.contains("mod ")
            {
                test_files.push(name.to_string());
            }
            stop + 1
        } else {
            let mut depth = 0usize;
            let mut j = stop;
            loop {
                match b.get(j) {
                    Some(b'{') => depth += 1,
                    Some(b'}') => {
                        depth -= 1;
                        if depth == 0 {
                            break j + 1;
                        }
                    }
                    None => break j,
                    _ => {}
                }
                j += 1;
            }
        };
        let blanked: String = masked[at..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        masked.replace_range(at..end, &blanked);
    }
    test_files
}

/// Top-level modules named by one file's non-test code. `depth` is how many `super::` reach the
/// crate root from it.
fn references(original: &str, code: &str, depth: usize) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let path = regex::Regex::new(r"(?:^|[^\w$:])crate::(\w+)").unwrap();
    found.extend(path.captures_iter(code).map(|c| c[1].to_string()));
    let group = regex::Regex::new(r"\bcrate::\{").unwrap();
    for m in group.find_iter(code) {
        let mut depth_braces = 1;
        let mut start = m.end();
        for (k, c) in code[m.end()..].char_indices() {
            let at = m.end() + k;
            match c {
                '{' => depth_braces += 1,
                '}' => {
                    depth_braces -= 1;
                    if depth_braces == 0 {
                        found.extend(first_ident(&code[start..at]));
                        break;
                    }
                }
                ',' if depth_braces == 1 => {
                    found.extend(first_ident(&code[start..at]));
                    start = at + 1;
                }
                _ => {}
            }
        }
    }
    let supers = regex::Regex::new(&format!(r"(?:^|[^\w:])(?:super::){{{depth}}}(\w+)")).unwrap();
    found.extend(supers.captures_iter(code).map(|c| c[1].to_string()));
    // Serde reaches functions by a path in a string.
    let serde = regex::Regex::new(r#"with\s*=\s*"crate::(\w+)"#).unwrap();
    found.extend(serde.captures_iter(original).map(|c| c[1].to_string()));
    found
}

fn first_ident(s: &str) -> Option<String> {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (end > 0).then(|| s[..end].to_string())
}

/// Which top-level module uses which, from the non-test code under `src/`.
fn module_graph() -> Graph {
    let src = src_dir();
    let mods = top_level_modules(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut skipped: Vec<PathBuf> = Vec::new();
    let mut graph = Graph::new();
    for file in files {
        if skipped.iter().any(|s| file.starts_with(s)) {
            continue;
        }
        let rel = file.strip_prefix(&src).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let top = parts[0].trim_end_matches(".rs").to_string();
        if !mods.contains(&top) {
            continue;
        }
        let is_mod_file = parts.last().is_some_and(|p| p == "mod.rs");
        let depth = if is_mod_file {
            parts.len() - 1
        } else {
            parts.len()
        };
        // Where `mod x;` of this file looks for x.
        let child_dir = if is_mod_file {
            file.parent().unwrap().to_path_buf()
        } else {
            file.with_extension("")
        };
        let original = std::fs::read_to_string(&file).unwrap();
        let mut code = mask(&original);
        for name in strip_tests(&mut code) {
            skipped.push(child_dir.join(format!("{name}.rs")));
            skipped.push(child_dir.join(&name));
        }
        for to in references(&original, &code, depth) {
            if to != top && mods.contains(&to) {
                graph
                    .entry(top.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(rel.display().to_string());
            }
        }
    }
    graph
}

/// Groups of modules that reach each other, each with its edges inside the group.
fn cycles(graph: &Graph) -> Vec<BTreeSet<String>> {
    let nodes: BTreeSet<&String> = graph
        .iter()
        .flat_map(|(from, tos)| std::iter::once(from).chain(tos.keys()))
        .collect();
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for to in graph.get(&n).into_iter().flat_map(|t| t.keys()) {
                if seen.insert(to.clone()) {
                    todo.push(to.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> = nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    for n in &nodes {
        if !reach[n].contains(*n) || groups.iter().any(|g| g.contains(*n)) {
            continue;
        }
        let group = nodes
            .iter()
            .filter(|m| reach[n].contains(**m) && reach[*m].contains(*n))
            .map(|m| m.to_string())
            .collect();
        groups.push(group);
    }
    groups
}

fn describe(graph: &Graph, group: &BTreeSet<String>) -> String {
    let mut out = format!("cycle among {group:?}:\n");
    for from in group {
        for (to, files) in graph.get(from).into_iter().flatten() {
            if group.contains(to) {
                out.push_str(&format!("  {from} -> {to}: {files:?}\n"));
            }
        }
    }
    out
}

#[test]
fn the_reader_sees_paths_groups_super_chains_and_serde_paths_but_not_tests() {
    let code = r#"
use crate::{alpha::A, beta};
use crate::gamma::G;
fn f() { super::delta::d(); let s = "crate::epsilon"; } // crate::zeta
#[serde(with = "crate::eta::codec")]
struct S;
#[cfg(test)]
mod tests { use crate::theta; fn g() { let c = '{'; } }
fn h() { crate::iota::i() }
"#;
    let mut masked = mask(code);
    strip_tests(&mut masked);
    let found = references(code, &masked, 1);
    let want: BTreeSet<String> = ["alpha", "beta", "gamma", "delta", "eta", "iota"]
        .map(String::from)
        .into();
    assert_eq!(found, want);
}

#[test]
fn config_net_and_i18n_use_no_module_above_them() {
    let graph = module_graph();
    // The reader found the real graph, not an empty one.
    assert!(
        graph.get("http").is_some_and(|t| t.contains_key("config")),
        "{graph:#?}"
    );
    let uses = |m: &str| -> Vec<String> {
        graph
            .get(m)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(uses("net"), Vec::<String>::new(), "{:#?}", graph.get("net"));
    // The message catalogues are read by every layer, config's language check included.
    assert_eq!(
        uses("i18n"),
        Vec::<String>::new(),
        "{:#?}",
        graph.get("i18n")
    );
    assert_eq!(
        uses("config"),
        vec!["i18n", "net"],
        "{:#?}",
        graph.get("config")
    );
}

#[test]
fn top_level_modules_form_no_cycle() {
    let graph = module_graph();
    let found = cycles(&graph);
    let report: String = found.iter().map(|g| describe(&graph, g)).collect();
    assert!(found.is_empty(), "{report}");
}
