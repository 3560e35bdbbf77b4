//! ServiceNow CMDB exports into an [`Estate`]: the CI tables (`cmdb_ci` or
//! class tables), `cmdb_ci_service`, `cmdb_rel_ci`, and blackout schedules
//! (`cmn_schedule_blackout` with its entries). Exports with display values
//! (the CSV default) are joined on names; what cannot be joined is said
//! with the export option that fixes it. Every CI, relation and schedule
//! the import does not turn into a rule is named in the report.

use super::estate::{
    id_of, BlackoutOut, ClusterOut, Estate, IntegrationOut, ServiceOut, SystemOut,
};
use super::table::Row;
use crate::error::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};

/// The columns the CI export is read from, and how dependencies between applications are taken.
#[derive(Debug, Clone)]
pub struct Options {
    /// Column holding the zone (default `u_zone`).
    pub zone_field: String,
    /// Column holding the site (default `location`).
    pub site_field: String,
    /// Column holding the team that changes the CI (default `support_group`).
    pub team_field: String,
    /// "Depends on" between applications gives async integrations (default sync).
    pub async_integrations: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            zone_field: "u_zone".into(),
            site_field: "location".into(),
            team_field: "support_group".into(),
            async_integrations: false,
        }
    }
}

/// The exports, read as rows.
#[derive(Debug, Clone, Default)]
pub struct Exports {
    /// Rows of every CI table given (`--ci`).
    pub cis: Vec<Row>,
    /// Rows of `cmdb_rel_ci` (`--rel`).
    pub relations: Vec<Row>,
    /// Rows of `cmdb_ci_service` (`--services`), when given.
    pub services: Vec<Row>,
    /// Rows of the schedules and their entries (`--schedules`).
    pub schedules: Vec<Row>,
}

/// What a CI class becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A system, tagged with its kind (`server`, `database`, ...).
    System(&'static str),
    /// A cluster (redundancy group).
    Cluster,
    /// A business or technical service.
    Service,
    /// A class the import does not know: written as a system, reported.
    Unknown,
}

/// The kind of a `sys_class_name`.
pub fn kind_of(class: &str) -> Kind {
    let c = class.trim().to_ascii_lowercase();
    let c = c.as_str();
    if c.starts_with("cmdb_ci_service") || c == "service_offering" || c == "cmdb_ci_business_app" {
        Kind::Service
    } else if c.contains("cluster") && !c.ends_with("_node") {
        Kind::Cluster
    } else if c.starts_with("cmdb_ci_db_") || c == "cmdb_ci_database" {
        Kind::System("database")
    } else if c.starts_with("cmdb_ci_app") || c == "cmdb_ci_appl" {
        Kind::System("application")
    } else if c.ends_with("_server")
        || c.contains("cluster_node")
        || c.starts_with("cmdb_ci_vm")
        || c == "cmdb_ci_computer"
        || c == "cmdb_ci_hyper_v_instance"
    {
        Kind::System("server")
    } else if c.starts_with("cmdb_ci_lb")
        || c == "cmdb_ci_netgear"
        || c.starts_with("cmdb_ci_ip_")
        || c == "cmdb_ci_firewall"
    {
        Kind::System("network")
    } else if c.starts_with("cmdb_ci_storage") || c == "cmdb_ci_san" || c == "cmdb_ci_nas" {
        Kind::System("storage")
    } else {
        Kind::Unknown
    }
}

/// A class table's export (`cmdb_ci_server.csv`) often has no
/// `sys_class_name` column: its rows take the class from the file's name.
pub fn class_from_file(rows: &mut [Row], path: &std::path::Path) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let stem = stem.trim_end_matches("_list");
    if !stem.starts_with("cmdb_ci") {
        return;
    }
    for r in rows
        .iter_mut()
        .filter(|r| r.get("sys_class_name").is_empty())
    {
        r.fields.insert(
            "sys_class_name".into(),
            super::table::Field {
                value: stem.to_string(),
                display: None,
            },
        );
    }
}

