//! Which files of a benchmark directory are instances of a format, grouped
//! by set, in natural order (`j301_2` before `j301_10`).

use crate::bench::formats::{Format, E_BENCH_DIR};
use crate::bench::text_reader;
use crate::error::InputError;
use std::path::{Path, PathBuf};

/// Instance files of `format` by set, in natural order: files directly in
/// `dir` (set named after `dir`), then each immediate subdirectory holding
/// such files (set named after it).
pub fn collect_instances(
    dir: &Path,
    format: Format,
) -> Result<Vec<(String, Vec<PathBuf>)>, InputError> {
    let source = dir.display().to_string();
    let unreadable = |e: std::io::Error| {
        text_reader::error(
            &source,
            0,
            E_BENCH_DIR,
            format!("cannot read the benchmark directory: {e}"),
            "give a directory holding instance files (or subdirectories of them)",
        )
    };
    let set_name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| p.display().to_string())
    };
    let mut top = Vec::new();
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.is_dir() {
            subdirs.push(path);
        } else if is_instance_file(format, &path) {
            top.push(path);
        }
    }
    let mut sets = Vec::new();
    if !top.is_empty() {
        top.sort_by(|a, b| natural_cmp(&set_name(a), &set_name(b)));
        sets.push((set_name(dir), top));
    }
    subdirs.sort_by(|a, b| natural_cmp(&set_name(a), &set_name(b)));
    for sub in subdirs {
        let Ok(rd) = std::fs::read_dir(&sub) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_instance_file(format, p))
            .collect();
        if !files.is_empty() {
            files.sort_by(|a, b| natural_cmp(&set_name(a), &set_name(b)));
            sets.push((set_name(&sub), files));
        }
    }
    if sets.is_empty() {
        return Err(text_reader::error(
            &source,
            0,
            E_BENCH_DIR,
            format!(
                "no .{} files in the directory or its subdirectories",
                format.extensions()[0]
            ),
            "check the directory and the --format given",
        ));
    }
    Ok(sets)
}

/// Whether `path` is an instance of `format`: the extension matches, and
/// for PSPLIB it is not one of the result tables that share the `.sm`
/// extension (`j30opt.sm`, `j60hrs.sm`, `j120lb.sm`).
pub fn is_instance_file(format: Format, path: &Path) -> bool {
    if !format.matches(path) {
        return false;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    !(format == Format::Psplib
        && (stem.ends_with("opt") || stem.ends_with("hrs") || stem.ends_with("lb")))
}

/// Compares names with digit runs as numbers (`j301_2` < `j301_10`),
/// case-insensitively.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.to_ascii_lowercase().chars() {
            let d = c.is_ascii_digit();
            match out.last_mut() {
                Some((ld, buf)) if *ld == d => buf.push(c),
                _ => out.push((d, c.to_string())),
            }
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = match (x.0, y.0) {
            (true, true) => {
                let (tx, ty) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
            }
            _ => x.1.cmp(&y.1),
        };
        if o.is_ne() {
            return o;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| a.cmp(b))
}
