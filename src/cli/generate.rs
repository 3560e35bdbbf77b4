//! `windowplan generate`: a synthetic estate (feasible by construction, for
//! scale tests), or a set of PSPLIB / RCPSP/max benchmark instances.

use super::common::*;
use std::path::PathBuf;
use windowplan::bench::generate::Pressure;
use windowplan::inventory::Format;

/// Write a synthetic but realistic estate (feasible by construction, for
/// scale tests), or a set of PSPLIB / RCPSP/max benchmark instances.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to write: an estate inventory, PSPLIB .sm or RCPSP/max .sch instances.
    #[arg(long, value_enum, default_value_t = GenKind::Estate)]
    kind: GenKind,
    /// Estate: about how many tasks (each member of a cluster task counts; default 1000).
    #[arg(long)]
    tasks: Option<usize>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Estate: the file format.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Estate: how hard its rules press (binding: teams, vendor hours and
    /// DR orders bind, so the plan's bound is not met at once).
    #[arg(long, value_enum, default_value_t = Pressure::Relaxed)]
    pressure: Pressure,
    /// Estate: write format 1.1 (rolling OS patches as drain/patch/verify
    /// steps with a canary member, per-member `same_member` follow-ups,
    /// window metadata).
    #[arg(long)]
    format11: bool,
    /// Estate: write a format 1.2 campaign of this many weekly windows
    /// instead of one window (vendor hours and task windows repeated weekly).
    #[arg(long)]
    windows: Option<usize>,
    /// Estate with --windows: each window's length in hours (default 3).
    #[arg(long)]
    window_hours: Option<u32>,
    /// Estate: write to this file (atomically) instead of stdout; its
    /// extension (.json, .yaml) sets the format unless --format is given.
    /// Instances: the directory to write them into (created if missing).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Instances: real jobs per instance, the dummies not counted (default 30).
    #[arg(long)]
    jobs: Option<usize>,
    /// Instances per parameter combination (default 10).
    #[arg(long)]
    count: Option<usize>,
    /// Network complexity values, e.g. 1.5,1.8,2.1 (repeatable; default per kind).
    #[arg(long, value_delimiter = ',', num_args = 1)]
    nc: Vec<f64>,
    /// Resource factor values (repeatable; default per kind).
    #[arg(long, value_delimiter = ',', num_args = 1)]
    rf: Vec<f64>,
    /// Resource strength values (repeatable; default per kind and size).
    #[arg(long, value_delimiter = ',', num_args = 1)]
    rs: Vec<f64>,
    /// RCPSP/max: share of the activities that get a maximal time lag (default 0.2).
    #[arg(long = "max-lags", value_delimiter = ',', num_args = 1)]
    max_lags: Vec<f64>,
    /// RCPSP/max: tightness of the maximal time lags, 0 loose to 1 rigid (default 0.5).
    #[arg(long, value_delimiter = ',', num_args = 1)]
    tightness: Vec<f64>,
}

