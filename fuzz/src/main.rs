//! A mutation fuzzer for windowplan's readers that runs on the stable
//! toolchain (cargo-fuzz needs nightly). See docs/fuzzing.md.
//!
//! ```text
//! windowplan-fuzz TARGET [--seconds N] [--seed S] [--corpus DIR] [--artifacts DIR]
//! windowplan-fuzz TARGET --replay FILE...
//! ```
//!
//! Each target feeds bytes to one reader under `catch_unwind`. Inputs come
//! from a small seed corpus (`fuzz/corpus/<target>/`) mutated at random:
//! bit flips, byte edits, chunk copies and deletions, splices of two inputs,
//! and insertion of tokens that matter to the format (`&a`, `*a`, `[`,
//! `99999999999999999999`, `2026-03-08T02:30`, ...). There is no coverage
//! instrumentation on stable; instead an input whose outcome (Ok, or the
//! first error code and field) has not been seen before is kept in the
//! in-memory corpus, which steers the search towards new error paths.
//!
//! A panic is a crash: the input is saved as `artifacts/<target>/crash-<hash>`
//! and the run exits 1 at the end. An input that takes longer than
//! `--slow-ms` (default 2000) is saved as `slow-<hash>`. The input being run
//! is also written to `artifacts/<target>/current` first, so an abort that
//! cannot be caught (stack overflow, out of memory) leaves it behind.
//!
//! The `structure` target does not mutate bytes: it builds random inventories
//! that are valid by construction (or nearly so), plans them with a short
//! time limit on one thread, and asserts that every plan returned passes
//! `plan::check::check` and that the solver reports no internal error.

use std::collections::HashSet;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use windowplan::inventory::{self, Format, Inventory};

const TARGETS: &[&str] = &[
    "inventory-yaml",
    "inventory-json",
    "plan",
    "psplib",
    "rcpspmax",
    "structure",
];

/// The inventory the `plan` target reads plans against.
const PLAN_INVENTORY: &str = include_str!("../../examples/quickstart.yaml");

// ---------------------------------------------------------------------------
// Random numbers (xorshift64*), so the crate needs nothing but windowplan.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------
// Targets: bytes in, an outcome signature out (panics are caught outside).

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The first diagnostic as `code path`, or `ok`.
fn signature(r: Result<String, &windowplan::error::InputError>) -> String {
    match r {
        Ok(s) => s,
        Err(e) => match e.diagnostics.first() {
            Some(d) => {
                // Keep the path's shape, not its indices, so `tasks[3].x`
                // and `tasks[4].x` count as one outcome.
                let shape: String = d.path.chars().filter(|c| !c.is_ascii_digit()).collect();
                format!("{} {shape}", d.code)
            }
            None => "err-without-diagnostic".into(),
        },
    }
}

fn after_load(inv: &Inventory) -> String {
    // What `windowplan validate` does next, on a valid inventory.
    let cycles = windowplan::graph::TaskGraph::new(inv).cycles();
    let pre = windowplan::precheck(inv);
    format!(
        "ok tasks={} cycles={} precheck={}",
        inv.tasks.len().min(20),
        cycles.len().min(3),
        pre.is_some()
    )
}

fn run_inventory(data: &[u8], format: Format) -> String {
    let t = text(data);
    match inventory::load_str(&t, format, "fuzz") {
        Ok(inv) => signature(Ok(after_load(&inv))),
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without a diagnostic");
            for d in &e.diagnostics {
                assert!(
                    d.code.len() == 4 && d.code.starts_with("E0"),
                    "bad code {d:?}"
                );
                assert!(!d.hint.is_empty(), "no hint: {d:?}");
            }
            signature(Err(&e))
        }
    }
}

fn plan_inventory() -> &'static Inventory {
    static INV: std::sync::OnceLock<Inventory> = std::sync::OnceLock::new();
    INV.get_or_init(|| {
        inventory::load_str(PLAN_INVENTORY, Format::Yaml, "quickstart.yaml")
            .expect("the quickstart example is valid")
    })
}

fn run_plan(data: &[u8]) -> String {
    let inv = plan_inventory();
    let t = text(data);
    match windowplan::plan::read_plan_starts(&t, inv) {
        Ok(starts) => {
            assert_eq!(starts.len(), inv.tasks.len());
            let v = windowplan::plan::check::check(inv, &starts);
            format!("ok violations={}", v.len().min(5))
        }
        Err(e) => signature(Err(&e)),
    }
}

