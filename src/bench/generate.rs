//! Synthetic but realistic estates for scale tests (`windowplan generate`).
//!
//! The estate is a set of *applications*, each the way a bank runs one: a web
//! tier in a DMZ zone and an app tier (clusters of 2–8 nodes with
//! `min_available`), a primary/DR database pair (some in a PCI zone, some with
//! a DR `order`), sometimes a batch system with a nightly blackout, a service
//! that requires the tiers and the primary database, and integrations (the
//! database feeding the batch system asynchronously, the app tier calling
//! another application synchronously). Its tasks are the usual chains:
//! backup → patch → verify per database, rolling OS patches per cluster, a
//! release after the database patch (sometimes after another application's
//! database too), a vendor schema change for a few databases (the vendor team
//! has limited hours), a task with a change window for a few percent, and a
//! smoke test at the end.
//!
//! Every generated estate is feasible by construction: no deadline, no
//! `max_downtime`, dependencies only run "down the stack" (database → app →
//! web → smoke; never from one database pair into another), so with DR
//! orders there is no cycle; windows and the vendor's hours are many hours
//! wide and tasks that need them have no long chain in front of them; max
//! lags join only tasks on the same system and team. Team capacities and
//! zone limits are sized from the work, so the plan of any size is about one
//! night long. The same seed gives the same file, byte for byte.

use crate::inventory::Format;
use crate::rng::SplitMix64;
use serde_json::{json, Map, Value};

const WINDOW_START: &str = "2026-12-05T22:00";
/// Local times at `h` hours (and `m` minutes) after the window start.
fn at(h: u32, m: u32) -> String {
    let total = 22 * 60 + h * 60 + m;
    let day = 5 + total / (24 * 60);
    let mins = total % (24 * 60);
    format!("2026-12-{:02}T{:02}:{:02}", day, mins / 60, mins % 60)
}

const APP_NAMES: &[&str] = &[
    "payments", "cards", "loans", "crm", "ledger", "fx", "trading", "mobile", "branch", "atm",
    "kyc", "aml", "treasury", "hr", "mail", "portal", "claims", "billing", "risk", "swift",
];

/// Work (minutes) per team, zone, to size capacities after the tasks exist.
#[derive(Default)]
struct Load {
    team: Vec<u64>,
    zone: Vec<u64>,
}

struct Builder {
    rng: SplitMix64,
    target: usize,
    /// Tasks so far, counting each member of a cluster task.
    count: usize,
    systems: Vec<Value>,
    clusters: Vec<Value>,
    dr: Vec<Value>,
    services: Vec<Value>,
    integrations: Vec<Value>,
    tasks: Vec<Value>,
    /// Team ids; the last one is the vendor.
    teams: Vec<&'static str>,
    zones: Vec<String>,
    load: Load,
    pressure: Pressure,
    /// (system id, zone index) of every system, for the filler tasks.
    all_systems: Vec<(String, Option<usize>)>,
    /// Primary database verify task of each application so far.
    db_verify: Vec<String>,
    /// App-tier cluster id of each application so far.
    app_tiers: Vec<String>,
    /// Batch tags with a blackout.
    batch_tags: Vec<&'static str>,
}

const TEAM_POOL: &[&str] = &[
    "unix",
    "dba",
    "app-support",
    "network",
    "middleware",
    "storage",
    "security",
    "windows",
    "batch-ops",
];
const UNIX: usize = 0;
const DBA: usize = 1;
const APPS: usize = 2;

impl Builder {
    fn team_index(&self, name: &str) -> usize {
        self.teams.iter().position(|t| *t == name).unwrap_or(UNIX)
    }

    fn vendor(&self) -> usize {
        self.teams.len() - 1
    }

    /// Adds a system and returns its id.
    fn system(&mut self, id: String, zone: Option<usize>, site: &str, tags: &[&str]) -> String {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        if let Some(z) = zone {
            m.insert("zone".into(), json!(self.zones[z]));
        }
        m.insert("site".into(), json!(site));
        m.insert("tags".into(), json!(tags));
        self.systems.push(Value::Object(m));
        self.all_systems.push((id.clone(), zone));
        id
    }

