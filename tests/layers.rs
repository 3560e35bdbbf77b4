//! The architecture, checked: each module imports only from the layers
//! below it (DESIGN.md, "Layout"), and the checker owes nothing to the
//! model, the solver or the graph. Test code is left out: a test may build
//! its fixtures with whatever it needs.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers from the bottom up; a module may import from its own layer
/// and those listed before it.
const LAYERS: &[&[&str]] = &[
    &["base", "error", "rng", "progress", "interrupt"],
    &["inventory"],
    &["import"],
    &["graph"],
    &["model"],
    &["solve"],
    &["plan"],
    &["check"],
    &["pipeline"],
    &["analysis"],
    &["report"],
    &["bench"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments and without `#[cfg(test)]` items.
fn production_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        if t.starts_with("#[cfg(test)]") {
            // Skip the item that follows: up to its matching brace, or one line.
            let mut depth = 0i32;
            let mut opened = false;
            for l in lines.by_ref() {
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                opened |= l.contains('{');
                if (opened && depth <= 0) || (!opened && l.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `crate::x` paths named in the code (including `use crate::{x, y}`).
fn imported_modules(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push(name);
            }
        } else {
            found.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    found
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || name == "testkit.rs"
        || name == "fixtures.rs"
}

/// (file, its top-level module, modules it imports) for every library file.
fn imports() -> Vec<(String, String, Vec<String>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" || rel == "main.rs" || is_test_file(&f) {
            continue;
        }
        let module = rel.split(['/', '.']).next().unwrap().to_string();
        let code = production_code(&fs::read_to_string(&f).unwrap());
        out.push((rel, module, imported_modules(&code)));
    }
    out
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let mut wrong = Vec::new();
    for (file, module, used) in imports() {
        let Some(own) = layer_of(&module) else {
            wrong.push(format!(
                "{file}: module `{module}` is in no layer of tests/layers.rs"
            ));
            continue;
        };
        for u in used {
            match layer_of(&u) {
                Some(l) if l > own => wrong.push(format!("{file} ({module}) imports crate::{u}")),
                _ => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_owes_nothing_to_model_solve_or_graph() {
    let wrong: Vec<String> = imports()
        .into_iter()
        .filter(|(_, module, _)| module == "check")
        .flat_map(|(file, _, used)| {
            used.into_iter()
                .filter(|u| ["model", "solve", "graph", "pipeline"].contains(&u.as_str()))
                .map(move |u| format!("{file} imports crate::{u}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_scan_sees_imports() {
    let code = "use crate::{model, solve::x};\nfn f() { crate::graph::g(); }\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    assert_eq!(
        imported_modules(&production_code(code)),
        ["model", "solve", "graph"]
    );
}
