//! Format 1.1 (DESIGN.md "Format 1.1: how real changes are done"): what
//! its rules share. The rules themselves are checked with their family:
//! zone labels, external systems and `unavailable` in [`super::resources`],
//! `any` groups in [`super::services`], blackout scopes by
//! cluster/service/team in [`super::blackouts`], steps, canaries,
//! `same_member`, expanded ids in `after`, coordination tasks, `read_only`
//! and `down:` in [`super::tasks`].
//! Warnings (W0xx) are carried by the validation context into
//! [`Inventory::warnings`] (the command says them, the library prints
//! nothing).

use std::collections::HashMap;

use crate::error::Diagnostic;
use crate::inventory::file::InventoryFile;
use crate::inventory::model::*;

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
