//! RCPSP/max instances (`.sch`, Schwindt's ProGen/max layout as read by
//! [`crate::bench::rcpspmax`]), in the style of ProGen/max (Schwindt
//! 1996; Kolisch, Schwindt & Sprecher 1998) and its test sets j10/j20/j30
//! and ubo10..ubo1000: `n` activities plus the dummy source `0` and sink
//! `n+1`, 5 renewable resources, durations 1..=10.
//!
//! Time lags are start-to-start, `S[j] >= S[i] + lag`:
//!
//! - **minimal time lags** on the arcs of a ProGen network (parent
//!   module): 0 from the source, uniform in 0..=10 between activities (as
//!   in the ubo10 sample of tests/data; an activity may start before its
//!   predecessor ends),
//!   the activity's duration into the sink. An activity whose paths to the
//!   sink are shorter than its duration gets an arc to the sink with its
//!   duration as lag, so the sink's start is the makespan (in the
//!   ubo10 sample 8 of the 10 activities have one);
//! - **maximal time lags**: a share `max_lag_share` of the activities `j`
//!   that have a real predecessor gets one, from an ancestor `i` found by
//!   walking 1 to 3 predecessors back: `S[j] <= S[i] + dmax`, written as
//!   the backward arc `j → i` with lag `-dmax`. It closes a cycle through
//!   the minimal lags from `i` to `j` (ProGen/max's cycle structures).
//!   `dmax = L + round(u (1 − tightness) (L + 10))`, `L` the longest path
//!   from `i` to `j` in the network built so far and `u` uniform in
//!   [0, 1): with tightness 1 the activities on the path are rigidly tied,
//!   with 0 the lag leaves up to `L + 10` of play (10 being the longest
//!   duration, so that even a path of length 0 can be loosened).
//!
//! **Feasibility: what is aimed at.** Because every `dmax` is at least the
//! longest path it closes, no cycle has positive length: *every instance is
//! temporally consistent* (its earliest-start schedule exists; longest-path
//! analysis never rejects one). The infeasible instances come only from the
//! resources: activities tied by maximal lags must overlap wherever the
//! lags let them go, and the capacities (RS, from the earliest-start
//! schedule, parent module) cannot hold them. With the defaults (max-lag
//! share 0.2, tightness 0.5, the grid of [`super::SetOptions::new`]) the aim
//! is 5–25 % instances without a schedule, as in the real j10..j30 sets.
//! Measured with CP-SAT (every instance decided), seed 7, 180 instances
//! each: 10 % infeasible with 10 activities, 14 % with 20, 18 % with 30;
//! by RS (j30) 48 % at RS 0.25, 5 % at 0.5, 2 % at 0.75; none at RS 1 (the
//! earliest-start schedule is then feasible). The share grows with `n` and
//! with the max-lag share and falls with RS; for ubo100-size sets and
//! larger give a smaller `--max-lags` to stay in that range.

use super::{capacities, demands, durations, network, Figures, Generated, Params, MAX_VALUE};
use crate::error::Diagnostic;
use crate::model::Time;
use crate::rng::SplitMix64;
use std::fmt::Write;

/// Renewable resources of a ProGen/max instance.
pub const RESOURCES: usize = 5;
/// Default share of the activities with a real predecessor that get a maximal time lag.
pub const DEFAULT_MAX_LAG_SHARE: f64 = 0.2;
/// Default tightness of the maximal time lags.
pub const DEFAULT_TIGHTNESS: f64 = 0.5;
/// Minimal time lags between activities are uniform in `0..=MAX_MIN_LAG`.
pub const MAX_MIN_LAG: u64 = 10;
/// A maximal time lag spans at most this many arcs of the network.
const MAX_HOPS: u64 = 3;

/// Longest paths from `from` over `arcs` (`arcs[v]`: `(to, lag)`), or
/// `None` on a positive cycle. Nodes are swept in index order, which is
/// topological for every arc but the backward (maximal-lag) ones, so few
/// sweeps are needed.
pub(crate) fn longest_from(arcs: &[Vec<(usize, Time)>], from: usize) -> Option<Vec<Option<Time>>> {
    let n = arcs.len();
    let mut dist: Vec<Option<Time>> = vec![None; n];
    dist[from] = Some(0);
    for _ in 0..=n {
        let mut changed = false;
        for v in 0..n {
            let Some(dv) = dist[v] else { continue };
            for &(w, lag) in &arcs[v] {
                if dist[w].is_none_or(|dw| dv + lag > dw) {
                    dist[w] = Some(dv + lag);
                    changed = true;
                }
            }
        }
        if !changed {
            return Some(dist);
        }
    }
    None
}