fn run_instance(data: &[u8], format: windowplan::formats::Format) -> String {
    let t = text(data);
    match format.parse(&t, "fuzz") {
        Ok(problem) => {
            // The cheap analyses the bench runner does before solving.
            let cp = windowplan::formats::critical_path_bound(&problem);
            format!("ok cp={}", cp.is_some())
        }
        Err(e) => signature(Err(&e)),
    }
}

// ---------------------------------------------------------------------------
// Structure-aware target: random inventories, planned and re-checked.

const TIMEZONES: &[&str] = &["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"];
/// Window starts, including both daylight-saving changes in New York.
const STARTS: &[&str] = &[
    "2026-12-05T22:00",
    "2026-03-07T22:00",
    "2026-10-31T22:00",
    "2026-03-29T00:00",
    "2026-06-30T23:30",
];

fn minutes(m: i64) -> String {
    if m < 0 {
        format!("-{}m", -m)
    } else {
        format!("{m}m")
    }
}

/// `start` plus `m` minutes as local wall-clock text (naive arithmetic on
/// the date; good enough to make intervals near the window).
fn local_plus(start: &str, m: i64) -> String {
    // start is YYYY-MM-DDTHH:MM
    let day: i64 = start[8..10].parse().unwrap();
    let hh: i64 = start[11..13].parse().unwrap();
    let mm: i64 = start[14..16].parse().unwrap();
    let total = day * 1440 + hh * 60 + mm + m;
    let (d, rem) = (total.div_euclid(1440), total.rem_euclid(1440));
    // Keep the day within 1..=28 of the month: out of range days simply
    // make an invalid time, which the validator must refuse cleanly.
    format!(
        "{}{:02}T{:02}:{:02}",
        &start[..8],
        d.clamp(1, 28),
        rem / 60,
        rem % 60
    )
}