    /// Adds a task; `members` is how many tasks it stands for (cluster size,
    /// or 1), `zone` where its work counts.
    #[allow(clippy::too_many_arguments)]
    fn task(
        &mut self,
        id: String,
        on: (&str, &str),
        minutes: u64,
        outage: bool,
        team: usize,
        after: Vec<Value>,
        members: usize,
        zone: Option<usize>,
    ) -> String {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert(on.0.into(), json!(on.1));
        m.insert("duration".into(), json!(fmt_duration(minutes)));
        if !outage {
            m.insert("outage".into(), json!(false));
        }
        m.insert("team".into(), json!(self.teams[team]));
        if !after.is_empty() {
            m.insert("after".into(), Value::Array(after));
        }
        self.tasks.push(Value::Object(m));
        self.count += members;
        self.load.team[team] += minutes * members as u64;
        if let Some(z) = zone {
            self.load.zone[z] += minutes * members as u64;
        }
        id
    }

    fn new_zone(&mut self, kind: &str) -> usize {
        let id = format!(
            "{kind}-{}",
            self.zones.iter().filter(|z| z.starts_with(kind)).count() + 1
        );
        self.zones.push(id);
        self.load.zone.push(0);
        self.zones.len() - 1
    }

    /// One application with its systems, rules and tasks.
    fn application(&mut self, k: usize, dmz: usize, pci: usize) {
        let app = self.app_systems(k, dmz, pci);
        let vendor_change = self.app_rules(&app);
        let (verify_a, release_after) = self.database_tasks(&app, vendor_change);
        let (web_av, release) = self.tier_tasks(&app, release_after);

        let mut smoke_after = vec![json!(web_av), json!(release)];
        if let Some((b, _)) = &app.batch {
            let patch = self.batch_tasks(&app.name, b);
            smoke_after.push(json!(patch));
        }
        if let Some(cert) = self.certificate_renewal(&app) {
            smoke_after.push(json!(cert));
        }
        let d = dur(&mut self.rng, 5, 15);
        self.task(
            format!("{}-smoke", app.name),
            ("system", "bastion"),
            d,
            false,
            APPS,
            smoke_after,
            1,
            None,
        );
        self.db_verify.push(verify_a);
        self.app_tiers.push(app.app_tier);
        if let Some((_, tag)) = app.batch {
            if !self.batch_tags.contains(&tag) {
                self.batch_tags.push(tag);
            }
        }
    }

    /// The systems of application `k`: web and app tiers (the app tier,
    /// like the databases, in the PCI zone for some), a database pair and
    /// sometimes a batch system.
    fn app_systems(&mut self, k: usize, dmz: usize, pci: usize) -> App {
        let name = format!(
            "{}-{:03}",
            APP_NAMES[k % APP_NAMES.len()],
            k / APP_NAMES.len() + 1
        );
        let pci_app = self.rng.chance(0.3);
        let web_n = self.rng.range(2, 8) as usize;
        let app_n = self.rng.range(2, 8) as usize;
        let web: Vec<String> = (1..=web_n)
            .map(|i| {
                self.system(
                    format!("{name}-web-{i}"),
                    Some(dmz),
                    "primary",
                    &["linux", "web"],
                )
            })
            .collect();
        let app_zone = pci_app.then_some(pci);
        let app: Vec<String> = (1..=app_n)
            .map(|i| {
                self.system(
                    format!("{name}-app-{i}"),
                    app_zone,
                    "primary",
                    &["linux", "app"],
                )
            })
            .collect();
        let db_zone = pci_app.then_some(pci);
        let db_a = self.system(format!("{name}-db-a"), db_zone, "primary", &["oracle"]);
        let db_b = self.system(format!("{name}-db-b"), db_zone, "dr", &["oracle"]);
        let batch = if self.rng.chance(0.25) {
            let tag = *self.rng.pick(&["etl", "batch", "eod"]);
            let id = self.system(format!("{name}-batch"), None, "primary", &["linux", tag]);
            Some((id, tag))
        } else {
            None
        };
        App {
            web_tier: format!("{name}-web-tier"),
            app_tier: format!("{name}-app-tier"),
            name,
            web,
            app,
            dmz,
            app_zone,
            db_a,
            db_b,
            db_zone,
            batch,
        }
    }

