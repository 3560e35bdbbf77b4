//! Generators of benchmark instances in the field's file formats
//! (`windowplan generate --kind psplib|rcpspmax`), so that the solver can
//! be measured on instances as hard as the standard sets when those sets
//! are not at hand. Everything is deterministic: the same seed and
//! parameters give the same files, byte for byte.
//!
//! - `psplib`: single-mode RCPSP `.sm` files in the PSPLIB layout, with
//!   the ProGen parameters of Kolisch, Sprecher & Drexl (1995): `n` jobs
//!   plus the dummy source and sink (jobs `1` and `n+2`, duration 0),
//!   4 renewable resources, durations and demands uniform in 1..=10,
//!   network complexity NC, resource factor RF and resource strength RS.
//! - `rcpspmax`: RCPSP/max `.sch` files in Schwindt's ProGen/max layout,
//!   in the style of the j10/j20/j30 and ubo test sets: 5 renewable
//!   resources, durations 1..=10, start-to-start minimal time lags and
//!   maximal time lags (negative backward arcs) that close cycles, with a
//!   share of instances that have no schedule at all. See that module for
//!   the shares aimed at.
//!
//! **The precedence network** (both kinds) is built the way ProGen builds
//! it. Jobs are numbered topologically. The first 3 jobs are the *start*
//! jobs (the source's only successors, with no other predecessor), the last
//! 3 the *finish* jobs (the sink's only predecessors, with no other
//! successor); fewer for very small `n`. Every other job gets one random
//! predecessor of lower number, every job still without a successor one
//! random successor of higher number, and then random arcs are added until
//! the network has `round(NC × (n+2))` arcs (NC counts the dummy arcs too,
//! as in PSPLIB: j30 with NC 1.5 has 48 arcs). No job has more than 3
//! successors or 3 predecessors (the dummies aside), and no arc is
//! redundant: an arc that is implied by a longer path, or that would make
//! an existing arc implied, is never added. So every job is reachable from
//! the source and reaches the sink.
//!
//! **Resources.** Each job uses `RF × K` of the `K` resources, chosen at
//! random (when `RF × K` is not a whole number, the floor or the ceiling so
//! that the mean is `RF × K`; at least one), with a demand uniform in
//! 1..=10 on each. The capacity of resource `k` is
//! `Kmin + round(RS × (Kmax − Kmin))`, where `Kmin` is the largest single
//! demand on `k` and `Kmax` the peak demand on `k` of the earliest-start
//! schedule (resources ignored). So RS 1 makes the earliest-start schedule
//! feasible, RS 0 gives the smallest capacity every job fits.
//!
//! **Sets** ([`specs`]) are full-factorial like PSPLIB: every combination
//! of the given NC, RF, RS (and, for RCPSP/max, max-lag share and
//! tightness) values gets `count` instances. PSPLIB files are named
//! `j{n}{p}_{k}.sm` (`p` the 1-based combination, NC varying slowest and RS
//! fastest, as in PSPLIB; `k` the instance), RCPSP/max files `PSP{i}.SCH`
//! (`i` running over the whole set, as in the ProGen/max sets). A
//! `parameters.csv` beside them ([`manifest_header`], [`manifest_row`])
//! gives each file's parameters, seed and figures. An instance's random
//! stream depends only on the seed, the kind, `n`, its own parameter values
//! and `k`, so asking for a subset of the grid gives the same instances.

pub(crate) mod psplib;
pub(crate) mod rcpspmax;

use crate::error::Diagnostic;
use crate::model::Time;
use crate::rng::SplitMix64;

/// Code of every generator argument error (docs/errors.md).
pub const E_GEN: &str = "E091";

