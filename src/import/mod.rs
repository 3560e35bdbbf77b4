//! Inventories from what an organisation already keeps: a ServiceNow CMDB
//! export ([`servicenow`]) or a Backstage catalogue ([`backstage`]) becomes
//! an inventory in YAML ([`estate`], [`yaml`]) with a `FILL-IN` for each
//! thing the source cannot say; a re-import keeps what the user filled in
//! ([`merge`]). [`changes`] reads the change calendar (other approved
//! changes) and finds the conflicts with a window. This layer sits just
//! above `inventory`: it produces inventories and reads nothing higher.

pub mod backstage;
pub mod changes;
pub mod estate;
pub mod merge;
pub mod servicenow;
pub mod table;
pub mod yaml;

use crate::error::Diagnostic;
use std::path::Path;

/// An import's result: the inventory as YAML, what the source said that
/// gives no rule (each unknown class, missing reference, cycle, skipped
/// relation), what changed since the merged inventory, and the gaps left.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The inventory file's text.
    pub yaml: String,
    /// What was not taken as written, one line each.
    pub report: Vec<String>,
    /// With `--merge`: what changed (added, removed, changed items).
    pub changes: Vec<String>,
    /// Paths of the `FILL-IN` gaps left.
    pub gaps: Vec<String>,
}

/// Writes the estate as an inventory (merged with the inventory at
/// `merge`, when given) and checks that the text reads back to the same
/// document. E123: the inventory to merge with cannot be read.
pub fn finish(
    estate: &estate::Estate,
    report: Vec<String>,
    source: &str,
    opts: &estate::WriteOptions,
    merge: Option<&Path>,
) -> Result<Imported, Diagnostic> {
    let fresh = estate.to_inventory(opts);
    let (value, changes) = match merge {
        None => (fresh, Vec::new()),
        Some(path) => {
            let bad = |why: String| {
                Diagnostic::new(
                    "E123",
                    "",
                    format!("{}: {why}", path.display()),
                    "give `--merge` the inventory written by the earlier import (YAML or JSON), as you filled it in",
                )
            };
            let format = crate::inventory::Format::of_file(path).map_err(|d| bad(d.message))?;
            let text = crate::inventory::read_text_limited(
                path,
                crate::inventory::MAX_FILE_BYTES,
                "inventory",
            )
            .map_err(|d| bad(d.message))?;
            let old = crate::inventory::parse_value(&text, format).map_err(|d| bad(d.message))?;
            if !old.is_object() {
                return Err(bad("not an inventory (a mapping of sections)".into()));
            }
            merge::merge(&old, &fresh)
        }
    };
    let yaml = yaml::write(&estate::header(source, &value), &value);
    // Trust: the file reads back to exactly what was meant.
    let back = crate::inventory::parse_value(&yaml, crate::inventory::Format::Yaml);
    if back.as_ref().ok() != Some(&value) {
        return Err(Diagnostic::new(
            "E123",
            "",
            "internal error: the written inventory does not read back to the same document"
                .to_string(),
            "please report this with the exports",
        ));
    }
    Ok(Imported {
        yaml,
        report,
        changes,
        gaps: estate::gaps(&value),
    })
}

/// A few names of a list, for a report line: all when there are at most
/// five, else the first five and how many more.
pub(crate) fn some(names: &[String]) -> String {
    if names.len() <= 5 {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..5].join(", "), names.len() - 5)
    }
}

/// The dependency cycles of a directed graph on `n` nodes: each strongly
/// connected component of more than one node, as a cycle through it
/// (nodes in an order that follows edges, smallest first).
pub(crate) fn cycles(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let mut g: DiGraph<(), ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..n).map(|_| g.add_node(())).collect();
    for &(a, b) in edges {
        g.update_edge(nodes[a], nodes[b], ());
    }
    let mut out = Vec::new();
    for scc in petgraph::algo::tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let set: std::collections::BTreeSet<usize> = scc.iter().map(|x| x.index()).collect();
        // Walk from the smallest node along edges inside the component
        // until a node repeats: the path from that node on is a cycle.
        let start = *set.iter().next().unwrap();
        let mut path = vec![start];
        let mut at = start;
        loop {
            let next = g
                .neighbors(nodes[at])
                .map(|x| x.index())
                .filter(|x| set.contains(x))
                .min()
                .unwrap();
            if let Some(p) = path.iter().position(|&x| x == next) {
                let mut cyc = path[p..].to_vec();
                let m = cyc.iter().enumerate().min_by_key(|(_, v)| **v).unwrap().0;
                cyc.rotate_left(m);
                out.push(cyc);
                break;
            }
            path.push(next);
            at = next;
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cycles_are_found_and_named_from_their_smallest_node() {
        let c = super::cycles(5, &[(0, 1), (2, 3), (3, 4), (4, 2), (1, 0), (4, 0)]);
        assert_eq!(c, vec![vec![0, 1], vec![2, 3, 4]]);
        assert!(super::cycles(3, &[(0, 1), (1, 2)]).is_empty());
    }
}
