//! Format 1.1 (DESIGN.md "Format 1.1: how real changes are done"): what
//! its rules share. The rules themselves are checked with their family:
//! zone labels, external systems and `unavailable` in [`super::resources`],
//! `any` groups in [`super::services`], blackout scopes by
//! cluster/service/team in [`super::blackouts`], steps, canaries,
//! `same_member`, expanded ids in `after`, coordination tasks, `read_only`
//! and `down:` in [`super::tasks`].
//! Warnings (W0xx) are kept per thread until [`take_warnings`]
//! (crate-internal: the command says them, the library prints nothing).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::error::Diagnostic;
use crate::inventory::file::InventoryFile;
use crate::inventory::model::*;

thread_local! {
    static WARNINGS: RefCell<Vec<Diagnostic>> = const { RefCell::new(Vec::new()) };
}

/// Records a warning (never changes the exit code; printed on stderr).
pub fn warn(d: Diagnostic) {
    WARNINGS.with(|w| w.borrow_mut().push(d));
}

/// Gives the warnings recorded so far without a field (an ambiguous local
/// time, W002, is found by the time parser, which does not know the field)
/// the field `path` that was just read.
pub fn name_warnings(path: &str) {
    WARNINGS.with(|w| {
        for d in w.borrow_mut().iter_mut().filter(|d| d.path.is_empty()) {
            d.path = path.to_string();
        }
    });
}

/// Applies `f` to the warnings recorded so far (to place them at their
/// line and column once the inventory is known to be valid).
pub fn map_warnings(f: impl FnOnce(Vec<Diagnostic>) -> Vec<Diagnostic>) {
    WARNINGS.with(|w| {
        let all = std::mem::take(&mut *w.borrow_mut());
        *w.borrow_mut() = if all.is_empty() { all } else { f(all) };
    });
}

/// The warnings recorded on this thread since the last call.
pub fn take_warnings() -> Vec<Diagnostic> {
    let mut all = WARNINGS.with(|w| std::mem::take(&mut *w.borrow_mut()));
    let mut seen = HashSet::new();
    all.retain(|d| seen.insert((d.path.clone(), d.message.clone())));
    all
}

/// A diagnostic (the free form of `Ctx::err`, for the format 1.1 rules).
pub(super) fn err(
    code: &'static str,
    path: String,
    msg: String,
    hint: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(code, path, msg, hint)
}

/// Ids of systems and clusters of the file.
pub fn components(f: &InventoryFile) -> HashMap<&str, Component> {
    let mut m = HashMap::new();
    for (k, c) in f.clusters.iter().enumerate() {
        m.insert(c.id.as_str(), Component::Cluster(k));
    }
    for (k, s) in f.systems.iter().enumerate() {
        m.insert(s.id.as_str(), Component::System(k));
    }
    m
}