/// Generates one `.sch` instance.
pub fn generate(p: &Params, rng: &mut SplitMix64) -> Result<Generated, Diagnostic> {
    let n = p.jobs;
    let sink = n + 1;
    let net = network(n, p.nc, rng)?;
    let dur = durations(n, rng);
    let mut arcs: Vec<Vec<(usize, Time)>> = vec![Vec::new(); n + 2];
    for (v, succ) in net.succ.iter().enumerate() {
        for &w in succ {
            let lag = if v == 0 {
                0
            } else if w == sink {
                dur[v]
            } else {
                rng.range(0, MAX_MIN_LAG) as Time
            };
            arcs[v].push((w, lag));
        }
    }
    // The sink starts at the makespan: an arc to it wherever the paths do
    // not already hold the sink back until the activity ends.
    let mut tail = vec![0 as Time; n + 2];
    for v in (1..=n).rev() {
        tail[v] = arcs[v]
            .iter()
            .map(|&(w, lag)| lag + tail[w])
            .max()
            .unwrap_or(Time::MIN);
        if tail[v] < dur[v] {
            arcs[v].push((sink, dur[v]));
            tail[v] = dur[v];
        }
    }
    // Maximal time lags.
    let real_pred =
        |v: usize| -> Vec<usize> { net.pred[v].iter().copied().filter(|&u| u != 0).collect() };
    let mut eligible: Vec<usize> = (1..=n).filter(|&v| !real_pred(v).is_empty()).collect();
    let m = (p.max_lag_share * eligible.len() as f64).round() as usize;
    for i in 0..m {
        let j = i + rng.below(eligible.len() - i);
        eligible.swap(i, j);
    }
    let mut max_lags = 0;
    for &j in &eligible[..m] {
        let hops = rng.range(1, MAX_HOPS);
        let mut i = j;
        for _ in 0..hops {
            let preds = real_pred(i);
            if preds.is_empty() {
                break;
            }
            i = *rng.pick(&preds);
        }
        let dist = longest_from(&arcs, i)
            .and_then(|d| d[j])
            .expect("a consistent network where i reaches j");
        let room = (dist + MAX_VALUE as Time) as f64;
        let slack = (rng.unit() * (1.0 - p.tightness) * room).round() as Time;
        arcs[j].push((i, -(dist + slack)));
        max_lags += 1;
    }
    let es: Vec<Time> = longest_from(&arcs, 0)
        .expect("maximal lags never close a positive cycle")
        .into_iter()
        .map(|d| d.expect("every node is reachable from the source"))
        .collect();
    let dem = demands(n, RESOURCES, p.rf, rng);
    let caps = capacities(&es, &dur, &dem, RESOURCES, p.rs);
    let critical_path = es.iter().zip(&dur).map(|(s, d)| s + d).max().unwrap_or(0);
    Ok(Generated {
        text: render(n, &arcs, &dur, &dem, &caps),
        figures: Figures {
            arcs: arcs.iter().map(Vec::len).sum(),
            max_lags,
            capacities: caps,
            critical_path,
        },
    })
}

fn render(
    n: usize,
    arcs: &[Vec<(usize, Time)>],
    dur: &[Time],
    dem: &[Vec<i64>],
    caps: &[i64],
) -> String {
    let mut s = String::with_capacity(64 + 48 * (n + 2));
    // `write!` to a String cannot fail.
    let _ = writeln!(s, "{n}\t{RESOURCES}\t0\t0");
    for (v, out) in arcs.iter().enumerate() {
        let _ = write!(s, "{v}\t1\t{}", out.len());
        for (w, _) in out {
            let _ = write!(s, "\t{w}");
        }
        for (_, lag) in out {
            let _ = write!(s, "\t[{lag}]");
        }
        s.push('\n');
    }
    for (v, (d, row)) in dur.iter().zip(dem).enumerate() {
        let _ = write!(s, "{v}\t1\t{d}");
        for q in row {
            let _ = write!(s, "\t{q}");
        }
        s.push('\n');
    }
    let caps: Vec<String> = caps.iter().map(|c| c.to_string()).collect();
    let _ = writeln!(s, "{}", caps.join("\t"));
    s
}

#[cfg(test)]
mod tests {
    use super::super::{generate as gen_spec, specs, Kind, SetOptions, Spec};
    use crate::bench::formats::{critical_path_bound, earliest_starts};
    use crate::bench::rcpspmax::parse_sch;
    use crate::model::{verify::verify, Problem};
    use crate::solve::{Outcome, SolveOptions};
    use std::time::Duration;

    fn set(
        jobs: usize,
        rs: &[f64],
        share: f64,
        tightness: f64,
        count: usize,
        seed: u64,
    ) -> Vec<Spec> {
        specs(&SetOptions {
            nc: vec![1.5],
            rf: vec![1.0],
            rs: rs.to_vec(),
            max_lag_share: vec![share],
            tightness: vec![tightness],
            count,
            seed,
            ..SetOptions::new(Kind::RcpspMax, jobs)
        })
        .unwrap()
    }

    fn parse(spec: &Spec) -> (String, Problem) {
        let g = gen_spec(spec).unwrap();
        let p = parse_sch(&g.text, &spec.file_name).unwrap_or_else(|e| panic!("{e}\n{}", g.text));
        (g.text, p)
    }

