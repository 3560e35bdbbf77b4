//! PSPLIB single-mode RCPSP instances (`.sm`), as ProGen generates them
//! (see the parent module for the network, resource factor and resource
//! strength). The file has PSPLIB's exact layout and column widths, so that
//! our reader ([`crate::bench::psplib`]) and other PSPLIB parsers (the
//! OR-Tools peer script) read it like the real j30..j120 files:
//!
//! - `file with basedata` names the parameters (`j30_NC1.50_RF0.25_RS0.20.bas`),
//!   `initial value random generator` is the instance's seed;
//! - `horizon` is the sum of the durations;
//! - `PROJECT INFORMATION`: `#jobs` is `n`, `rel.date` 0, `duedate` the
//!   critical path length (as in PSPLIB), `tardcost` 0 (PSPLIB's is an
//!   arbitrary number no solver uses), `MPM-Time` the critical path length;
//! - precedence rows list the successors in increasing order; jobs 1 and
//!   `n+2` are the dummy source and sink of duration 0.

use super::{capacities, demands, durations, network, Figures, Generated, Network, Params};
use crate::error::Diagnostic;
use crate::model::Time;
use crate::rng::SplitMix64;
use std::fmt::Write;

/// Renewable resources of a PSPLIB instance.
pub const RESOURCES: usize = 4;

const STARS: &str = "************************************************************************";
const DASHES: &str = "------------------------------------------------------------------------";

/// Earliest starts with finish-to-start precedences (nodes are numbered
/// topologically).
fn earliest_starts(net: &Network, dur: &[Time]) -> Vec<Time> {
    let mut es = vec![0; dur.len()];
    for v in 0..dur.len() {
        for &w in &net.succ[v] {
            es[w] = es[w].max(es[v] + dur[v]);
        }
    }
    es
}

/// Generates one `.sm` instance; `seed` is written in the header.
pub fn generate(p: &Params, seed: u64, rng: &mut SplitMix64) -> Result<Generated, Diagnostic> {
    let n = p.jobs;
    let net = network(n, p.nc, rng)?;
    let dur = durations(n, rng);
    let dem = demands(n, RESOURCES, p.rf, rng);
    let es = earliest_starts(&net, &dur);
    let caps = capacities(&es, &dur, &dem, RESOURCES, p.rs);
    let mpm = es[n + 1];
    let text = render(p, seed, &net, &dur, &dem, &caps, mpm);
    Ok(Generated {
        text,
        figures: Figures {
            arcs: net.arcs(),
            max_lags: 0,
            capacities: caps,
            critical_path: mpm,
        },
    })
}