    /// The application's clusters, DR pair, service and integrations;
    /// whether a vendor changes its schema (which rules out a DR order).
    fn app_rules(&mut self, app: &App) -> bool {
        let c = cluster(&app.web_tier, &app.web, &mut self.rng);
        self.clusters.push(c);
        let c = cluster(&app.app_tier, &app.app, &mut self.rng);
        self.clusters.push(c);
        let vendor_change = self.rng.chance(0.1);
        // A DR order only where no vendor change waits on the primary.
        let order_share = match self.pressure {
            Pressure::Relaxed => 0.4,
            Pressure::Binding => 1.0,
        };
        let order = (!vendor_change && self.rng.chance(order_share)).then(|| {
            if self.rng.chance(0.8) {
                "standby_first"
            } else {
                "primary_first"
            }
        });
        let mut pair = json!({ "primary": app.db_a, "standby": app.db_b });
        if let Some(o) = order {
            pair["order"] = json!(o);
        }
        self.dr.push(pair);
        let weight = *self.rng.pick(&[1, 2, 5, 10, 20]);
        self.services.push(json!({
            "id": app.name, "weight": weight, "requires": [app.web_tier, app.app_tier, app.db_a]
        }));
        let name = &app.name;
        if let Some((b, _)) = &app.batch {
            let tolerance = *self.rng.pick(&["30m", "60m", "2h"]);
            self.integrations.push(json!({
                "id": format!("{name}-feed"), "from": app.db_a, "to": b, "mode": "async", "tolerance": tolerance
            }));
        }
        if !self.app_tiers.is_empty() && self.rng.chance(0.3) {
            let other = self.rng.pick(&self.app_tiers).clone();
            self.integrations.push(json!({
                "id": format!("{name}-calls-{other}"), "from": other, "to": app.app_tier, "mode": "sync"
            }));
        }
        vendor_change
    }

    /// Database tasks: backup → patch → verify on each side, and the
    /// vendor's schema change. The primary's verify task, and what the
    /// application release waits for.
    fn database_tasks(&mut self, app: &App, vendor_change: bool) -> (String, Vec<Value>) {
        let _verify_b = self.db_chain(app, "db-b", &app.db_b);
        let verify_a = self.db_chain(app, "db-a", &app.db_a);
        let mut release_after = vec![json!(verify_a)];
        if vendor_change {
            let id = self.schema_change(app);
            release_after.push(json!(id));
        }
        // Sometimes the release also waits for another application's database.
        if !self.db_verify.is_empty() && self.rng.chance(0.2) {
            release_after.push(json!(self.rng.pick(&self.db_verify).clone()));
        }
        (verify_a, release_after)
    }

    /// Backup → patch → verify on one database (`side`); the verify task
    /// (sometimes with a maximum lag after the patch).
    fn db_chain(&mut self, app: &App, side: &str, sys: &str) -> String {
        let name = &app.name;
        let d = dur(&mut self.rng, 15, 40);
        let backup = self.task(
            format!("{name}-backup-{side}"),
            ("system", sys),
            d,
            false,
            DBA,
            vec![json!(PRE)],
            1,
            app.db_zone,
        );
        let d = dur(&mut self.rng, 20, 60);
        let patch = self.task(
            format!("{name}-patch-{side}"),
            ("system", sys),
            d,
            true,
            DBA,
            vec![json!(backup)],
            1,
            app.db_zone,
        );
        let after = if self.rng.chance(0.15) {
            json!({ "task": patch, "lag": "5m", "max_lag": "2h" })
        } else {
            json!(patch)
        };
        let d = dur(&mut self.rng, 10, 20);
        self.task(
            format!("{name}-verify-{side}"),
            ("system", sys),
            d,
            false,
            DBA,
            vec![after],
            1,
            app.db_zone,
        )
    }

    /// A schema change on the primary database needing the DBA team and the
    /// vendor together (the only task with two teams); its id.
    fn schema_change(&mut self, app: &App) -> String {
        let name = &app.name;
        let vendor = self.vendor();
        let d = dur(&mut self.rng, 20, 60);
        let id = format!("{name}-schema-change");
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("system".into(), json!(app.db_a));
        m.insert("duration".into(), json!(fmt_duration(d)));
        m.insert(
            "needs".into(),
            json!({ self.teams[DBA]: 1, self.teams[vendor]: 1 }),
        );
        m.insert("after".into(), json!([format!("{name}-backup-db-a")]));
        self.tasks.push(Value::Object(m));
        self.count += 1;
        self.load.team[DBA] += d;
        self.load.team[vendor] += d;
        if let Some(z) = app.db_zone {
            self.load.zone[z] += d;
        }
        id
    }