/// Durations and demands are uniform in `1..=MAX_VALUE`.
pub(crate) const MAX_VALUE: u64 = 10;
/// Most successors / predecessors of a job (the dummies aside), as in ProGen.
pub(crate) const MAX_ARCS_PER_JOB: usize = 3;
/// Number of start jobs and of finish jobs (fewer when `n < 6`).
pub(crate) const START_FINISH_JOBS: usize = 3;
/// Largest number of jobs accepted.
pub(crate) const MAX_JOBS: usize = 10_000;
/// Largest number of instances in one set.
pub(crate) const MAX_INSTANCES: usize = 100_000;
/// Tries at building a network before giving up on an NC value.
const NETWORK_ATTEMPTS: usize = 200;

/// Which format to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PSPLIB single-mode RCPSP (`.sm`).
    Psplib,
    /// RCPSP/max in ProGen/max format (`.sch`).
    RcpspMax,
}

impl Kind {
    fn code(self) -> u64 {
        match self {
            Kind::Psplib => 1,
            Kind::RcpspMax => 2,
        }
    }
    /// The kind's name on the command line and in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Psplib => "psplib",
            Kind::RcpspMax => "rcpspmax",
        }
    }
}

/// The parameters of one instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Real jobs (the dummies not counted).
    pub jobs: usize,
    /// Network complexity: arcs per node, dummies included.
    pub nc: f64,
    /// Resource factor: the share of the resources each job uses.
    pub rf: f64,
    /// Resource strength, see the module docs.
    pub rs: f64,
    /// RCPSP/max: the share of the non-start jobs that get a maximal time
    /// lag from an ancestor (ignored for PSPLIB).
    pub max_lag_share: f64,
    /// RCPSP/max: how tight maximal time lags are, 0 (loose) to 1 (exactly
    /// the longest path they close); see `rcpspmax`.
    pub tightness: f64,
}

/// What to generate: the grid of parameter values and how many of each.
#[derive(Debug, Clone, PartialEq)]
pub struct SetOptions {
    /// Which format and generator to use.
    pub kind: Kind,
    /// Real jobs per instance (the dummy start and end not counted).
    pub jobs: usize,
    /// Instances per parameter combination.
    pub count: usize,
    /// Seed of the whole set: each instance's stream is derived from it.
    pub seed: u64,
    /// Empty lists take the defaults of [`SetOptions::new`].
    pub nc: Vec<f64>,
    /// Resource factors to combine (see [`Params::rf`]).
    pub rf: Vec<f64>,
    /// Resource strengths to combine (see [`Params::rs`]).
    pub rs: Vec<f64>,
    /// RCPSP/max: max-lag shares to combine (see [`Params::max_lag_share`]).
    pub max_lag_share: Vec<f64>,
    /// RCPSP/max: max-lag tightnesses to combine (see [`Params::tightness`]).
    pub tightness: Vec<f64>,
}

impl SetOptions {
    /// The standard design for `kind` and `jobs`, 10 instances each:
    ///
    /// - PSPLIB: NC 1.5, 1.8, 2.1 × RF 0.25, 0.5, 0.75, 1.0 × RS 0.2, 0.5,
    ///   0.7, 1.0 (for 120 jobs and more RS 0.1, 0.2, 0.3, 0.4, 0.5): the
    ///   480 instances of j30/j60 (600 of j120);
    /// - RCPSP/max: NC 1.5, 1.8 × RF 0.5, 0.75, 1.0 × RS 0.25, 0.5, 0.75,
    ///   max-lag share 0.2, tightness 0.5: 180 instances (NC 2.1 cannot be
    ///   met with 10 or 20 activities and at most 3 successors each).
    pub fn new(kind: Kind, jobs: usize) -> SetOptions {
        let mut o = SetOptions {
            kind,
            jobs,
            count: 10,
            seed: 1,
            nc: Vec::new(),
            rf: Vec::new(),
            rs: Vec::new(),
            max_lag_share: Vec::new(),
            tightness: Vec::new(),
        };
        o.fill_defaults();
        o
    }