/// A random inventory as YAML (mostly valid; sometimes a deliberate slip).
fn random_inventory(rng: &mut Rng) -> String {
    use std::fmt::Write as _;
    let tz = *rng.pick(TIMEZONES);
    let start = *rng.pick(STARTS);
    let mut s = String::new();
    let deadline = if rng.chance(30) {
        Some(60 + rng.below(600) as i64)
    } else {
        None
    };
    let _ = write!(s, "window: {{ start: {start}, timezone: {tz}");
    if let Some(d) = deadline {
        let _ = write!(s, ", deadline: {}", local_plus(start, d));
    }
    s.push_str(" }\n");

    let n_teams = rng.below(4);
    s.push_str("teams:\n");
    for t in 0..n_teams {
        let _ = write!(s, "  - {{ id: team{t}, capacity: {}", 1 + rng.below(3));
        if rng.chance(25) {
            let a = rng.below(120) as i64;
            let b = a + 30 + rng.below(400) as i64;
            let _ = write!(
                s,
                ", available: [{}/{}]",
                local_plus(start, a),
                local_plus(start, b)
            );
        }
        s.push_str(" }\n");
    }
    let n_zones = rng.below(3);
    s.push_str("zones:\n");
    for z in 0..n_zones {
        let _ = writeln!(
            s,
            "  - {{ id: zone{z}, max_concurrent: {} }}",
            1 + rng.below(2)
        );
    }
    let n_sys = 1 + rng.below(6);
    s.push_str("systems:\n");
    for k in 0..n_sys {
        let _ = write!(s, "  - {{ id: sys{k}");
        if n_zones > 0 && rng.chance(40) {
            let _ = write!(s, ", zone: zone{}", rng.below(n_zones));
        }
        if rng.chance(30) {
            let _ = write!(s, ", tags: [tag{}]", rng.below(2));
        }
        if rng.chance(15) {
            let _ = write!(s, ", parallel_changes: {}", 1 + rng.below(2));
        }
        s.push_str(" }\n");
    }
    // Clusters over distinct systems.
    let n_clusters = if n_sys >= 2 { rng.below(3) } else { 0 };
    s.push_str("clusters:\n");
    let mut cluster_sizes = Vec::new();
    for c in 0..n_clusters {
        let size = 2 + rng.below(n_sys - 1);
        let first = rng.below(n_sys - size + 1);
        let members: Vec<String> = (first..first + size).map(|k| format!("sys{k}")).collect();
        let _ = write!(s, "  - {{ id: cl{c}, members: [{}]", members.join(", "));
        if rng.chance(60) {
            let _ = write!(s, ", min_available: {}", rng.below(size));
        }
        s.push_str(" }\n");
        cluster_sizes.push(size);
    }
    // DR pairs between two different systems.
    s.push_str("dr:\n");
    if n_sys >= 2 && rng.chance(30) {
        let a = rng.below(n_sys);
        let b = (a + 1 + rng.below(n_sys - 1)) % n_sys;
        let order = *rng.pick(&["", ", order: standby_first", ", order: primary_first"]);
        let _ = writeln!(s, "  - {{ primary: sys{a}, standby: sys{b}{order} }}");
    }
    s.push_str("blackouts:\n");
    if rng.chance(30) {
        let a = rng.below(300) as i64;
        let b = a + 10 + rng.below(120) as i64;
        let scope = if rng.chance(50) {
            format!(", scope: {{ systems: [sys{}] }}", rng.below(n_sys))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "  - {{ from: {}, to: {}{scope}, reason: test }}",
            local_plus(start, a),
            local_plus(start, b)
        );
    }
    s.push_str("services:\n");
    for v in 0..rng.below(3) {
        let _ = writeln!(
            s,
            "  - {{ id: svc{v}, weight: {}, requires: [sys{}] }}",
            rng.below(10),
            rng.below(n_sys)
        );
    }
    s.push_str("integrations:\n");
    if n_sys >= 2 && rng.chance(20) {
        let a = rng.below(n_sys);
        let b = (a + 1) % n_sys;
        if rng.chance(50) {
            let _ = writeln!(
                s,
                "  - {{ id: int0, from: sys{a}, to: sys{b}, mode: sync }}"
            );
        } else {
            let _ = writeln!(
                s,
                "  - {{ id: int0, from: sys{a}, to: sys{b}, mode: async, tolerance: {} }}",
                minutes(rng.below(90) as i64)
            );
        }
    }
    let n_tasks = rng.below(12);
    s.push_str("tasks:\n");
    for t in 0..n_tasks {
        let duration = if rng.chance(10) {
            0
        } else {
            1 + rng.below(90) as i64
        };
        let _ = write!(s, "  - {{ id: task{t}, duration: {}", minutes(duration));
        if n_clusters > 0 && rng.chance(20) {
            let _ = write!(s, ", cluster: cl{}", rng.below(n_clusters));
        } else if rng.chance(15) && n_sys >= 2 {
            let a = rng.below(n_sys);
            let _ = write!(s, ", systems: [sys{a}, sys{}]", (a + 1) % n_sys);
        } else {
            let _ = write!(s, ", system: sys{}", rng.below(n_sys));
        }
        if duration == 0 || rng.chance(25) {
            s.push_str(", outage: false");
        }
        if n_teams > 0 && rng.chance(60) {
            let _ = write!(s, ", team: team{}", rng.below(n_teams));
        }
        if t > 0 && rng.chance(50) {
            let p = rng.below(t);
            if rng.chance(30) {
                let lag = rng.below(40) as i64 - 10;
                let _ = write!(s, ", after: [{{ task: task{p}, lag: {}", minutes(lag));
                if rng.chance(50) {
                    let _ = write!(
                        s,
                        ", max_lag: {}",
                        minutes(lag.max(0) + rng.below(120) as i64)
                    );
                }
                s.push_str(" }]");
            } else {
                let _ = write!(s, ", after: [task{p}]");
            }
        }
        if rng.chance(10) {
            let a = rng.below(120) as i64;
            let b = a + duration + rng.below(300) as i64;
            let _ = write!(
                s,
                ", windows: [{}/{}]",
                local_plus(start, a),
                local_plus(start, b)
            );
        }
        s.push_str(" }\n");
    }
    // A section header with no entries under it is `null` in YAML, not an
    // empty list: write `key: []` for those.
    let lines: Vec<&str> = s.lines().collect();
    let mut out = String::with_capacity(s.len() + 64);
    for (i, l) in lines.iter().enumerate() {
        let next_is_entry = lines.get(i + 1).is_some_and(|n| n.starts_with("  - "));
        if l.ends_with(':') && !l.starts_with(' ') && !next_is_entry {
            out.push_str(l);
            out.push_str(" []\n");
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

fn run_structure(data: &[u8]) -> String {
    // The input is the generator's seed (its first 8 bytes).
    let mut seed = [0u8; 8];
    for (i, b) in data.iter().take(8).enumerate() {
        seed[i] = *b;
    }
    let mut rng = Rng::new(u64::from_le_bytes(seed));
    let mut yaml = random_inventory(&mut rng);
    // Longer inputs: the inventory is then mutated a little (edge numbers,
    // tokens), giving the solver valid but odd inventories too.
    if data.len() > 8 {
        let mut tail = [0u8; 8];
        for (i, b) in data[8..].iter().take(8).enumerate() {
            tail[i] = *b;
        }
        let mut r2 = Rng::new(u64::from_le_bytes(tail));
        let bytes = mutate(&mut r2, yaml.as_bytes(), &[], 1 << 20);
        yaml = String::from_utf8_lossy(&bytes).into_owned();
    }
    structure_check(&yaml)
}

/// Plans one inventory and asserts what a user is promised: a plan is only
/// returned when it passes the independent checker, and the solver never
/// reports an internal error.
fn structure_check(yaml: &str) -> String {
    let inv = match inventory::load_str(yaml, Format::Yaml, "generated") {
        Ok(inv) => inv,
        Err(e) => return signature(Err(&e)),
    };
    // The same inventory as JSON must read the same (the file model is
    // format-independent).
    let opts = windowplan::solve::SolveOptions {
        time_limit: Duration::from_millis(100),
        seed: 1,
        threads: 1,
        max_schedules: 200,
    };
    match windowplan::plan_inventory(&inv, &opts) {
        windowplan::PlanResult::Planned(plan) => {
            let starts = plan
                .starts(&inv)
                .unwrap_or_else(|| panic!("a plan that does not name every task once:\n{yaml}"));
            let v = windowplan::plan::check::check(&inv, &starts);
            assert!(v.is_empty(), "a returned plan breaks {v:?}\n{yaml}");
            // And it survives the JSON round trip that `check` uses.
            let json = windowplan::report::json::to_json(&plan);
            let again = windowplan::plan::read_plan_starts(&json, &inv)
                .unwrap_or_else(|e| panic!("our own plan is unreadable: {e}\n{json}"));
            assert_eq!(again, starts, "plan JSON round trip changed the starts");
            "planned".into()
        }
        windowplan::PlanResult::Infeasible(_) => "infeasible".into(),
        windowplan::PlanResult::NotFound(why) => {
            assert!(
                !why.contains("internal error"),
                "solver internal error: {why}\n{yaml}"
            );
            "not-found".into()
        }
    }
}

fn run_target(target: &str, data: &[u8]) -> String {
    match target {
        "inventory-yaml" => run_inventory(data, Format::Yaml),
        "inventory-json" => run_inventory(data, Format::Json),
        "plan" => run_plan(data),
        "psplib" => run_instance(data, windowplan::formats::Format::Psplib),
        "rcpspmax" => run_instance(data, windowplan::formats::Format::RcpspMax),
        "structure" => run_structure(data),
        _ => unreachable!(),
    }
}

// ---------------------------------------------------------------------------
// Mutation.

/// Tokens that matter to the formats; inserted or substituted at random.
const DICT: &[&str] = &[
    "&a ",
    "*a",
    "<<: *a",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    ",",
    "\n",
    "\n  ",
    "\"",
    "'",
    "#",
    "!!str ",
    "!!int ",
    "~",
    "null",
    "true",
    "no",
    ".nan",
    ".inf",
    "-.inf",
    "1e400",
    "-1",
    "0",
    "0m",
    "-5m",
    "1h30m",
    "525601m",
    "99999999999999999999",
    "9223372036854775807",
    "18446744073709551616",
    "4294967296",
    "2026-03-08T02:30",
    "2026-11-01T01:30-06:00",
    "99999-12-05T22:00",
    "2026-13-01T00:00",
    "/",
    "@",
    "\u{0}",
    "\u{feff}",
    "é",
    "🦀",
    "\t",
    "after: [",
    "cluster: ",
    "systems: []",
    "tasks: []",
    "duration: ",
    "lag: ",
    "max_lag: ",
    "min_available: ",
    "capacity: ",
    "needs: {",
    "windows: [",
    "timezone: ",
    "deadline: ",
    "order: standby_first",
    "mode: async",
    "tolerance: ",
    "\"start_minute\": ",
    "\"start\": ",
    "\"id\": ",
    "{\"tasks\": [",
    "jobs (incl. supersource/sink ):",
    "- renewable :",
    "PRECEDENCE RELATIONS:",
    "REQUESTS/DURATIONS:",
    "RESOURCEAVAILABILITIES:",
    "[-5]",
    "1000000000",
    "-1000000000",
    " 1000001 ",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], max_len: usize) -> Vec<u8> {
    let mut d = input.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        match rng.below(10) {
            0 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            1 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] = *rng.pick(&[b'0', b'9', b'-', b':', b'[', b'{', b' ', b'\n', 0xff, b'@']);
            }
            2 if !d.is_empty() => {
                // Delete a chunk.
                let i = rng.below(d.len());
                let n = 1 + rng.below(16.min(d.len() - i));
                d.drain(i..i + n);
            }
            3 if !d.is_empty() => {
                // Duplicate a chunk elsewhere.
                let i = rng.below(d.len());
                let n = 1 + rng.below(64.min(d.len() - i));
                let chunk = d[i..i + n].to_vec();
                let j = rng.below(d.len() + 1);
                d.splice(j..j, chunk);
            }
            4 | 5 => {
                let tok = rng.pick(DICT).as_bytes();
                let j = rng.below(d.len() + 1);
                d.splice(j..j, tok.iter().copied());
            }
            6 if !d.is_empty() => {
                // Replace a token (run of non-space bytes) with a dictionary one.
                let i = rng.below(d.len());
                let mut e = i;
                while e < d.len() && !b" \n,:[]{}".contains(&d[e]) {
                    e += 1;
                }
                let tok = rng.pick(DICT).as_bytes();
                d.splice(i..e, tok.iter().copied());
            }
            7 if !corpus.is_empty() => {
                // Splice with another input.
                let other = rng.pick(corpus);
                if !other.is_empty() {
                    let i = rng.below(d.len() + 1);
                    let j = rng.below(other.len());
                    d.truncate(i);
                    d.extend_from_slice(&other[j..]);
                }
            }
            8 if !d.is_empty() => {
                // Change a number.
                let i = rng.below(d.len());
                if let Some(p) = d[i..].iter().position(|b| b.is_ascii_digit()) {
                    let p = i + p;
                    let mut e = p;
                    while e < d.len() && d[e].is_ascii_digit() {
                        e += 1;
                    }
                    let n = *rng.pick(&[
                        "0",
                        "1",
                        "-1",
                        "65536",
                        "4294967295",
                        "9223372036854775808",
                        "1000000",
                        "00",
                    ]);
                    d.splice(p..e, n.bytes());
                }
            }
            _ => {
                // Repeat a line many times (size and count limits).
                if let Some(nl) = d.iter().position(|&b| b == b'\n') {
                    let line = d[..=nl].to_vec();
                    for _ in 0..rng.below(50) {
                        d.extend_from_slice(&line);
                    }
                }
            }
        }
    }
    d.truncate(max_len);
    d
}