    /// Rolling patches of the web and app tiers, then the release after
    /// `release_after`; the web tier's last task and the release.
    fn tier_tasks(&mut self, app: &App, mut release_after: Vec<Value>) -> (String, String) {
        let name = &app.name;
        let (web_n, app_n) = (app.web.len(), app.app.len());
        let mw = self.team_index("middleware");
        let d = dur(&mut self.rng, 15, 45);
        let web_patch = self.task(
            format!("{name}-web-os-patch"),
            ("cluster", &app.web_tier),
            d,
            true,
            UNIX,
            vec![json!(PRE)],
            web_n,
            Some(app.dmz),
        );
        let d = dur(&mut self.rng, 5, 15);
        let web_av = self.task(
            format!("{name}-web-av-update"),
            ("cluster", &app.web_tier),
            d,
            false,
            UNIX,
            vec![json!(web_patch)],
            web_n,
            Some(app.dmz),
        );
        let d = dur(&mut self.rng, 15, 45);
        let app_patch = self.task(
            format!("{name}-app-os-patch"),
            ("cluster", &app.app_tier),
            d,
            true,
            UNIX,
            vec![json!(PRE)],
            app_n,
            app.app_zone,
        );
        release_after.insert(0, json!(app_patch));
        let d = dur(&mut self.rng, 10, 30);
        let release = self.task(
            format!("{name}-app-release"),
            ("cluster", &app.app_tier),
            d,
            true,
            mw,
            release_after,
            app_n,
            app.app_zone,
        );
        (web_av, release)
    }

    /// Batch system `b`: backup, then patch outside its blackout; the patch.
    fn batch_tasks(&mut self, name: &str, b: &str) -> String {
        let bo = self.team_index("batch-ops");
        let d = dur(&mut self.rng, 10, 30);
        let backup = self.task(
            format!("{name}-batch-backup"),
            ("system", b),
            d,
            false,
            bo,
            vec![json!(PRE)],
            1,
            None,
        );
        let d = dur(&mut self.rng, 20, 60);
        self.task(
            format!("{name}-batch-patch"),
            ("system", b),
            d,
            true,
            UNIX,
            vec![json!(backup)],
            1,
            None,
        )
    }

    /// A few percent of tasks have a change window: a certificate on the
    /// web tier's first node in the CA's slot, with nothing in front of it.
    /// Its id, when the application has one.
    fn certificate_renewal(&mut self, app: &App) -> Option<String> {
        if !self.rng.chance(0.6) {
            return None;
        }
        let net = self.team_index("network");
        let d = dur(&mut self.rng, 10, 20);
        let start = self.rng.range(0, 2) as u32;
        let id = format!("{}-cert-renew", app.name);
        self.tasks.push(json!({
            "id": id, "system": app.web[0], "duration": fmt_duration(d), "outage": false,
            "team": self.teams[net], "after": [PRE],
            "windows": [format!("{}/{}", at(start, 30), at(start + 8, 30))]
        }));
        self.count += 1;
        self.load.team[net] += d;
        self.load.zone[app.dmz] += d;
        Some(id)
    }
}

/// The task every application's first tasks wait for.
const PRE: &str = "silence-alerts";

