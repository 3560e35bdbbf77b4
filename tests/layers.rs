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

/// Import circles between the files of the crate: the same file-level check
/// as `../shared/tools/circles.py`, so that a new circle fails `cargo test`
/// (the shared tools need not be present). A file imports another when it
/// names a path into it (`use crate::a::b::Name`, `crate::a::b::f(..)`,
/// `super::x`, grouped `use crate::{a, b::{c, d}}`, `child::f(..)` for a
/// `mod child;` it declares); `mod x;` declarations are not imports, nor is a
/// file's use of its own ancestors (`super::Type` from a folder's mod.rs).
/// Comments and the `#[cfg(test)] mod` at a file's end are left out.
mod circles {
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::path::Path;

    /// A module path (`["inventory", "validate"]`; the crate root is empty).
    pub type Module = Vec<String>;

    /// Each file's module path and file name (relative to `src`).
    pub fn module_files(src: &Path) -> Vec<(Module, String)> {
        let mut files = Vec::new();
        super::rust_files(src, &mut files);
        files.sort();
        files
            .iter()
            .map(|f| {
                let rel = f
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let mut module: Module = rel
                    .trim_end_matches(".rs")
                    .split('/')
                    .map(String::from)
                    .collect();
                if matches!(
                    module.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    module.pop();
                }
                (module, rel)
            })
            .collect()
    }

    fn is_word(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    /// The text without `//` comments and from the first `#[cfg(test)] mod x {` on.
    fn production_text(text: &str) -> String {
        let mut out: String = text
            .lines()
            .map(|l| l.find("//").map_or(l, |i| &l[..i]))
            .collect::<Vec<_>>()
            .join("\n");
        let mut from = 0;
        while let Some(i) = out[from..].find("#[cfg(test)]") {
            let at = from + i;
            let rest = out[at + "#[cfg(test)]".len()..].trim_start();
            if let Some(r) = rest.strip_prefix("mod") {
                if r.starts_with(char::is_whitespace) {
                    let r = r.trim_start();
                    let r = r.trim_start_matches(is_word).trim_start();
                    if r.starts_with('{') {
                        out.truncate(at);
                        break;
                    }
                }
            }
            from = at + 1;
        }
        out
    }

    /// `a::{b, c::{d, e}}` -> `[a::b, a::c::d, a::c::e]`, each split at `::`.
    fn expand(prefix: &[String], body: &str) -> Vec<Vec<String>> {
        let body = body.trim();
        let Some(open) = body.find('{').filter(|_| body.ends_with('}')) else {
            let mut p = prefix.to_vec();
            p.extend(
                body.split("::")
                    .map(|x| x.split(" as ").next().unwrap().trim().to_string())
                    .filter(|x| !x.is_empty() && x != "self"),
            );
            return vec![p];
        };
        let mut head = prefix.to_vec();
        head.extend(
            body[..open]
                .split("::")
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty()),
        );
        let (mut out, mut depth, mut part) = (Vec::new(), 0, String::new());
        for ch in body[open + 1..body.len() - 1].chars().chain([',']) {
            if ch == ',' && depth == 0 {
                if !part.trim().is_empty() {
                    out.extend(expand(&head, &part));
                }
                part.clear();
                continue;
            }
            depth += i32::from(ch == '{') - i32::from(ch == '}');
            part.push(ch);
        }
        out
    }

    /// The word at the start of `s` and the rest.
    fn word(s: &str) -> (&str, &str) {
        let end = s.find(|c: char| !is_word(c)).unwrap_or(s.len());
        (&s[..end], &s[end..])
    }