// ---------------------------------------------------------------------------
// Driver.

fn hash(data: &[u8]) -> String {
    // FNV-1a, 64 bits: enough to name artifacts.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

struct Args {
    target: String,
    seconds: u64,
    seed: u64,
    corpus: PathBuf,
    artifacts: PathBuf,
    slow_ms: u64,
    max_len: usize,
    replay: Vec<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: windowplan-fuzz TARGET [--seconds N] [--seed S] [--corpus DIR] [--artifacts DIR] [--slow-ms MS] [--max-len BYTES]\n       windowplan-fuzz TARGET --replay FILE...\ntargets: {}",
        TARGETS.join(", ")
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut it = std::env::args().skip(1);
    let target = it.next().unwrap_or_else(|| usage());
    if !TARGETS.contains(&target.as_str()) {
        usage();
    }
    let mut a = Args {
        corpus: fuzz_dir.join("corpus").join(&target),
        artifacts: fuzz_dir.join("artifacts").join(&target),
        target,
        seconds: 60,
        seed: 1,
        slow_ms: 2000,
        max_len: 64 * 1024,
        replay: Vec::new(),
    };
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--seconds" => a.seconds = val().parse().unwrap_or_else(|_| usage()),
            "--seed" => a.seed = val().parse().unwrap_or_else(|_| usage()),
            "--corpus" => a.corpus = PathBuf::from(val()),
            "--artifacts" => a.artifacts = PathBuf::from(val()),
            "--slow-ms" => a.slow_ms = val().parse().unwrap_or_else(|_| usage()),
            "--max-len" => a.max_len = val().parse().unwrap_or_else(|_| usage()),
            "--replay" => {
                a.replay.extend(it.by_ref().map(PathBuf::from));
            }
            _ => usage(),
        }
    }
    a
}