/// The systems and names of one application, shared by its rules and tasks.
struct App {
    name: String,
    /// Web-tier systems (in the DMZ).
    web: Vec<String>,
    /// App-tier systems.
    app: Vec<String>,
    web_tier: String,
    app_tier: String,
    dmz: usize,
    app_zone: Option<usize>,
    db_a: String,
    db_b: String,
    db_zone: Option<usize>,
    /// The batch system and its tag, if any.
    batch: Option<(String, &'static str)>,
}

/// A random duration in `[lo, hi]` minutes, a multiple of 5.
fn dur(rng: &mut SplitMix64, lo: u64, hi: u64) -> u64 {
    rng.range(lo / 5, hi / 5) * 5
}

/// A cluster of `members` that may lose one node, or (for some larger
/// ones) a third of them.
fn cluster(id: &str, members: &[String], rng: &mut SplitMix64) -> Value {
    let down = (members.len() as u64).div_ceil(3).max(1);
    let down = if members.len() > 3 && rng.chance(0.5) {
        down
    } else {
        1
    };
    json!({ "id": id, "members": members, "min_available": members.len() as u64 - down })
}

fn fmt_duration(m: u64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// How hard the estate's rules press on its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Pressure {
    /// Capacities for about six hours of work, the vendor on call for
    /// nine: the plan usually meets its lower bound at once.
    #[default]
    Relaxed,
    /// Team and zone capacities for about nine hours of work (beyond the
    /// vendor's nine hours on call) and a DR order on every pair that
    /// allows one: teams, vendor hours and DR orders bind, so the bound is
    /// not met at once and planning measures the search, not only loading.
    Binding,
}

/// Generates an estate with about `tasks` tasks (each member of a cluster
/// task counts; exactly `tasks` once it is above a few dozen).
pub fn generate(tasks: usize, seed: u64) -> Value {
    generate_with(tasks, seed, Pressure::Relaxed)
}

/// [`generate`] with the given [`Pressure`].
pub fn generate_with(tasks: usize, seed: u64, pressure: Pressure) -> Value {
    let mut b = Builder::new(tasks.max(1), seed, pressure);
    b.opening_tasks();
    let reserve = 1; // unsilence-alerts at the end
    let apps = b.applications(reserve);
    b.fill_with_agent_updates(reserve);
    b.closing_task();

    // Capacities from the work: about `span` minutes of it per team and zone.
    let span = match pressure {
        Pressure::Relaxed => 360u64,
        Pressure::Binding => 540u64,
    };
    let team_list = b.team_list(span);
    let zone_list = b.zone_list(span);
    let blackouts = b.blackouts();
    // The bastion runs every smoke test: allow them in parallel.
    b.systems[0]["parallel_changes"] = json!((apps as u64).max(1));
    b.systems[1]["parallel_changes"] = json!(2);

    json!({
        "window": { "start": WINDOW_START, "timezone": "America/New_York" },
        "teams": team_list,
        "zones": zone_list,
        "systems": b.systems,
        "clusters": b.clusters,
        "dr": b.dr,
        "blackouts": blackouts,
        "services": b.services,
        "integrations": b.integrations,
        "tasks": b.tasks,
    })
}

impl Builder {
    /// An empty estate aiming at `tasks` tasks, with teams enough for its
    /// size and the vendor last.
    fn new(tasks: usize, seed: u64, pressure: Pressure) -> Builder {
        let n_teams = (3 + (tasks as f64 / 300.0).log2().max(0.0) as usize).min(TEAM_POOL.len());
        let mut teams: Vec<&'static str> = TEAM_POOL[..n_teams].to_vec();
        teams.push("vendor-support");
        let n = teams.len();
        Builder {
            rng: SplitMix64::new(seed ^ 0x5EED_0FE5_7A7E),
            target: tasks,
            count: 0,
            systems: Vec::new(),
            clusters: Vec::new(),
            dr: Vec::new(),
            services: Vec::new(),
            integrations: Vec::new(),
            tasks: Vec::new(),
            teams,
            zones: Vec::new(),
            load: Load {
                team: vec![0; n],
                zone: Vec::new(),
            },
            pressure,
            all_systems: Vec::new(),
            db_verify: Vec::new(),
            app_tiers: Vec::new(),
            batch_tags: Vec::new(),
        }
    }

    /// Shared tooling (bastion, monitoring) and the opening tasks.
    fn opening_tasks(&mut self) {
        self.system("bastion".into(), None, "primary", &["tooling"]);
        self.system("monitoring".into(), None, "primary", &["tooling"]);
        self.task(
            "pre-checks".into(),
            ("system", "bastion"),
            15,
            false,
            APPS,
            vec![],
            1,
            None,
        );
        self.task(
            PRE.into(),
            ("system", "monitoring"),
            5,
            false,
            UNIX,
            vec![json!("pre-checks")],
            1,
            None,
        );
    }

    /// Applications, about 30 tasks each, ~12 per zone, while another one
    /// fits below the target (less `reserve` tasks); how many.
    fn applications(&mut self, reserve: usize) -> usize {
        let mut k = 0;
        let (mut dmz, mut pci) = (self.new_zone("dmz"), self.new_zone("pci"));
        while self.count + 2 * 8 * 2 + 2 * 8 + 12 + reserve <= self.target {
            if k > 0 && k % 12 == 0 {
                dmz = self.new_zone("dmz");
                pci = self.new_zone("pci");
            }
            self.application(k, dmz, pci);
            k += 1;
        }
        k
    }

    /// Fills up to the target (less `reserve` tasks) with online agent
    /// updates on random systems.
    fn fill_with_agent_updates(&mut self, reserve: usize) {
        let mut fill = 0;
        while self.count + reserve < self.target && !self.all_systems.is_empty() {
            fill += 1;
            let (sys, zone) = self.rng.pick(&self.all_systems).clone();
            let team = self.rng.range(0, self.teams.len() as u64 - 2) as usize;
            let d = self.rng.range(1, 3) * 5;
            self.task(
                format!("agent-update-{fill}"),
                ("system", &sys),
                d,
                false,
                team,
                vec![json!(PRE)],
                1,
                zone,
            );
        }
    }

    /// The closing task, after every smoke test (or after the opening).
    fn closing_task(&mut self) {
        let smokes: Vec<Value> = self
            .tasks
            .iter()
            .filter_map(|t| {
                t["id"]
                    .as_str()
                    .filter(|id| id.ends_with("-smoke"))
                    .map(|id| json!(id))
            })
            .collect();
        let last = if smokes.is_empty() {
            vec![json!(PRE)]
        } else {
            smokes
        };
        self.task(
            "unsilence-alerts".into(),
            ("system", "monitoring"),
            5,
            false,
            UNIX,
            last,
            1,
            None,
        );
    }