fn render(
    p: &Params,
    seed: u64,
    net: &Network,
    dur: &[Time],
    dem: &[Vec<i64>],
    caps: &[i64],
    mpm: Time,
) -> String {
    let n = p.jobs;
    let mut s = String::with_capacity(200 + 100 * (n + 2));
    let horizon: Time = dur.iter().sum();
    // `write!` to a String cannot fail.
    let _ = writeln!(s, "{STARS}");
    let _ = writeln!(
        s,
        "file with basedata            : j{n}_NC{:.2}_RF{:.2}_RS{:.2}.bas",
        p.nc, p.rf, p.rs
    );
    let _ = writeln!(s, "initial value random generator: {seed}");
    let _ = writeln!(s, "{STARS}");
    let _ = writeln!(s, "projects                      :  1");
    let _ = writeln!(s, "jobs (incl. supersource/sink ):  {}", n + 2);
    let _ = writeln!(s, "horizon                       :  {horizon}");
    let _ = writeln!(s, "RESOURCES");
    let _ = writeln!(s, "  - renewable                 :  {RESOURCES}   R");
    let _ = writeln!(s, "  - nonrenewable              :  0   N");
    let _ = writeln!(s, "  - doubly constrained        :  0   D");
    let _ = writeln!(s, "{STARS}");
    let _ = writeln!(s, "PROJECT INFORMATION:");
    let _ = writeln!(s, "pronr.  #jobs rel.date duedate tardcost  MPM-Time");
    let _ = writeln!(s, "{:>5}{:>7}{:>7}{:>9}{:>9}{:>9}", 1, n, 0, mpm, 0, mpm);
    let _ = writeln!(s, "{STARS}");
    let _ = writeln!(s, "PRECEDENCE RELATIONS:");
    let _ = writeln!(s, "jobnr.    #modes  #successors   successors");
    for (v, succ) in net.succ.iter().enumerate() {
        let _ = write!(s, "{:>4}{:>9}{:>11}", v + 1, 1, succ.len());
        for (k, &w) in succ.iter().enumerate() {
            let _ = write!(s, "{:>width$}", w + 1, width = if k == 0 { 12 } else { 4 });
        }
        s.push('\n');
    }
    let _ = writeln!(s, "{STARS}");
    let _ = writeln!(s, "REQUESTS/DURATIONS:");
    let mut head = String::from("jobnr. mode duration");
    for r in 1..=RESOURCES {
        let _ = write!(head, "  R{r:>2}");
    }
    let _ = writeln!(s, "{head}");
    let _ = writeln!(s, "{DASHES}");
    for (v, (d, row)) in dur.iter().zip(dem).enumerate() {
        let _ = write!(s, "{:>3}{:>7}{:>6}", v + 1, 1, d);
        for (r, q) in row.iter().enumerate() {
            let _ = write!(s, "{:>width$}", q, width = if r == 0 { 8 } else { 5 });
        }
        s.push('\n');
    }
    let _ = writeln!(s, "{STARS}");
    let _ = writeln!(s, "RESOURCEAVAILABILITIES:");
    let mut head = String::new();
    for r in 1..=RESOURCES {
        let _ = write!(head, "  R{r:>2}");
    }
    let _ = writeln!(s, "{head}");
    for c in caps {
        let _ = write!(s, "{c:>5}");
    }
    s.push('\n');
    let _ = writeln!(s, "{STARS}");
    s
}

#[cfg(test)]
mod tests {
    use super::super::{generate as gen_spec, peak, specs, Kind, SetOptions, Spec};
    use crate::bench::formats::{critical_path_bound, earliest_starts};
    use crate::bench::psplib::parse_sm;
    use crate::model::{verify::verify, Problem};

    fn one(jobs: usize, nc: f64, rf: f64, rs: f64, k: usize, seed: u64) -> Spec {
        let o = SetOptions {
            nc: vec![nc],
            rf: vec![rf],
            rs: vec![rs],
            count: k,
            seed,
            ..SetOptions::new(Kind::Psplib, jobs)
        };
        specs(&o).unwrap().pop().unwrap()
    }

    fn parse(spec: &Spec) -> (String, Problem) {
        let g = gen_spec(spec).unwrap();
        let p = parse_sm(&g.text, &spec.file_name).unwrap_or_else(|e| panic!("{e}\n{}", g.text));
        (g.text, p)
    }

    fn mpm_time(text: &str) -> i64 {
        let lines: Vec<&str> = text.lines().collect();
        let i = lines.iter().position(|l| l.contains("MPM-Time")).unwrap();
        lines[i + 1]
            .split_whitespace()
            .nth(5)
            .unwrap()
            .parse()
            .unwrap()
    }

    /// The capacities the RS formula gives, computed from the parsed file.
    fn formula_capacities(p: &Problem, rs: f64) -> Vec<i64> {
        let es = earliest_starts(p).unwrap();
        let dur: Vec<i64> = p.activities.iter().map(|a| a.duration).collect();
        let dem: Vec<Vec<i64>> = p
            .activities
            .iter()
            .map(|a| {
                let mut row = vec![0; p.resources.len()];
                for d in &a.demands {
                    row[d.resource] = d.amount;
                }
                row
            })
            .collect();
        (0..p.resources.len())
            .map(|r| {
                let kmin = dem.iter().map(|d| d[r]).max().unwrap();
                let kmax = peak(&es, &dur, &dem, r);
                kmin + (rs * (kmax - kmin) as f64).round() as i64
            })
            .collect()
    }