    #[test]
    fn generated_sch_parses_and_is_temporally_consistent() {
        for spec in
            set(30, &[0.25, 1.0], 0.3, 0.5, 3, 5)
                .iter()
                .chain(&set(10, &[0.5], 1.0, 1.0, 3, 6))
        {
            let (_, p) = parse(spec);
            let n = spec.params.jobs;
            assert_eq!(p.activities.len(), n + 2);
            assert_eq!(p.resources.len(), 5);
            let max_lags = p.precedences.iter().filter(|q| q.to < q.from).count();
            let eligible = (1..=n)
                .filter(|&v| {
                    p.precedences
                        .iter()
                        .any(|q| q.to == v && q.from > 0 && q.from < v)
                })
                .count();
            assert_eq!(
                max_lags,
                (spec.params.max_lag_share * eligible as f64).round() as usize
            );
            assert!(max_lags > 0);
            // minimal lags go forward and are not negative, maximal lags
            // backward with a lag of at most 0
            for q in &p.precedences {
                assert!(
                    if q.to > q.from {
                        q.lag >= 0
                    } else {
                        q.lag <= 0
                    },
                    "{q:?}"
                );
            }
            let cp = critical_path_bound(&p).expect("no positive cycle");
            // the sink starts at the makespan
            let es = earliest_starts(&p).unwrap();
            assert_eq!(es[n + 1], cp);
            for a in &p.activities {
                for d in &a.demands {
                    assert!(d.amount <= p.resources[d.resource].max_capacity());
                }
            }
            if spec.params.rs == 1.0 {
                assert!(verify(&p, &es).is_empty(), "{:?}", verify(&p, &es));
            }
        }
    }

    /// Arcs of a parsed problem as `longest_from` takes them.
    fn arcs_of(p: &Problem) -> Vec<Vec<(usize, i64)>> {
        let mut arcs = vec![Vec::new(); p.activities.len()];
        for q in &p.precedences {
            arcs[q.from].push((q.to, q.lag));
        }
        arcs
    }

    #[test]
    fn tightness_sets_how_far_max_lags_exceed_the_path() {
        // A maximal lag j -> i with lag -dmax: the longest path i -> j is
        // dmax exactly with tightness 1 (rigid), and at most dmax always.
        let (mut exact, mut loose) = (0, 0);
        for (tightness, seed) in [(1.0, 9), (0.0, 10)] {
            for spec in set(20, &[0.5], 0.5, tightness, 3, seed) {
                let (_, p) = parse(&spec);
                let arcs = arcs_of(&p);
                for q in p.precedences.iter().filter(|q| q.to < q.from) {
                    let (i, j, dmax) = (q.to, q.from, -q.lag);
                    let path = super::longest_from(&arcs, i).unwrap()[j].unwrap();
                    assert!(
                        path <= dmax,
                        "{}: path {path} > dmax {dmax}",
                        spec.file_name
                    );
                    if tightness == 1.0 {
                        assert_eq!(path, dmax, "{}: {i} -> {j}", spec.file_name);
                        exact += 1;
                    } else if path < dmax {
                        loose += 1;
                    }
                }
            }
        }
        assert!(exact > 10 && loose > 10, "{exact} rigid, {loose} loose");
    }

    #[test]
    fn same_seed_same_bytes() {
        let a = gen_spec(&set(20, &[0.5], 0.3, 0.5, 2, 3)[1]).unwrap().text;
        let b = gen_spec(&set(20, &[0.5], 0.3, 0.5, 2, 3)[1]).unwrap().text;
        let c = gen_spec(&set(20, &[0.5], 0.3, 0.5, 2, 4)[1]).unwrap().text;
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    /// A set of tiny instances holds both instances with a schedule and
    /// instances proven to have none, and the infeasible ones are
    /// temporally consistent: the resources make them infeasible. (One
    /// thread and a schedule budget: the answer does not depend on the
    /// machine's speed; in a release build it takes milliseconds.)
    #[test]
    fn small_sets_mix_feasible_and_resource_infeasible() {
        let opts = SolveOptions {
            time_limit: Duration::from_secs(120),
            threads: 1,
            max_schedules: 2000,
            ..Default::default()
        };
        let (mut feasible, mut infeasible) = (0, 0);
        for spec in set(10, &[0.25, 0.5], 0.5, 0.8, 10, 1) {
            let (_, p) = parse(&spec);
            assert!(critical_path_bound(&p).is_some());
            match crate::solve::solve(&p, &opts) {
                Outcome::Solved(s) => {
                    assert!(verify(&p, &s.starts).is_empty());
                    feasible += 1
                }
                Outcome::Infeasible(_) => infeasible += 1,
                Outcome::NotFound(why) => panic!("{}: not decided: {why}", spec.file_name),
            }
        }
        assert!(
            feasible > 0 && infeasible > 0,
            "{feasible} feasible, {infeasible} infeasible"
        );
    }
}