    /// `(::word)*` after a path's first word: the words.
    fn path_tail(mut s: &str) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(r) = s.strip_prefix("::") {
            let (w, rest) = word(r);
            if w.is_empty() {
                break;
            }
            out.push(w.to_string());
            s = rest;
        }
        out
    }

    /// Where `crate`, `super`, `self` lead from module `here`.
    fn base(root: &str, here: &[String]) -> Vec<String> {
        match root {
            "crate" => Vec::new(),
            "super" => here[..here.len().saturating_sub(1)].to_vec(),
            _ => here.to_vec(),
        }
    }

    /// The module paths a file's text names, from module `here`.
    pub fn paths(text: &str, here: &[String]) -> Vec<Vec<String>> {
        let text = production_text(text);
        let mut out = Vec::new();
        let starts = |i: usize| i == 0 || !text[..i].ends_with(is_word);
        // `use crate|super|self(::super)*::BODY;`
        for (i, _) in text.match_indices("use") {
            let after = &text[i + 3..];
            if !starts(i) || !after.starts_with(char::is_whitespace) {
                continue;
            }
            let (root, mut rest) = word(after.trim_start());
            if !["crate", "super", "self"].contains(&root) {
                continue;
            }
            let mut b = base(root, here);
            while let Some(r) = rest.strip_prefix("::super") {
                b.pop();
                rest = r;
            }
            let Some(body) = rest.strip_prefix("::") else {
                continue;
            };
            let Some(end) = body.find(';') else { continue };
            out.extend(expand(&b, &body[..end]));
        }
        // `crate|super(::super)*::a::b` anywhere
        for root in ["crate", "super"] {
            for (i, _) in text.match_indices(root) {
                if !starts(i) {
                    continue;
                }
                let mut b = base(root, here);
                let mut tail = path_tail(&text[i + root.len()..]);
                while tail.len() > 1 && tail[0] == "super" {
                    tail.remove(0);
                    b.pop();
                }
                if !tail.is_empty() {
                    b.extend(tail);
                    out.push(b);
                }
            }
        }
        // `child::a::b` for each `mod child;` declared here
        for line in text.lines() {
            let mut l = line.trim_start();
            if let Some(r) = l.strip_prefix("pub") {
                l = r
                    .trim_start_matches(|c: char| c != ' ' && c != '\t')
                    .trim_start();
                if !line.trim_start()[3..].starts_with([' ', '\t', '(']) {
                    continue;
                }
            }
            let Some(r) = l.strip_prefix("mod ") else {
                continue;
            };
            let (child, rest) = word(r.trim_start());
            if child.is_empty() || !rest.trim_start().starts_with(';') {
                continue;
            }
            for (i, _) in text.match_indices(child) {
                let before_ok = i == 0 || !text[..i].ends_with(|c: char| is_word(c) || c == ':');
                let tail = path_tail(&text[i + child.len()..]);
                if before_ok && !tail.is_empty() {
                    let mut p = here.to_vec();
                    p.push(child.to_string());
                    p.extend(tail);
                    out.push(p);
                }
            }
        }
        out
    }

    /// The circles (sets of files that reach each other, as file names), each
    /// with the edges inside it (`from -> to: names`).
    pub fn circles(src: &Path) -> Vec<(Vec<String>, Vec<String>)> {
        let files = module_files(src);
        let modules: BTreeMap<&Module, usize> =
            files.iter().enumerate().map(|(k, (m, _))| (m, k)).collect();
        let mut edges: Vec<BTreeMap<usize, BTreeSet<String>>> = vec![BTreeMap::new(); files.len()];
        for (k, (here, rel)) in files.iter().enumerate() {
            let text = fs::read_to_string(src.join(rel)).unwrap();
            for path in paths(&text, here) {
                let Some(len) = (1..=path.len())
                    .rev()
                    .find(|&n| modules.contains_key(&path[..n].to_vec()))
                else {
                    continue;
                };
                let target = modules[&path[..len].to_vec()];
                // A file's own ancestors (and itself) are Rust's usual shape.
                if here.len() >= len && here[..len] == path[..len] {
                    continue;
                }
                let names = edges[k].entry(target).or_default();
                names.extend(path.get(len).cloned());
            }
        }
        strongly_connected(&edges)
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let inside: BTreeSet<usize> = c.iter().copied().collect();
                let mut names: Vec<String> =
                    c.iter().map(|&k| format!("src/{}", files[k].1)).collect();
                names.sort();
                let mut ties = Vec::new();
                for &a in &inside {
                    for (b, n) in &edges[a] {
                        if inside.contains(b) {
                            let mut n: Vec<&str> = n.iter().map(String::as_str).collect();
                            if n.is_empty() {
                                n.push("(module)");
                            }
                            ties.push(format!(
                                "src/{} -> src/{}: {}",
                                files[a].1,
                                files[*b].1,
                                n.join(", ")
                            ));
                        }
                    }
                }
                (names, ties)
            })
            .collect()
    }

    /// Tarjan's strongly connected components.
    fn strongly_connected(edges: &[BTreeMap<usize, BTreeSet<String>>]) -> Vec<Vec<usize>> {
        struct Walk<'e> {
            edges: &'e [BTreeMap<usize, BTreeSet<String>>],
            index: Vec<Option<usize>>,
            low: Vec<usize>,
            stack: Vec<usize>,
            on_stack: Vec<bool>,
            next: usize,
            found: Vec<Vec<usize>>,
        }
        fn visit(w: &mut Walk, v: usize) {
            w.index[v] = Some(w.next);
            w.low[v] = w.next;
            w.next += 1;
            w.stack.push(v);
            w.on_stack[v] = true;
            for &t in w.edges[v].keys() {
                match w.index[t] {
                    None => {
                        visit(w, t);
                        w.low[v] = w.low[v].min(w.low[t]);
                    }
                    Some(i) if w.on_stack[t] => w.low[v] = w.low[v].min(i),
                    Some(_) => {}
                }
            }
            if Some(w.low[v]) == w.index[v] {
                let mut c = Vec::new();
                while let Some(t) = w.stack.pop() {
                    w.on_stack[t] = false;
                    c.push(t);
                    if t == v {
                        break;
                    }
                }
                w.found.push(c);
            }
        }
        let n = edges.len();
        let mut w = Walk {
            edges,
            index: vec![None; n],
            low: vec![0; n],
            stack: Vec::new(),
            on_stack: vec![false; n],
            next: 0,
            found: Vec::new(),
        };
        for v in 0..n {
            if w.index[v].is_none() {
                visit(&mut w, v);
            }
        }
        w.found
    }
}