    #[test]
    fn generated_sm_parses_and_mpm_time_is_the_critical_path() {
        for (jobs, nc, rf, rs, k) in [
            (30, 1.5, 0.25, 0.2, 1),
            (30, 2.1, 1.0, 0.7, 3),
            (60, 1.8, 0.5, 0.5, 2),
            (120, 1.8, 0.75, 0.1, 1),
        ] {
            let spec = one(jobs, nc, rf, rs, k, 7);
            let (text, p) = parse(&spec);
            assert_eq!(p.activities.len(), jobs + 2);
            assert_eq!(p.resources.len(), 4);
            assert_eq!(p.activities[0].duration, 0);
            assert_eq!(p.activities[jobs + 1].duration, 0);
            assert!(p.activities[1..=jobs]
                .iter()
                .all(|a| (1..=10).contains(&a.duration)));
            // NC counts the dummy arcs: round(nc × (n + 2)) arcs.
            assert_eq!(
                p.precedences.len(),
                (nc * (jobs + 2) as f64).round() as usize
            );
            assert_eq!(Some(mpm_time(&text)), critical_path_bound(&p), "{text}");
            // Every demand fits its capacity.
            for a in &p.activities {
                for d in &a.demands {
                    assert!(d.amount <= p.resources[d.resource].max_capacity());
                }
            }
            assert_eq!(
                p.resources
                    .iter()
                    .map(|r| r.max_capacity())
                    .collect::<Vec<_>>(),
                formula_capacities(&p, rs)
            );
        }
    }

    #[test]
    fn resource_strength_extremes() {
        for seed in 1..4 {
            // RS 0: each capacity is the largest single demand on it.
            let (_, p) = parse(&one(30, 1.5, 0.5, 0.0, 1, seed));
            for (r, res) in p.resources.iter().enumerate() {
                let kmin = p
                    .activities
                    .iter()
                    .flat_map(|a| &a.demands)
                    .filter(|d| d.resource == r)
                    .map(|d| d.amount)
                    .max()
                    .unwrap_or(0);
                assert_eq!(res.max_capacity(), kmin);
            }
            // RS 1: the earliest-start schedule is feasible and some
            // resource is used to its capacity (its peak).
            let (_, p) = parse(&one(30, 1.5, 0.5, 1.0, 1, seed));
            let es = earliest_starts(&p).unwrap();
            assert!(verify(&p, &es).is_empty(), "{:?}", verify(&p, &es));
            assert_eq!(
                p.resources
                    .iter()
                    .map(|r| r.max_capacity())
                    .collect::<Vec<_>>(),
                formula_capacities(&p, 1.0)
            );
            // RS 0.2 on j30 with RF 1: the earliest-start schedule is not
            // feasible (capacity below its peak).
            let (_, p) = parse(&one(30, 1.5, 1.0, 0.2, 1, seed));
            assert!(!verify(&p, &earliest_starts(&p).unwrap()).is_empty());
        }
    }

    #[test]
    fn same_seed_same_bytes() {
        let a = gen_spec(&one(30, 1.8, 0.5, 0.5, 2, 11)).unwrap().text;
        let b = gen_spec(&one(30, 1.8, 0.5, 0.5, 2, 11)).unwrap().text;
        let c = gen_spec(&one(30, 1.8, 0.5, 0.5, 2, 12)).unwrap().text;
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn layout_matches_psplib() {
        let g = gen_spec(&one(30, 1.5, 0.25, 0.2, 1, 1)).unwrap();
        let lines: Vec<&str> = g.text.lines().collect();
        assert_eq!(lines[5], "jobs (incl. supersource/sink ):  32");
        assert_eq!(lines[8], "  - renewable                 :  4   R");
        let prec = lines
            .iter()
            .position(|l| *l == "PRECEDENCE RELATIONS:")
            .unwrap();
        assert_eq!(
            lines[prec + 1],
            "jobnr.    #modes  #successors   successors"
        );
        assert_eq!(
            lines[prec + 2],
            "   1        1          3           2   3   4"
        );
        assert_eq!(lines[prec + 33], "  32        1          0");
        let req = lines
            .iter()
            .position(|l| *l == "REQUESTS/DURATIONS:")
            .unwrap();
        assert_eq!(lines[req + 1], "jobnr. mode duration  R 1  R 2  R 3  R 4");
        assert_eq!(lines[req + 3], "  1      1     0       0    0    0    0");
        let cap = lines
            .iter()
            .position(|l| *l == "RESOURCEAVAILABILITIES:")
            .unwrap();
        assert_eq!(lines[cap + 1], "  R 1  R 2  R 3  R 4");
        assert_eq!(lines[cap + 2].len(), 20);
    }
}