    /// Puts the defaults of [`SetOptions::new`] into the empty lists.
    pub(crate) fn fill_defaults(&mut self) {
        let set = |v: &mut Vec<f64>, d: &[f64]| {
            if v.is_empty() {
                *v = d.to_vec();
            }
        };
        match self.kind {
            Kind::Psplib => {
                set(&mut self.nc, &[1.5, 1.8, 2.1]);
                set(&mut self.rf, &[0.25, 0.5, 0.75, 1.0]);
                if self.jobs >= 120 {
                    set(&mut self.rs, &[0.1, 0.2, 0.3, 0.4, 0.5]);
                } else {
                    set(&mut self.rs, &[0.2, 0.5, 0.7, 1.0]);
                }
            }
            Kind::RcpspMax => {
                set(&mut self.nc, &[1.5, 1.8]);
                set(&mut self.rf, &[0.5, 0.75, 1.0]);
                set(&mut self.rs, &[0.25, 0.5, 0.75]);
                set(&mut self.max_lag_share, &[rcpspmax::DEFAULT_MAX_LAG_SHARE]);
                set(&mut self.tightness, &[rcpspmax::DEFAULT_TIGHTNESS]);
            }
        }
    }
}

/// One instance to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Which format to write.
    pub kind: Kind,
    /// File name to write it under (e.g. `j301_1.sm`, `PSP1.SCH`).
    pub file_name: String,
    /// The parameters it is drawn with.
    pub params: Params,
    /// 1-based parameter combination.
    pub combination: usize,
    /// 1-based instance of its combination.
    pub instance: usize,
    /// The seed of this instance's random stream.
    pub seed: u64,
}

/// What a generated instance looks like, for the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Precedence arcs, dummy arcs and maximal lags included.
    pub arcs: usize,
    /// Maximal time lags (RCPSP/max).
    pub max_lags: usize,
    /// Capacity of each renewable resource.
    pub capacities: Vec<i64>,
    /// Longest path from the source (resources ignored): the critical path
    /// length, PSPLIB's `MPM-Time`.
    pub critical_path: Time,
}

/// A generated instance: the file text and its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The instance file's text.
    pub text: String,
    /// Its figures, for the manifest.
    pub figures: Figures,
}

fn bad(path: &str, message: impl Into<String>, hint: impl Into<String>) -> Diagnostic {
    Diagnostic::new(E_GEN, path, message, hint)
}

fn check_list(
    name: &str,
    values: &[f64],
    ok: impl Fn(f64) -> bool,
    range: &str,
) -> Result<(), Diagnostic> {
    for (i, &v) in values.iter().enumerate() {
        if !v.is_finite() || !ok(v) {
            return Err(bad(
                name,
                format!("{v} is outside {range}"),
                format!("give {name} values in {range}, e.g. `{name} 0.25,0.5`"),
            ));
        }
        if values[..i].contains(&v) {
            return Err(bad(
                name,
                format!("{v} is listed twice"),
                "list each value once: every combination already gets --count instances",
            ));
        }
    }
    Ok(())
}