#[test]
fn no_import_circle_between_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = circles::circles(&src);
    let text: Vec<String> = found
        .iter()
        .enumerate()
        .map(|(k, (files, ties))| {
            format!(
                "circle {}: {}\n  {}",
                k + 1,
                files.join(", "),
                ties.join("\n  ")
            )
        })
        .collect();
    assert!(
        found.is_empty(),
        "import circles between files (move what both sides use into a leaf file):\n{}",
        text.join("\n")
    );
}

#[test]
fn the_circle_scan_sees_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::create_dir_all(src.join("inv/validate")).unwrap();
    fs::write(src.join("lib.rs"), "pub mod inv;\npub mod leaf;\n").unwrap();
    fs::write(src.join("leaf.rs"), "pub fn suggest() {}\n").unwrap();
    fs::write(
        src.join("inv/mod.rs"),
        "pub mod load;\npub mod shape;\npub mod validate;\n",
    )
    .unwrap();
    // load -> validate (grouped use), validate -> load (path in code),
    // shape -> load through `super::`; leaf is used by all, uses nothing.
    fs::write(
        src.join("inv/load.rs"),
        "use super::{validate::{check, other as o}};\nuse crate::leaf::suggest;\n",
    )
    .unwrap();
    fs::write(
        src.join("inv/validate/mod.rs"),
        "mod rules;\nfn f() { rules::g(); crate::inv::load::read(); }\n// crate::leaf::x in a comment\n#[cfg(test)]\nmod tests {\n    use crate::inv::shape::t;\n}\n",
    )
    .unwrap();
    fs::write(
        src.join("inv/validate/rules.rs"),
        "use super::super::shape::Partial;\n",
    )
    .unwrap();
    fs::write(
        src.join("inv/shape.rs"),
        "use super::load::read;\nuse super::validate::rules;\n",
    )
    .unwrap();
    let found = circles::circles(src);
    assert_eq!(found.len(), 1, "{found:?}");
    let (files, ties) = &found[0];
    assert_eq!(
        files,
        &[
            "src/inv/load.rs",
            "src/inv/shape.rs",
            "src/inv/validate/mod.rs",
            "src/inv/validate/rules.rs"
        ]
    );
    assert!(
        ties.contains(&"src/inv/load.rs -> src/inv/validate/mod.rs: check, other".to_string()),
        "{ties:?}"
    );
    assert!(
        ties.contains(&"src/inv/validate/mod.rs -> src/inv/load.rs: read".to_string()),
        "{ties:?}"
    );
    // Without the call back, no circle.
    fs::write(
        src.join("inv/validate/mod.rs"),
        "mod rules;\nfn f() { rules::g(); }\n",
    )
    .unwrap();
    fs::write(src.join("inv/shape.rs"), "use super::load::read;\n").unwrap();
    assert_eq!(
        circles::circles(src).len(),
        1,
        "validate -> rules -> shape -> load -> validate"
    );
    fs::write(
        src.join("inv/validate/rules.rs"),
        "use crate::leaf::suggest;\n",
    )
    .unwrap();
    assert!(circles::circles(src).is_empty());
}
