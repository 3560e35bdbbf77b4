//! The error catalogue (docs/errors.md) and the source agree: every error
//! (`Exxx`) and warning (`Wxxx`) code written in src/ is documented, and
//! every documented code is used.

mod common;

use common::root;
use std::collections::BTreeSet;
use std::path::Path;

/// Every `E` or `W` followed by three digits, not inside a longer word.
fn codes_in(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    for i in 0..b.len().saturating_sub(3) {
        if (b[i] == b'E' || b[i] == b'W')
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            out.insert(text[i..i + 4].to_string());
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Codes the source gives to diagnostics: those in string literals
/// (`"E031"`), which is how every diagnostic is built.
fn source_codes() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut codes = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for c in codes_in(&text) {
            if text.contains(&format!("\"{c}\"")) {
                codes.insert(c);
            }
        }
    }
    codes
}

fn documented_codes() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    // Codes that start a table row: `| E031 |`.
    doc.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|c| codes_in(c).len() == 1 && c.len() == 4)
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn every_code_in_the_source_is_documented() {
    let src = source_codes();
    let doc = documented_codes();
    assert!(src.len() > 40, "found only {src:?}");
    let missing: Vec<&String> = src.difference(&doc).collect();
    assert!(
        missing.is_empty(),
        "codes used in src/ but not in docs/errors.md: {missing:?}"
    );
}

#[test]
fn every_documented_code_is_used() {
    let src = source_codes();
    let doc = documented_codes();
    let unused: Vec<&String> = doc.difference(&src).collect();
    assert!(
        unused.is_empty(),
        "codes in docs/errors.md that no source file uses: {unused:?}"
    );
}