/// The instances of a set, in file order, after checking the options
/// (every problem is an `E091` diagnostic naming the option).
pub fn specs(opts: &SetOptions) -> Result<Vec<Spec>, Diagnostic> {
    let mut o = opts.clone();
    o.fill_defaults();
    if o.jobs < 2 || o.jobs > MAX_JOBS {
        return Err(bad(
            "--jobs",
            format!("{} jobs; between 2 and {MAX_JOBS} are supported", o.jobs),
            "PSPLIB sets have 30, 60, 90 or 120 jobs, the ProGen/max sets 10 to 1000",
        ));
    }
    if o.count == 0 {
        return Err(bad(
            "--count",
            "0 instances per combination",
            "give --count 1 or more (PSPLIB has 10 per combination)",
        ));
    }
    check_list("--nc", &o.nc, |v| (1.0..=3.0).contains(&v), "[1, 3]")?;
    check_list("--rf", &o.rf, |v| v > 0.0 && v <= 1.0, "(0, 1]")?;
    check_list("--rs", &o.rs, |v| (0.0..=1.0).contains(&v), "[0, 1]")?;
    let (shares, tights) = match o.kind {
        Kind::Psplib => (vec![0.0], vec![0.0]),
        Kind::RcpspMax => {
            check_list(
                "--max-lags",
                &o.max_lag_share,
                |v| (0.0..=1.0).contains(&v),
                "[0, 1]",
            )?;
            check_list(
                "--tightness",
                &o.tightness,
                |v| (0.0..=1.0).contains(&v),
                "[0, 1]",
            )?;
            (o.max_lag_share.clone(), o.tightness.clone())
        }
    };
    let combinations = o.nc.len() * o.rf.len() * o.rs.len() * shares.len() * tights.len();
    if combinations.saturating_mul(o.count) > MAX_INSTANCES {
        return Err(bad(
            "--count",
            format!(
                "{combinations} parameter combinations × {} = more than {MAX_INSTANCES} instances",
                o.count
            ),
            "give fewer values or a smaller --count",
        ));
    }
    let mut out = Vec::with_capacity(combinations * o.count);
    let mut p = 0;
    for &nc in &o.nc {
        for &rf in &o.rf {
            for &rs in &o.rs {
                for &max_lag_share in &shares {
                    for &tightness in &tights {
                        p += 1;
                        let params = Params {
                            jobs: o.jobs,
                            nc,
                            rf,
                            rs,
                            max_lag_share,
                            tightness,
                        };
                        for k in 1..=o.count {
                            let file_name = match o.kind {
                                Kind::Psplib => format!("j{}{p}_{k}.sm", o.jobs),
                                Kind::RcpspMax => format!("PSP{}.SCH", out.len() + 1),
                            };
                            out.push(Spec {
                                kind: o.kind,
                                file_name,
                                params,
                                combination: p,
                                instance: k,
                                seed: instance_seed(o.seed, o.kind, &params, k),
                            });
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The seed of one instance: a mix of the set seed, the kind, its own
/// parameters and its number, nothing else.
fn instance_seed(seed: u64, kind: Kind, p: &Params, k: usize) -> u64 {
    let mut h = seed;
    for x in [
        kind.code(),
        p.jobs as u64,
        p.nc.to_bits(),
        p.rf.to_bits(),
        p.rs.to_bits(),
        p.max_lag_share.to_bits(),
        p.tightness.to_bits(),
        k as u64,
    ] {
        h = SplitMix64::for_sample(h, x).next_u64();
    }
    h
}

/// Generates one instance.
pub fn generate(spec: &Spec) -> Result<Generated, Diagnostic> {
    let mut rng = SplitMix64::new(spec.seed);
    match spec.kind {
        Kind::Psplib => psplib::generate(&spec.params, spec.seed, &mut rng),
        Kind::RcpspMax => rcpspmax::generate(&spec.params, &mut rng),
    }
}

/// The header of `parameters.csv`.
pub fn manifest_header() -> &'static str {
    "file,kind,jobs,combination,instance,nc,rf,rs,max_lag_share,tightness,seed,arcs,max_lags,capacities,critical_path\n"
}

/// One row of `parameters.csv` (capacities separated by spaces).
pub fn manifest_row(spec: &Spec, f: &Figures) -> String {
    let p = &spec.params;
    let (share, tight) = match spec.kind {
        Kind::Psplib => (String::new(), String::new()),
        Kind::RcpspMax => (p.max_lag_share.to_string(), p.tightness.to_string()),
    };
    let caps: Vec<String> = f.capacities.iter().map(|c| c.to_string()).collect();
    format!(
        "{},{},{},{},{},{},{},{},{share},{tight},{},{},{},{},{}\n",
        spec.file_name,
        spec.kind.name(),
        p.jobs,
        spec.combination,
        spec.instance,
        p.nc,
        p.rf,
        p.rs,
        spec.seed,
        f.arcs,
        f.max_lags,
        caps.join(" "),
        f.critical_path
    )
}

// ---------------------------------------------------------------------------
// Shared parts: the network, resource use, capacities.
// ---------------------------------------------------------------------------

/// Fixed-size bit rows, one per node.
struct BitRows {
    words: usize,
    data: Vec<u64>,
}

impl BitRows {
    fn new(rows: usize) -> Self {
        let words = rows.div_ceil(64);
        BitRows {
            words,
            data: vec![0; rows * words],
        }
    }
    fn has(&self, row: usize, bit: usize) -> bool {
        self.data[row * self.words + bit / 64] >> (bit % 64) & 1 == 1
    }
    /// Row `row` with `extra` added, as a standalone vector.
    fn row_with(&self, row: usize, extra: usize) -> Vec<u64> {
        let mut v = self.data[row * self.words..(row + 1) * self.words].to_vec();
        v[extra / 64] |= 1 << (extra % 64);
        v
    }
    fn or_row(&mut self, row: usize, bits: &[u64]) {
        for (w, b) in self.data[row * self.words..(row + 1) * self.words]
            .iter_mut()
            .zip(bits)
        {
            *w |= b;
        }
    }
}

/// The indices of the set bits.
fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(w, &word)| {
        let mut x = word;
        std::iter::from_fn(move || {
            if x == 0 {
                return None;
            }
            let b = x.trailing_zeros() as usize;
            x &= x - 1;
            Some(w * 64 + b)
        })
    })
}

/// A precedence network on nodes `0` (source) .. `n+1` (sink); every arc
/// goes from a lower to a higher node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Network {
    pub succ: Vec<Vec<usize>>,
    pub pred: Vec<Vec<usize>>,
}

impl Network {
    pub fn arcs(&self) -> usize {
        self.succ.iter().map(Vec::len).sum()
    }
}

/// The network being built, with its transitive closure.
struct Builder {
    succ: Vec<Vec<usize>>,
    pred: Vec<Vec<usize>>,
    /// `reach[v]`: nodes reachable from `v` (not `v` itself).
    reach: BitRows,
    /// `anc[v]`: nodes that reach `v`.
    anc: BitRows,
    arcs: usize,
}

impl Builder {
    fn new(nodes: usize) -> Self {
        Builder {
            succ: vec![Vec::new(); nodes],
            pred: vec![Vec::new(); nodes],
            reach: BitRows::new(nodes),
            anc: BitRows::new(nodes),
            arcs: 0,
        }
    }

    /// Whether arc `i → j` would be redundant (implied by a path) or make
    /// an existing arc redundant.
    fn redundant(&self, i: usize, j: usize) -> bool {
        if i == j || self.reach.has(i, j) || self.reach.has(j, i) {
            return true;
        }
        let anc_i = self.anc.row_with(i, i);
        // An existing arc a → b with a reaching i (or a = i) and b reached
        // from j (or b = j) would be implied by a → i → j → b.
        let implied =
            ones(&anc_i).any(|a| self.succ[a].iter().any(|&b| b == j || self.reach.has(j, b)));
        implied
    }

    fn add(&mut self, i: usize, j: usize) {
        let anc_i = self.anc.row_with(i, i);
        let desc_j = self.reach.row_with(j, j);
        for a in ones(&anc_i) {
            self.reach.or_row(a, &desc_j);
        }
        for b in ones(&desc_j) {
            self.anc.or_row(b, &anc_i);
        }
        self.succ[i].push(j);
        self.pred[j].push(i);
        self.arcs += 1;
    }
}

/// Builds a ProGen network (see the module docs) for `n` jobs and network
/// complexity `nc`.
pub(crate) fn network(n: usize, nc: f64, rng: &mut SplitMix64) -> Result<Network, Diagnostic> {
    let target = (nc * (n + 2) as f64).round() as usize;
    for _ in 0..NETWORK_ATTEMPTS {
        if let Some(net) = try_network(n, target, rng) {
            return Ok(net);
        }
    }
    Err(bad(
        "--nc",
        format!(
            "no network of {n} jobs with NC {nc} ({target} arcs, at most {MAX_ARCS_PER_JOB} successors and predecessors per job, no redundant arc) was found in {NETWORK_ATTEMPTS} attempts"
        ),
        "ProGen's values are 1.5, 1.8 and 2.1; NC near 1 or above 2 cannot be met with few jobs (2.1 needs about 30)",
    ))
}

fn try_network(n: usize, target: usize, rng: &mut SplitMix64) -> Option<Network> {
    let sink = n + 1;
    let s = START_FINISH_JOBS.min(n / 2).max(1);
    let last_inner = n - s; // jobs 1..=last_inner are not finish jobs
    let is_start = |v: usize| (1..=s).contains(&v);
    let mut b = Builder::new(n + 2);
    for v in 1..=s {
        b.add(0, v);
    }
    for v in last_inner + 1..=n {
        b.add(v, sink);
    }
    // Every non-start job gets a predecessor of lower number.
    for j in s + 1..=n {
        let cands: Vec<usize> = (1..j.min(last_inner + 1))
            .filter(|&i| b.succ[i].len() < MAX_ARCS_PER_JOB && !b.redundant(i, j))
            .collect();
        if cands.is_empty() {
            return None;
        }
        let i = *rng.pick(&cands);
        b.add(i, j);
    }
    // Every non-finish job without a successor gets one of higher number,
    // the last jobs first: they have the fewest to choose from.
    for i in (1..=last_inner).rev() {
        if !b.succ[i].is_empty() {
            continue;
        }
        let cands: Vec<usize> = (i + 1..=n)
            .filter(|&j| !is_start(j) && b.pred[j].len() < MAX_ARCS_PER_JOB && !b.redundant(i, j))
            .collect();
        if cands.is_empty() {
            return None;
        }
        let j = *rng.pick(&cands);
        b.add(i, j);
    }
    if b.arcs > target {
        return None;
    }
    // Random non-redundant arcs up to the target: a random pair first,
    // and when a few of those fail, one of all the pairs still allowed
    // (none left: this network is saturated, start again).
    let allowed = |b: &Builder, i: usize, j: usize| {
        j > i
            && !is_start(j)
            && b.succ[i].len() < MAX_ARCS_PER_JOB
            && b.pred[j].len() < MAX_ARCS_PER_JOB
            && !b.redundant(i, j)
    };
    while b.arcs < target {
        let mut pair = None;
        for _ in 0..20 {
            let i = 1 + rng.below(last_inner);
            let j = s + 1 + rng.below(n - s);
            if allowed(&b, i, j) {
                pair = Some((i, j));
                break;
            }
        }
        if pair.is_none() {
            let all: Vec<(usize, usize)> = (1..=last_inner)
                .flat_map(|i| (i + 1..=n).map(move |j| (i, j)))
                .filter(|&(i, j)| allowed(&b, i, j))
                .collect();
            if all.is_empty() {
                return None;
            }
            pair = Some(*rng.pick(&all));
        }
        let (i, j) = pair.expect("a pair was chosen");
        b.add(i, j);
    }
    for v in &mut b.succ {
        v.sort_unstable();
    }
    for v in &mut b.pred {
        v.sort_unstable();
    }
    Some(Network {
        succ: b.succ,
        pred: b.pred,
    })
}

/// Durations of nodes `0..=n+1`: 0 for the dummies, uniform in 1..=10 for jobs.
pub(crate) fn durations(n: usize, rng: &mut SplitMix64) -> Vec<Time> {
    (0..n + 2)
        .map(|v| {
            if v == 0 || v == n + 1 {
                0
            } else {
                rng.range(1, MAX_VALUE) as Time
            }
        })
        .collect()
}

/// Demands `[node][resource]`: each job uses `rf × k` of the `k`
/// resources (floor or ceiling at random so the mean is `rf × k`, at least
/// one), each with a demand uniform in 1..=10; the dummies use nothing.
pub(crate) fn demands(n: usize, k: usize, rf: f64, rng: &mut SplitMix64) -> Vec<Vec<i64>> {
    let want = rf * k as f64;
    let base = want.floor() as usize;
    let frac = want - base as f64;
    (0..n + 2)
        .map(|v| {
            let mut row = vec![0i64; k];
            if v == 0 || v == n + 1 {
                return row;
            }
            let used = (base + usize::from(frac > 0.0 && rng.chance(frac))).clamp(1, k);
            // A random `used`-subset: the first `used` of a partial shuffle.
            let mut order: Vec<usize> = (0..k).collect();
            for i in 0..used {
                let j = i + rng.below(k - i);
                order.swap(i, j);
            }
            for &r in &order[..used] {
                row[r] = rng.range(1, MAX_VALUE) as i64;
            }
            row
        })
        .collect()
}

/// Capacities `Kmin + round(rs × (Kmax − Kmin))` per resource, from the
/// demands and the peak of the schedule `starts`.
pub(crate) fn capacities(
    starts: &[Time],
    durations: &[Time],
    demands: &[Vec<i64>],
    k: usize,
    rs: f64,
) -> Vec<i64> {
    (0..k)
        .map(|r| {
            let kmin = demands.iter().map(|d| d[r]).max().unwrap_or(0);
            let kmax = peak(starts, durations, demands, r);
            kmin + (rs * (kmax - kmin) as f64).round() as i64
        })
        .collect()
}

/// Peak usage of resource `r` by the schedule `starts`.
pub(crate) fn peak(starts: &[Time], durations: &[Time], demands: &[Vec<i64>], r: usize) -> i64 {
    let mut events: Vec<(Time, i64)> = Vec::new();
    for ((&s, &d), dem) in starts.iter().zip(durations).zip(demands) {
        if d > 0 && dem[r] > 0 {
            events.push((s, dem[r]));
            events.push((s + d, -dem[r]));
        }
    }
    // Ends before starts at the same time: [s, s+d) is half-open.
    events.sort_by_key(|&(t, q)| (t, q));
    let mut level = 0;
    let mut top = 0;
    for (_, q) in events {
        level += q;
        top = top.max(level);
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node reachable from the source and reaching the sink; no
    /// redundant arc; at most 3 successors and predecessors per job; arcs
    /// forward; the NC target met.
    fn check_network(net: &Network, n: usize, nc: f64) {
        let nodes = n + 2;
        assert_eq!(net.arcs(), (nc * nodes as f64).round() as usize);
        // reach[v]: nodes reachable from v by a path of one or more arcs.
        let mut reach = vec![vec![false; nodes]; nodes];
        for v in (0..nodes).rev() {
            for &w in &net.succ[v] {
                assert!(w > v, "arc {v} -> {w} goes backward");
                let below = reach[w].clone();
                reach[v][w] = true;
                for (r, b) in reach[v].iter_mut().zip(below) {
                    *r |= b;
                }
            }
        }
        assert!(
            reach[0][1..].iter().all(|&r| r),
            "a node is not reachable from the source"
        );
        for (v, r) in reach[..=n].iter().enumerate() {
            assert!(r[n + 1], "node {v} does not reach the sink");
        }
        for v in 1..=n {
            assert!(net.succ[v].len() <= MAX_ARCS_PER_JOB);
            assert!(net.pred[v].len() <= MAX_ARCS_PER_JOB);
        }
        for v in 0..nodes {
            for &w in &net.succ[v] {
                // redundant: another successor of v reaches w
                let implied = net.succ[v].iter().any(|&u| u != w && reach[u][w]);
                assert!(!implied, "arc {v} -> {w} is redundant");
            }
        }
    }

    #[test]
    fn networks_follow_progen_rules() {
        for (n, nc) in [
            (30, 1.5),
            (30, 2.1),
            (60, 1.8),
            (120, 2.1),
            (10, 1.5),
            (6, 1.5),
        ] {
            for seed in 0..5 {
                let mut rng = SplitMix64::new(seed);
                let net = network(n, nc, &mut rng).unwrap();
                check_network(&net, n, nc);
            }
        }
    }

    #[test]
    fn impossible_nc_is_an_error() {
        let mut rng = SplitMix64::new(1);
        let e = network(30, 1.0, &mut rng).unwrap_err();
        assert_eq!(e.code, E_GEN);
        assert_eq!(e.path, "--nc");
    }

    #[test]
    fn resource_factor_sets_resources_per_job() {
        let mut rng = SplitMix64::new(3);
        for (rf, k, want) in [(0.25, 4, 1), (0.5, 4, 2), (1.0, 4, 4), (1.0, 5, 5)] {
            let d = demands(30, k, rf, &mut rng);
            for row in &d[1..=30] {
                assert_eq!(row.iter().filter(|&&q| q > 0).count(), want);
                assert!(row.iter().all(|&q| (0..=10).contains(&q)));
            }
        }
        // 0.5 × 5 = 2.5: two or three each, two and a half on average
        let d = demands(2000, 5, 0.5, &mut rng);
        let used: usize = d.iter().map(|r| r.iter().filter(|&&q| q > 0).count()).sum();
        let mean = used as f64 / 2000.0;
        assert!((mean - 2.5).abs() < 0.1, "{mean}");
    }

    #[test]
    fn bad_options_are_e091() {
        let base = SetOptions::new(Kind::Psplib, 30);
        let cases: Vec<(SetOptions, &str)> = vec![
            (
                SetOptions {
                    rs: vec![1.5],
                    ..base.clone()
                },
                "--rs",
            ),
            (
                SetOptions {
                    rf: vec![0.0],
                    ..base.clone()
                },
                "--rf",
            ),
            (
                SetOptions {
                    nc: vec![1.5, 1.5],
                    ..base.clone()
                },
                "--nc",
            ),
            (
                SetOptions {
                    jobs: 1,
                    ..base.clone()
                },
                "--jobs",
            ),
            (
                SetOptions {
                    count: 0,
                    ..base.clone()
                },
                "--count",
            ),
            (
                SetOptions {
                    tightness: vec![f64::NAN],
                    ..SetOptions::new(Kind::RcpspMax, 10)
                },
                "--tightness",
            ),
        ];
        for (o, path) in cases {
            let e = specs(&o).unwrap_err();
            assert_eq!((e.code, e.path.as_str()), (E_GEN, path), "{e}");
        }
    }

    #[test]
    fn default_sets_have_the_standard_sizes_and_names() {
        let j30 = specs(&SetOptions::new(Kind::Psplib, 30)).unwrap();
        assert_eq!(j30.len(), 480);
        assert_eq!(j30[0].file_name, "j301_1.sm");
        assert_eq!(j30[479].file_name, "j3048_10.sm");
        // PSPLIB order: NC slowest, RS fastest
        assert_eq!((j30[10].params.nc, j30[10].params.rs), (1.5, 0.5));
        assert_eq!(j30[160].params.nc, 1.8);
        let j120 = specs(&SetOptions::new(Kind::Psplib, 120)).unwrap();
        assert_eq!(j120.len(), 600);
        let max = specs(&SetOptions::new(Kind::RcpspMax, 10)).unwrap();
        assert_eq!(max.len(), 180);
        assert_eq!(max[179].file_name, "PSP180.SCH");
    }

    #[test]
    fn an_instance_does_not_depend_on_the_rest_of_the_grid() {
        let full = specs(&SetOptions::new(Kind::Psplib, 30)).unwrap();
        let one = specs(&SetOptions {
            nc: vec![1.8],
            rf: vec![0.5],
            rs: vec![0.7],
            ..SetOptions::new(Kind::Psplib, 30)
        })
        .unwrap();
        let same = full
            .iter()
            .find(|s| s.params == one[2].params && s.instance == 3)
            .unwrap();
        assert_eq!(same.seed, one[2].seed);
        assert_eq!(
            generate(same).unwrap().text,
            generate(&one[2]).unwrap().text
        );
    }
}