/// A sys_id: 32 hexadecimal digits.
pub fn is_sys_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// One CI as read.
#[derive(Debug, Clone)]
struct Ci {
    id: String,
    kind: Kind,
    class: String,
    row: Row,
}

/// E122: the exports cannot be joined.
fn join_error(message: String, hint: &str) -> Diagnostic {
    Diagnostic::new("E122", "", message, hint.to_string())
}

const EXPORT_WITH_SYS_IDS: &str = "export the tables with sys_ids: the JSON list export (`Export > JSON`, or the table API with `sysparm_display_value=false` or `=all`), or the CSV list export with `sysparm_display_value=false` in the URL (\"Export with sys_id\"); include the `sys_id` column in the CI export";

/// The CIs, keyed both by sys_id and by name; ids made unique.
struct Catalogue {
    cis: Vec<Ci>,
    by_sys_id: BTreeMap<String, usize>,
    by_name: BTreeMap<String, Vec<usize>>,
}

fn catalogue(rows: &[Row], report: &mut Vec<String>) -> Catalogue {
    let mut cat = Catalogue {
        cis: Vec::new(),
        by_sys_id: BTreeMap::new(),
        by_name: BTreeMap::new(),
    };
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut unknown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let name = row.display("name").to_string();
        let sys_id = row.get("sys_id").to_string();
        if name.is_empty() {
            report.push(format!(
                "{}: a CI without a name (sys_id {sys_id:?}): skipped",
                row.place
            ));
            continue;
        }
        if !sys_id.is_empty() && cat.by_sys_id.contains_key(&sys_id) {
            report.push(format!(
                "{}: CI {name:?} repeats sys_id {sys_id}: the first is kept",
                row.place
            ));
            continue;
        }
        let class = row.get("sys_class_name").to_string();
        let kind = kind_of(&class);
        if kind == Kind::Unknown {
            unknown.entry(class.clone()).or_default().push(name.clone());
        }
        let mut id = id_of(&name);
        if used.contains(&id) {
            let suffix: String = if sys_id.is_empty() {
                format!("{}", cat.cis.len() + 1)
            } else {
                sys_id.chars().take(8).collect()
            };
            let new = format!("{id}~{suffix}");
            report.push(format!(
                "{}: two CIs are named {name:?}: this one ({class}) is written as {new:?}",
                row.place
            ));
            id = new;
        }
        used.insert(id.clone());
        let i = cat.cis.len();
        if !sys_id.is_empty() {
            cat.by_sys_id.insert(sys_id, i);
        }
        cat.by_name.entry(name).or_default().push(i);
        cat.cis.push(Ci {
            id,
            kind,
            class,
            row: row.clone(),
        });
    }
    for (class, names) in unknown {
        let class = if class.is_empty() {
            "(no sys_class_name)".to_string()
        } else {
            class
        };
        report.push(format!(
            "class {class} is not one the import knows: its {} CI(s) are written as systems tagged `unknown-class`: {}",
            names.len(),
            super::some(&names)
        ));
    }
    cat
}

impl Catalogue {
    /// The CI a reference names: by sys_id (value) first, then by display name.
    fn resolve(&self, row: &Row, column: &str) -> Result<Option<usize>, Diagnostic> {
        let value = row.get(column);
        if value.is_empty() {
            return Ok(None);
        }
        if let Some(&i) = self.by_sys_id.get(value) {
            return Ok(Some(i));
        }
        let name = row.display(column);
        match self.by_name.get(name).map(|v| v.as_slice()) {
            Some([one]) => Ok(Some(*one)),
            Some(many) if !is_sys_id(name) => Err(join_error(
                format!(
                    "{}: `{column}` is the display value {name:?}, and {} CIs have that name ({}): the export does not say which",
                    row.place,
                    many.len(),
                    many.iter().map(|&i| self.cis[i].class.as_str()).collect::<Vec<_>>().join(", ")
                ),
                EXPORT_WITH_SYS_IDS,
            )),
            _ if is_sys_id(value) && self.by_sys_id.is_empty() => Err(join_error(
                format!(
                    "{}: `{column}` is a sys_id ({value}) but the CI export has no `sys_id` column to join it on",
                    row.place
                ),
                "add the `sys_id` column to the CI export (or export the relations with display values, the CSV default)",
            )),
            _ => Ok(None),
        }
    }
}