    /// The teams, with capacities for about `span` minutes of their work;
    /// the vendor on call for nine hours with capacity for half of that.
    fn team_list(&self, span: u64) -> Vec<Value> {
        let vendor = self.vendor();
        self.teams
            .iter()
            .enumerate()
            .map(|(i, id)| {
                if i == vendor {
                    // On call for nine hours; capacity for half of that.
                    let cap = self.load.team[i].div_ceil(270).max(1);
                    json!({ "id": id, "capacity": cap, "available": [format!("{}/{}", at(0, 30), at(9, 30))] })
                } else {
                    json!({ "id": id, "capacity": self.load.team[i].div_ceil(span).max(2) })
                }
            })
            .collect()
    }

    /// The zones, with concurrency for about `span` minutes of their work.
    fn zone_list(&self, span: u64) -> Vec<Value> {
        self.zones
            .iter()
            .enumerate()
            .map(|(z, id)| {
                let floor = if id.starts_with("pci") { 2 } else { 4 };
                json!({ "id": id, "max_concurrent": self.load.zone[z].div_ceil(span / 2).max(floor) })
            })
            .collect()
    }

    /// A two-hour nightly blackout per batch tag.
    fn blackouts(&self) -> Vec<Value> {
        self.batch_tags
            .iter()
            .enumerate()
            .map(|(i, tag)| {
                let h = 2 + i as u32;
                json!({ "from": at(h, 0), "to": at(h + 2, 0), "scope": { "tags": [tag] },
                        "reason": format!("nightly {tag} run") })
            })
            .collect()
    }
}

/// Rewrites a generated estate into format 1.1: every rolling OS patch of
/// a tier becomes `drain` (5m, no outage), `patch` and `verify` (5m,
/// read-only) steps with the first member as a canary; a follow-up on the
/// same cluster that waited for the whole patch waits for its own member
/// only (`same_member`); the window gets a title and change record.
pub fn to_format11(estate: &mut Value) {
    estate["window"]["title"] = json!("Generated patch night (format 1.1)");
    estate["window"]["change"] = json!("CHG-GENERATED");
    let Some(tasks) = estate["tasks"].as_array_mut() else {
        return;
    };
    let mut patched: Vec<(String, String)> = Vec::new();
    for t in tasks.iter_mut() {
        let (Some(id), Some(cluster)) = (t["id"].as_str(), t["cluster"].as_str()) else {
            continue;
        };
        if !id.ends_with("-os-patch") {
            continue;
        }
        let minutes = t["duration"]
            .as_str()
            .and_then(|d| crate::inventory::time::parse_duration(d).ok())
            .unwrap_or(20)
            .max(15) as u64;
        patched.push((id.to_string(), cluster.to_string()));
        let m = t.as_object_mut().expect("a task is an object");
        m.remove("duration");
        m.insert("canary".into(), json!(1));
        m.insert(
            "steps".into(),
            json!([
                { "id": "drain", "duration": "5m", "outage": false },
                { "id": "patch", "duration": fmt_duration(minutes - 10) },
                { "id": "verify", "duration": "5m", "read_only": true }
            ]),
        );
    }
    for t in tasks.iter_mut() {
        let Some(cluster) = t["cluster"].as_str().map(str::to_string) else {
            continue;
        };
        let Some(after) = t["after"].as_array_mut() else {
            continue;
        };
        for a in after.iter_mut() {
            let Some(name) = a.as_str() else { continue };
            if patched.iter().any(|(p, c)| p == name && *c == cluster) {
                *a = json!({ "task": name, "same_member": true });
            }
        }
    }
}

/// Format 1.2: the estate as a campaign of `windows` weekly windows of
/// `length_hours` each (`campaign:` instead of `window:`, first window at
/// the estate's window start, ids by date). The vendor's hours and the
/// tasks' own change windows, written for the first night, are repeated
/// on every night (shifted by whole weeks), so any task may use any window;
/// the nightly blackouts stay on the first night. Team capacities, sized
/// for one night of the whole work, are divided by `windows / 1.5` (at
/// least 1), so the work needs most of the windows, not one.
pub fn to_campaign(estate: &mut Value, windows: usize, length_hours: u32) {
    let Some(window) = estate.as_object_mut().and_then(|m| m.remove("window")) else {
        return;
    };
    estate["campaign"] = json!({
        "timezone": window["timezone"],
        "title": "Generated campaign",
        "windows": [{ "every": "7d", "first": window["start"], "length": format!("{length_hours}h"), "count": windows }],
        "objective": ["windows", "downtime", "length"],
    });
    let weekly = |list: &Value| -> Value {
        let mut out = Vec::new();
        for k in 0..windows {
            for iv in list.as_array().into_iter().flatten() {
                let Some((a, b)) = iv.as_str().and_then(|s| s.split_once('/')) else {
                    continue;
                };
                let shift = |t: &str| -> Option<String> {
                    let dt: jiff::civil::DateTime = t.parse().ok()?;
                    let dt = dt.checked_add(jiff::Span::new().days(7 * k as i64)).ok()?;
                    Some(dt.strftime("%Y-%m-%dT%H:%M").to_string())
                };
                if let (Some(a), Some(b)) = (shift(a), shift(b)) {
                    out.push(json!(format!("{a}/{b}")));
                }
            }
        }
        Value::Array(out)
    };
    if let Some(teams) = estate["teams"].as_array_mut() {
        for t in teams.iter_mut() {
            if let Some(cap) = t["capacity"].as_u64() {
                let scaled = ((cap as f64) * 1.5 / windows as f64).ceil().max(1.0) as u64;
                t["capacity"] = json!(scaled);
            }
        }
    }
    for section in ["teams", "tasks"] {
        let field = if section == "teams" {
            "available"
        } else {
            "windows"
        };
        if let Some(list) = estate[section].as_array_mut() {
            for item in list.iter_mut() {
                if item.get(field).is_some() {
                    item[field] = weekly(&item[field]);
                }
            }
        }
    }
}

/// Writes the estate as YAML (one flow mapping per list entry, as a person
/// would) or as pretty JSON.
pub fn render(
    estate: &Value,
    format: Format,
    tasks: usize,
    seed: u64,
    pressure: Pressure,
) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&Ordered(estate))
                .expect("a JSON value always serialises");
            s.push('\n');
            s
        }
        Format::Yaml => {
            let pressure = match pressure {
                Pressure::Relaxed => "",
                Pressure::Binding => " --pressure binding",
            };
            let mut out = format!(
                "# Synthetic estate from `windowplan generate --tasks {tasks} --seed {seed}{pressure}`.\n"
            );
            let Value::Object(top) = estate else {
                unreachable!("the estate is a mapping")
            };
            for (key, value) in ordered(top) {
                match value {
                    Value::Array(items) => {
                        if items.is_empty() {
                            continue;
                        }
                        out.push_str(&format!("\n{key}:\n"));
                        for item in items {
                            out.push_str("  - ");
                            flow(item, &mut out);
                            out.push('\n');
                        }
                    }
                    Value::Object(m) => {
                        out.push_str(&format!("{key}:\n"));
                        for (k, v) in m {
                            out.push_str(&format!("  {k}: "));
                            flow(v, &mut out);
                            out.push('\n');
                        }
                    }
                    other => {
                        out.push_str(&format!("{key}: "));
                        flow(other, &mut out);
                        out.push('\n');
                    }
                }
            }
            out
        }
    }
}