/// What `windowplan generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum GenKind {
    /// A synthetic estate inventory (YAML or JSON).
    Estate,
    /// PSPLIB single-mode RCPSP instances (`.sm`).
    Psplib,
    /// RCPSP/max instances in ProGen/max format (`.sch`).
    Rcpspmax,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        if self.kind != GenKind::Estate {
            return generate_instances(&self);
        }
        let instance_option = [
            self.jobs.map(|_| "--jobs"),
            self.count.map(|_| "--count"),
            (!self.nc.is_empty()).then_some("--nc"),
            (!self.rf.is_empty()).then_some("--rf"),
            (!self.rs.is_empty()).then_some("--rs"),
            (!self.max_lags.is_empty()).then_some("--max-lags"),
            (!self.tightness.is_empty()).then_some("--tightness"),
        ]
        .into_iter()
        .flatten()
        .next();
        if let Some(option) = instance_option {
            return option_needs_kind(option, "psplib or rcpspmax");
        }
        let format = self.format.unwrap_or_else(|| {
            match self.output.as_deref().and_then(Format::from_path) {
                Some(Format::Json) => Format::Json,
                _ => Format::Yaml,
            }
        });
        let tasks = self.tasks.unwrap_or(1000);
        let mut estate =
            windowplan::bench::generate::generate_with(tasks, self.seed, self.pressure);
        if self.format11 {
            windowplan::bench::generate::to_format11(&mut estate);
        }
        if let Some(n) = self.windows {
            if n == 0 || n > 400 {
                return generator_error(windowplan::error::Diagnostic::new(
                    windowplan::bench::instgen::E_GEN,
                    "--windows",
                    format!("--windows {n} is not between 1 and 400"),
                    "give how many weekly windows the campaign has, e.g. --windows 10",
                ));
            }
            let hours = self.window_hours.unwrap_or(3).clamp(1, 24 * 7);
            windowplan::bench::generate::to_campaign(&mut estate, n, hours);
        }
        let text =
            windowplan::bench::generate::render(&estate, format, tasks, self.seed, self.pressure);
        write_or_fail(self.output.as_deref(), &text)
    }

    /// Estate-only options that were given (an error for instances).
    fn estate_options(&self) -> Vec<&'static str> {
        [
            self.tasks.map(|_| "--tasks"),
            self.format.map(|_| "--format"),
            self.format11.then_some("--format11"),
            self.windows.map(|_| "--windows"),
            self.window_hours.map(|_| "--window-hours"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

fn generator_error(d: windowplan::error::Diagnostic) -> u8 {
    eprintln!("{d}");
    EXIT_BAD_INPUT
}

/// An option given with a `--kind` it does not apply to (`E091`).
fn option_needs_kind(option: &str, kinds: &str) -> u8 {
    generator_error(windowplan::error::Diagnostic::new(
        windowplan::bench::instgen::E_GEN,
        option,
        format!("{option} applies to --kind {kinds} only"),
        format!("drop {option}, or add --kind {kinds}"),
    ))
}

/// `windowplan generate --kind psplib|rcpspmax -o DIR`: writes every
/// instance of the set (atomically, one file each) and `parameters.csv`
/// into `DIR`.
fn generate_instances(req: &Args) -> u8 {
    use windowplan::bench::instgen::{self, Kind, SetOptions};
    let kind = match req.kind {
        GenKind::Estate => return option_needs_kind("--kind", "psplib or rcpspmax"),
        GenKind::Psplib => Kind::Psplib,
        GenKind::Rcpspmax => Kind::RcpspMax,
    };
    if let Some(option) = req.estate_options().first() {
        return option_needs_kind(option, "estate");
    }
    if kind == Kind::Psplib {
        if !req.max_lags.is_empty() {
            return option_needs_kind("--max-lags", "rcpspmax");
        }
        if !req.tightness.is_empty() {
            return option_needs_kind("--tightness", "rcpspmax");
        }
    }
    let Some(dir) = req.output.as_deref() else {
        return generator_error(windowplan::error::Diagnostic::new(
            instgen::E_GEN,
            "-o",
            format!("--kind {} needs an output directory", kind.name()),
            "add -o DIR: one file per instance and parameters.csv are written there",
        ));
    };
    let mut opts = SetOptions {
        nc: req.nc.clone(),
        rf: req.rf.clone(),
        rs: req.rs.clone(),
        max_lag_share: req.max_lags.clone(),
        tightness: req.tightness.clone(),
        seed: req.seed,
        ..SetOptions::new(kind, req.jobs.unwrap_or(30))
    };
    opts.count = req.count.unwrap_or(opts.count);
    let specs = match instgen::specs(&opts) {
        Ok(s) => s,
        Err(d) => return generator_error(d),
    };
    // Every instance is built once before anything is written (an NC that
    // cannot be met fails here), and again, identically, to write it.
    for spec in &specs {
        if let Err(d) = instgen::generate(spec) {
            return generator_error(d);
        }
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return generator_error(windowplan::error::Diagnostic::new(
            "E008",
            "",
            format!("cannot create the directory {}: {e}", dir.display()),
            "check the path and permissions; nothing was written",
        ));
    }
    let mut manifest = String::from(instgen::manifest_header());
    for spec in &specs {
        let generated = match instgen::generate(spec) {
            Ok(g) => g,
            Err(d) => return generator_error(d),
        };
        let code = write_or_fail(Some(&dir.join(&spec.file_name)), &generated.text);
        if code != EXIT_OK {
            return code;
        }
        manifest.push_str(&instgen::manifest_row(spec, &generated.figures));
    }
    let code = write_or_fail(Some(&dir.join("parameters.csv")), &manifest);
    if code != EXIT_OK {
        return code;
    }
    {
        let combinations = specs.last().map_or(0, |s| s.combination);
        eprintln!(
            "wrote {} {} instances ({combinations} parameter combination(s) × {}) and parameters.csv to {}",
            specs.len(),
            kind.name(),
            opts.count,
            dir.display()
        );
    }
    EXIT_OK
}