fn load_corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

/// Runs one input; `Err` holds the panic message.
fn run_caught(target: &str, data: &[u8]) -> Result<String, String> {
    panic::catch_unwind(AssertUnwindSafe(|| run_target(target, data))).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())
    })
}

fn main() {
    let args = parse_args();
    // Panics are reported by the driver, not printed by the default hook.
    let last_panic: &'static std::sync::Mutex<String> =
        Box::leak(Box::new(std::sync::Mutex::new(String::new())));
    panic::set_hook(Box::new(move |info| {
        if let Ok(mut s) = last_panic.lock() {
            *s = info.to_string();
        }
    }));

    if !args.replay.is_empty() {
        let mut failed = false;
        for p in &args.replay {
            let data = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let t = Instant::now();
            match run_caught(&args.target, &data) {
                Ok(sig) => println!("{}: {sig} ({:?})", p.display(), t.elapsed()),
                Err(_) => {
                    failed = true;
                    println!(
                        "{}: CRASH {}",
                        p.display(),
                        last_panic.lock().map(|s| s.clone()).unwrap_or_default()
                    );
                }
            }
        }
        std::process::exit(i32::from(failed));
    }

    let mut corpus = load_corpus(&args.corpus);
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    std::fs::create_dir_all(&args.artifacts).expect("cannot create the artifacts folder");
    let current = args.artifacts.join("current");
    let mut rng = Rng::new(args.seed);
    let mut seen: HashSet<String> = HashSet::new();
    let mut crashes: HashSet<String> = HashSet::new();
    let mut slow = 0usize;
    let (mut runs, start) = (0u64, Instant::now());
    let deadline = start + Duration::from_secs(args.seconds);
    let seeds = corpus.len();

    // The seeds themselves first, then mutations.
    let mut queue: Vec<Vec<u8>> = corpus.clone();
    while Instant::now() < deadline {
        let data = match queue.pop() {
            Some(d) => d,
            None if args.target == "structure" => {
                let mut d = rng.next().to_le_bytes().to_vec();
                if rng.chance(50) {
                    d.extend_from_slice(&rng.next().to_le_bytes());
                }
                d
            }
            None => {
                let base = rng.pick(&corpus).clone();
                mutate(&mut rng, &base, &corpus, args.max_len)
            }
        };
        // Left behind if the process dies in a way catch_unwind cannot see.
        let _ = std::fs::write(&current, &data);
        let t = Instant::now();
        let outcome = run_caught(&args.target, &data);
        let took = t.elapsed();
        runs += 1;
        match outcome {
            Ok(sig) => {
                if seen.insert(sig) && corpus.len() < 5000 {
                    corpus.push(data.clone());
                }
            }
            Err(_) => {
                let msg = last_panic.lock().map(|s| s.clone()).unwrap_or_default();
                let key = msg.lines().next().unwrap_or("").to_string();
                let name = format!("crash-{}", hash(&data));
                let _ = std::fs::write(args.artifacts.join(&name), &data);
                if crashes.insert(key) {
                    println!("CRASH [{}] saved {name}: {msg}", args.target);
                }
            }
        }
        if took > Duration::from_millis(args.slow_ms) {
            slow += 1;
            let name = format!("slow-{}", hash(&data));
            let _ = std::fs::write(args.artifacts.join(&name), &data);
            println!("SLOW [{}] {:?}: saved {name}", args.target, took);
        }
    }
    let _ = std::fs::remove_file(&current);
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "[{}] {runs} runs in {elapsed:.0}s ({:.0}/s), {seeds} seeds, {} outcomes, {} distinct crash(es), {slow} slow",
        args.target,
        runs as f64 / elapsed.max(1e-9),
        seen.len(),
        crashes.len()
    );
    if std::env::var_os("FUZZ_VERBOSE").is_some() {
        let mut all: Vec<&String> = seen.iter().collect();
        all.sort();
        for o in all {
            println!("  outcome: {o}");
        }
    }
    let _ = std::io::stdout().flush();
    std::process::exit(i32::from(!crashes.is_empty()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_inventories_are_mostly_valid() {
        let mut rng = Rng::new(7);
        let mut ok = 0;
        for _ in 0..50 {
            let y = random_inventory(&mut rng);
            match inventory::load_str(&y, Format::Yaml, "g") {
                Ok(_) => ok += 1,
                Err(e) => eprintln!("{}", e.diagnostics[0]),
            }
        }
        assert!(ok > 25, "only {ok}/50 generated inventories are valid");
    }
}