/// The estate the exports describe, and the report of what was not taken
/// as written (each unknown class, missing reference, cycle, skipped
/// relation or schedule). Errors: exports that cannot be joined (E122).
pub fn import(ex: &Exports, opts: &Options) -> Result<(Estate, Vec<String>), Vec<Diagnostic>> {
    let mut report = Vec::new();
    let mut rows = ex.cis.clone();
    rows.extend(ex.services.iter().cloned().map(|mut r| {
        if r.get("sys_class_name").is_empty() {
            r.fields.insert(
                "sys_class_name".into(),
                super::table::Field {
                    value: "cmdb_ci_service".into(),
                    display: None,
                },
            );
        }
        r
    }));
    let cat = catalogue(&rows, &mut report);
    let mut estate = Estate::default();
    let mut errors = Vec::new();
    let mut team_of: BTreeMap<usize, String> = BTreeMap::new();
    for (i, ci) in cat.cis.iter().enumerate() {
        let team = ci.row.display(&opts.team_field);
        if !team.is_empty() {
            team_of.insert(i, id_of(team));
            estate.teams.insert(id_of(team));
        }
    }
    let links = relations(ex, &cat, opts, &mut report, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    build(&cat, &links, &team_of, opts, &mut estate, &mut report);
    schedules(ex, &cat, &mut estate, &mut report).map_err(|d| vec![d])?;
    Ok((estate, report))
}

/// The relations the import understands, resolved to CIs.
#[derive(Default)]
struct Links {
    /// (cluster, member)
    members: BTreeSet<(usize, usize)>,
    /// (consumer, producer, how): "depends on" or "runs on".
    depends: BTreeSet<(usize, usize, &'static str)>,
}

fn relations(
    ex: &Exports,
    cat: &Catalogue,
    opts: &Options,
    report: &mut Vec<String>,
    errors: &mut Vec<Diagnostic>,
) -> Links {
    let _ = opts;
    let mut links = Links::default();
    let mut other_types: BTreeMap<String, usize> = BTreeMap::new();
    for row in &ex.relations {
        let ty = row.display("type").to_string();
        if is_sys_id(&ty) {
            errors.push(join_error(
                format!("{}: the relation `type` is a sys_id ({ty}), not its name", row.place),
                "export cmdb_rel_ci with display values for `type`: the CSV list export (the default), or JSON with `sysparm_display_value=all`",
            ));
            continue;
        }
        let (parent, child) = match (cat.resolve(row, "parent"), cat.resolve(row, "child")) {
            (Ok(p), Ok(c)) => (p, c),
            (p, c) => {
                errors.extend(p.err());
                errors.extend(c.err());
                continue;
            }
        };
        let (Some(p), Some(c)) = (parent, child) else {
            let missing: Vec<String> = [("parent", parent), ("child", child)]
                .iter()
                .filter(|(_, x)| x.is_none())
                .map(|(col, _)| format!("{col} {:?}", row.display(col)))
                .collect();
            report.push(format!(
                "{}: relation {ty:?} names a CI not in the CI exports ({}): skipped",
                row.place,
                missing.join(", ")
            ));
            continue;
        };
        if p == c {
            report.push(format!(
                "{}: relation {ty:?} of {:?} to itself: skipped",
                row.place, cat.cis[p].id
            ));
            continue;
        }
        let head = ty
            .split("::")
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let (kp, kc) = (cat.cis[p].kind, cat.cis[c].kind);
        match head.as_str() {
            "members" | "cluster of" | "cluster" | "member of" => {
                let pair = match (kp, kc) {
                    (Kind::Cluster, k) if k != Kind::Cluster && k != Kind::Service => Some((p, c)),
                    (k, Kind::Cluster) if k != Kind::Cluster && k != Kind::Service => Some((c, p)),
                    _ => None,
                };
                match pair {
                    Some(pair) => {
                        links.members.insert(pair);
                    }
                    None => report.push(format!(
                        "{}: relation {ty:?} between {} ({}) and {} ({}) is not a cluster and a member: skipped",
                        row.place, cat.cis[p].id, cat.cis[p].class, cat.cis[c].id, cat.cis[c].class
                    )),
                }
            }
            "depends on" => {
                links.depends.insert((p, c, "depends-on"));
            }
            "runs on" | "hosted on" | "virtualized by" => {
                links.depends.insert((p, c, "runs-on"));
            }
            _ => *other_types.entry(ty).or_default() += 1,
        }
    }
    for (ty, n) in other_types {
        report.push(format!(
            "relation type {ty:?} ({n} relation(s)) gives no rule the import knows: not imported"
        ));
    }
    links
}

fn weight_of(criticality: &str) -> Option<f64> {
    match criticality.trim().chars().next()? {
        '1' => Some(10.0),
        '2' => Some(5.0),
        '3' => Some(2.0),
        '4' => Some(1.0),
        _ => None,
    }
}

fn build(
    cat: &Catalogue,
    links: &Links,
    team_of: &BTreeMap<usize, String>,
    opts: &Options,
    estate: &mut Estate,
    report: &mut Vec<String>,
) {
    for (i, ci) in cat.cis.iter().enumerate() {
        let sys_id = ci.row.get("sys_id");
        let notes = if sys_id.is_empty() {
            format!("servicenow {}", ci.class)
        } else {
            format!("servicenow {} {}", ci.class, sys_id)
        };
        match ci.kind {
            Kind::System(_) | Kind::Unknown => {
                let tag = match ci.kind {
                    Kind::System(t) => t,
                    _ => "unknown-class",
                };
                let text = |f: &str| {
                    Some(ci.row.display(f))
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                };
                estate.systems.push(SystemOut {
                    id: ci.id.clone(),
                    zone: text(&opts.zone_field).map(|z| id_of(&z)),
                    site: text(&opts.site_field),
                    tags: vec![tag.to_string()],
                    notes,
                    team: team_of.get(&i).cloned(),
                });
            }
            Kind::Cluster => {
                let members: Vec<String> = links
                    .members
                    .iter()
                    .filter(|(k, _)| *k == i)
                    .map(|(_, m)| cat.cis[*m].id.clone())
                    .collect();
                if members.is_empty() {
                    report.push(format!(
                        "cluster {:?} has no member in the relations: written as a system",
                        ci.id
                    ));
                    estate.systems.push(SystemOut {
                        id: ci.id.clone(),
                        tags: vec!["cluster".into()],
                        notes,
                        team: team_of.get(&i).cloned(),
                        ..Default::default()
                    });
                    continue;
                }
                let member_teams: BTreeSet<&String> = links
                    .members
                    .iter()
                    .filter(|(k, _)| *k == i)
                    .filter_map(|(_, m)| team_of.get(m))
                    .collect();
                let team = team_of.get(&i).cloned().or_else(|| {
                    (member_teams.len() == 1)
                        .then(|| member_teams.iter().next().unwrap().to_string())
                });
                estate.clusters.push(ClusterOut {
                    id: ci.id.clone(),
                    members,
                    notes,
                    team,
                });
            }
            Kind::Service => {}
        }
    }
    services(cat, links, estate, report);
    integrations(cat, links, opts, estate, report);
}

fn services(cat: &Catalogue, links: &Links, estate: &mut Estate, report: &mut Vec<String>) {
    let deps = |i: usize| {
        links
            .depends
            .iter()
            .filter(move |(p, _, _)| *p == i)
            .map(|(_, c, _)| *c)
    };
    for (i, ci) in cat.cis.iter().enumerate() {
        if ci.kind != Kind::Service {
            continue;
        }
        // What the service needs, through the services it depends on.
        let mut requires = BTreeSet::new();
        let mut seen = BTreeSet::from([i]);
        let mut stack: Vec<usize> = deps(i).collect();
        while let Some(c) = stack.pop() {
            match cat.cis[c].kind {
                Kind::Service => {
                    if c == i {
                        report.push(format!("service {:?} depends on itself through other services (a cycle): the cycle adds nothing", ci.id));
                    }
                    if seen.insert(c) {
                        stack.extend(deps(c));
                    }
                }
                _ => {
                    requires.insert(cat.cis[c].id.clone());
                }
            }
        }
        if seen.len() > 1 {
            let via: Vec<String> = seen
                .iter()
                .filter(|&&s| s != i)
                .map(|&s| cat.cis[s].id.clone())
                .collect();
            report.push(format!(
                "service {:?} depends on service(s) {}: it requires what they require",
                ci.id,
                via.join(", ")
            ));
        }
        if requires.is_empty() {
            report.push(format!(
                "service {:?} depends on no CI in the relations: written with `requires: []`",
                ci.id
            ));
        }
        let sys_id = ci.row.get("sys_id");
        let crit = [
            ci.row.display("busines_criticality"),
            ci.row.display("business_criticality"),
        ]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("");
        estate.services.push(ServiceOut {
            id: ci.id.clone(),
            weight: weight_of(crit),
            requires: requires.into_iter().collect(),
            notes: format!("servicenow {} {sys_id}", ci.class)
                .trim_end()
                .to_string(),
        });
    }
}

fn integrations(
    cat: &Catalogue,
    links: &Links,
    opts: &Options,
    estate: &mut Estate,
    report: &mut Vec<String>,
) {
    let mut edges = Vec::new();
    for &(p, c, how) in &links.depends {
        let (kp, kc) = (cat.cis[p].kind, cat.cis[c].kind);
        if kp == Kind::Service {
            continue; // a service's requires
        }
        if kc == Kind::Service {
            report.push(format!(
                "{} {how} service {}: a system cannot depend on a service in the inventory: not imported",
                cat.cis[p].id, cat.cis[c].id
            ));
            continue;
        }
        let apps = kp == Kind::System("application") && kc == Kind::System("application");
        edges.push((c, p));
        estate.integrations.push(IntegrationOut {
            id: format!("{}:{how}:{}", cat.cis[p].id, cat.cis[c].id),
            from: cat.cis[c].id.clone(),
            to: cat.cis[p].id.clone(),
            asynchronous: how == "depends-on" && apps && opts.async_integrations,
        });
    }
    for cycle in super::cycles(cat.cis.len(), &edges) {
        let names: Vec<&str> = cycle.iter().map(|&i| cat.cis[i].id.as_str()).collect();
        report.push(format!(
            "dependency cycle {} -> {}: kept (each counts as down while the one it depends on is)",
            names.join(" -> "),
            names[0]
        ));
    }
}

/// A schedule time as a local time `2026-12-06T01:00`: from
/// `2026-12-06 01:00:00`, `20261206T010000` or ISO 8601.
pub fn local_time(s: &str) -> Option<String> {
    let s = s.trim();
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 12 {
        return None;
    }
    let (y, mo, d, h, mi) = (
        &digits[0..4],
        &digits[4..6],
        &digits[6..8],
        &digits[8..10],
        &digits[10..12],
    );
    let t = format!("{y}-{mo}-{d}T{h}:{mi}");
    jiff::civil::DateTime::strptime("%Y-%m-%dT%H:%M", &t)
        .ok()
        .map(|_| t)
}

fn schedules(
    ex: &Exports,
    cat: &Catalogue,
    estate: &mut Estate,
    report: &mut Vec<String>,
) -> Result<(), Diagnostic> {
    let (entries, heads): (Vec<&Row>, Vec<&Row>) =
        ex.schedules.iter().partition(|r| r.has("start_date_time"));
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        let sched_key = e.get("schedule");
        let head = heads.iter().find(|h| {
            (!h.get("sys_id").is_empty() && h.get("sys_id") == sched_key)
                || h.display("name") == e.display("schedule")
        });
        let name = head
            .map(|h| h.display("name"))
            .unwrap_or_else(|| e.display("schedule"));
        let name = if name.is_empty() {
            e.display("name")
        } else {
            name
        };
        let ty = head
            .map(|h| h.display("type"))
            .unwrap_or("blackout")
            .to_ascii_lowercase();
        if ty.contains("maintenance") {
            report.push(format!("{}: maintenance schedule {name:?} says when changes may run, not when they may not: not a blackout (give tasks `windows:`)", e.place));
            continue;
        }
        let repeat = e.display("repeat_type").to_ascii_lowercase();
        let repeating = !(repeat.is_empty() || repeat == "none" || repeat == "do not repeat");
        let (from, to) = (
            local_time(e.display("start_date_time")),
            local_time(e.display("end_date_time")),
        );
        if !repeating && (from.is_none() || to.is_none()) {
            return Err(Diagnostic::new(
                "E121",
                "",
                format!("{}: schedule entry {name:?}: a start or end that is not a time: {:?} / {:?}", e.place, e.display("start_date_time"), e.display("end_date_time")),
                "export `start_date_time` and `end_date_time` as `2026-12-06 01:00:00` (display values) or `20261206T010000`",
            ));
        }
        let n = count.entry(name.to_string()).or_default();
        *n += 1;
        let mut b = BlackoutOut {
            id: format!("{}#{}", id_of(name), n),
            reason: if repeating {
                format!("{name} (repeats {repeat}: write this window's occurrence)")
            } else {
                name.to_string()
            },
            from: if repeating { None } else { from },
            to: if repeating { None } else { to },
            ..Default::default()
        };
        let applies = head
            .map(|h| h.display("cmdb_ci").to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| e.display("cmdb_ci").to_string());
        for ci_name in applies.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let found = cat
                .by_sys_id
                .get(ci_name)
                .copied()
                .or_else(|| cat.by_name.get(ci_name).and_then(|v| v.first().copied()));
            match found.map(|i| (&cat.cis[i], estate.clusters.iter().any(|c| c.id == cat.cis[i].id))) {
                Some((ci, true)) => b.clusters.push(ci.id.clone()),
                Some((ci, false)) if ci.kind != Kind::Service => b.systems.push(ci.id.clone()),
                Some((ci, _)) => b.services.push(ci.id.clone()),
                None => report.push(format!("{}: blackout {name:?} applies to {ci_name:?}, not in the CI exports: left out of its scope", e.place)),
            }
        }
        if applies.trim().is_empty() {
            report.push(format!(
                "{}: blackout {name:?} names no CI: it applies to everything",
                e.place
            ));
        } else if b.systems.is_empty() && b.clusters.is_empty() && b.services.is_empty() {
            report.push(format!("{}: blackout {name:?} names no CI that was imported: skipped (it would apply to everything)", e.place));
            continue;
        }
        estate.blackouts.push(b);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_map_to_kinds() {
        assert_eq!(kind_of("cmdb_ci_linux_server"), Kind::System("server"));
        assert_eq!(kind_of("cmdb_ci_win_cluster_node"), Kind::System("server"));
        assert_eq!(kind_of("cmdb_ci_win_cluster"), Kind::Cluster);
        assert_eq!(kind_of("cmdb_ci_db_ora_instance"), Kind::System("database"));
        assert_eq!(
            kind_of("cmdb_ci_app_server_tomcat"),
            Kind::System("application")
        );
        assert_eq!(kind_of("cmdb_ci_lb_bigip"), Kind::System("network"));
        assert_eq!(kind_of("cmdb_ci_service_business"), Kind::Service);
        assert_eq!(kind_of("cmdb_ci_printer"), Kind::Unknown);
    }

    #[test]
    fn schedule_times_in_every_export_form() {
        assert_eq!(
            local_time("2026-12-06 01:00:00").as_deref(),
            Some("2026-12-06T01:00")
        );
        assert_eq!(
            local_time("20261206T010000").as_deref(),
            Some("2026-12-06T01:00")
        );
        assert_eq!(
            local_time("2026-12-06T01:00").as_deref(),
            Some("2026-12-06T01:00")
        );
        assert_eq!(local_time("2026-13-06 01:00"), None);
        assert_eq!(local_time("soon"), None);
    }
}