/// Keys in the order of DESIGN.md (serde_json's map is sorted).
const KEY_ORDER: &[&str] = &[
    "campaign",
    "window",
    "teams",
    "zones",
    "systems",
    "clusters",
    "dr",
    "blackouts",
    "services",
    "integrations",
    "tasks",
    "start",
    "timezone",
    "deadline",
    "id",
    "primary",
    "standby",
    "from",
    "to",
    "system",
    "systems",
    "cluster",
    "members",
    "zone",
    "site",
    "tags",
    "parallel_changes",
    "duration",
    "outage",
    "team",
    "needs",
    "after",
    "task",
    "lag",
    "max_lag",
    "windows",
    "mode",
    "tolerance",
    "capacity",
    "available",
    "min_available",
    "max_concurrent",
    "order",
    "weight",
    "requires",
    "scope",
    "reason",
];

fn ordered(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_by_key(|(k, _)| KEY_ORDER.iter().position(|o| o == k).unwrap_or(usize::MAX));
    v
}

/// A value serialised with its keys in [`KEY_ORDER`].
struct Ordered<'a>(&'a Value);

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in ordered(m) {
                    map.serialize_entry(k, &Ordered(v))?;
                }
                map.end()
            }
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(&Ordered(v))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

/// A value in YAML flow style. Strings are written plain when that is
/// unambiguous (ids, durations, times), double-quoted otherwise.
fn flow(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            out.push_str("{ ");
            for (i, (k, v)) in ordered(m).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                flow(v, out);
            }
            out.push_str(" }");
        }
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(v, out);
            }
            out.push(']');
        }
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && s.parse::<f64>().is_err()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c))
                && !s.contains(": ")
                && !matches!(
                    s.as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
                );
            if plain {
                out.push_str(s);
            } else {
                out.push_str(&serde_json::to_string(s).expect("a string always serialises"));
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::load_str;

    fn load(tasks: usize, seed: u64, format: Format) -> crate::inventory::Inventory {
        let text = render(
            &generate(tasks, seed),
            format,
            tasks,
            seed,
            Pressure::Relaxed,
        );
        load_str(&text, format, "generated").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn same_seed_same_file() {
        let a = render(&generate(800, 7), Format::Yaml, 800, 7, Pressure::Relaxed);
        let b = render(&generate(800, 7), Format::Yaml, 800, 7, Pressure::Relaxed);
        assert_eq!(a, b);
        let c = render(&generate(800, 8), Format::Yaml, 800, 8, Pressure::Relaxed);
        assert_ne!(a, c);
    }

    #[test]
    fn valid_for_several_seeds_and_sizes() {
        for (n, seed) in [(50, 1), (300, 2), (1000, 3), (2500, 4), (5000, 5)] {
            for format in [Format::Yaml, Format::Json] {
                let inv = load(n, seed, format);
                let got = inv.tasks.len() as f64;
                assert!(
                    (got - n as f64).abs() <= 0.05 * n as f64,
                    "{n} tasks asked, {got} generated"
                );
                assert!(crate::graph::TaskGraph::new(&inv).cycles().is_empty());
                assert_eq!(crate::pipeline::precheck(&inv), None, "{n}/{seed}");
            }
        }
    }

    #[test]
    fn has_the_realistic_parts() {
        let inv = load(2000, 11, Format::Yaml);
        assert!((4..=11).contains(&inv.teams.len()));
        assert!(inv.teams.iter().any(|t| t.available.is_some()));
        assert!(!inv.clusters.is_empty() && !inv.dr.is_empty() && !inv.zones.is_empty());
        assert!(inv.dr.iter().any(|d| d.order.is_some()));
        assert!(!inv.blackouts.is_empty() && !inv.services.is_empty());
        assert!(!inv.integrations.is_empty());
        let windowed = inv.tasks.iter().filter(|t| t.windows.is_some()).count();
        assert!(
            windowed > 0 && windowed * 100 < inv.tasks.len() * 6,
            "{windowed}"
        );
        assert!(inv
            .tasks
            .iter()
            .any(|t| t.after.iter().any(|a| a.max_lag.is_some())));
    }

    #[test]
    fn small_estates_plan() {
        let inv = load(200, 3, Format::Yaml);
        let opts = crate::solve::SolveOptions {
            time_limit: std::time::Duration::from_secs(2),
            threads: 1,
            ..Default::default()
        };
        match crate::pipeline::plan_inventory(&inv, &opts) {
            Ok(_) => {}
            other => panic!("{other:?}"),
        }
    }

    /// A binding estate: valid, every pair without a vendor change ordered,
    /// tighter teams than the relaxed one of the same seed, and it plans.
    #[test]
    fn binding_estates_press_harder_and_plan() {
        let text = render(
            &generate_with(400, 5, Pressure::Binding),
            Format::Yaml,
            400,
            5,
            Pressure::Binding,
        );
        assert!(text.starts_with(
            "# Synthetic estate from `windowplan generate --tasks 400 --seed 5 --pressure binding`"
        ));
        let inv = load_str(&text, Format::Yaml, "generated").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(crate::pipeline::precheck(&inv), None);
        let vendor_changes = inv
            .tasks
            .iter()
            .filter(|t| t.id.ends_with("-schema-change"))
            .count();
        let ordered = inv.dr.iter().filter(|d| d.order.is_some()).count();
        assert_eq!(ordered + vendor_changes, inv.dr.len());
        let relaxed = load(400, 5, Format::Yaml);
        let capacity =
            |inv: &crate::inventory::Inventory| inv.teams.iter().map(|t| t.capacity).sum::<u32>();
        assert!(capacity(&inv) < capacity(&relaxed));
        let opts = crate::solve::SolveOptions {
            time_limit: std::time::Duration::from_secs(2),
            threads: 1,
            ..Default::default()
        };
        assert!(crate::pipeline::plan_inventory(&inv, &opts).is_ok());
    }
}
