//! The search options every solving command takes (`--time-limit`, `--seed`,
//! `--threads`), once, with each command's own defaults, and the
//! [`SolveOptions`] built from them.

use super::common::parse_time_limit;
use std::marker::PhantomData;
use std::time::Duration;
use windowplan::solve::SolveOptions;

/// A command's defaults for [`SearchArgs`].
pub trait SearchDefaults: std::fmt::Debug + Clone + Send + Sync + 'static {
    /// `--time-limit` when not given, as written on the command line.
    const TIME_LIMIT: &'static str;
    /// `--threads` when not given (0 = all cores), as written on the command
    /// line. (Text, not a number: clap keeps one `default_value_t` text for
    /// every instance of a generic argument struct.)
    const THREADS: &'static str = "0";
}

macro_rules! search_defaults {
    ($($(#[$doc:meta])* $name:ident: $limit:literal, $threads:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name;
        impl SearchDefaults for $name {
            const TIME_LIMIT: &'static str = $limit;
            const THREADS: &'static str = $threads;
        }
    )*};
}

search_defaults! {
    /// 1 s, all cores (`bench`: per instance).
    OneSecond: "1s", "0";
    /// 2 s, all cores (`replan`: per plan of the night; `export`: the default horizon).
    TwoSeconds: "2s", "0";
    /// 3 s on one thread (`whatif`: per scenario; scenarios run side by side).
    ThreeSecondsOneThread: "3s", "1";
    /// 5 s, all cores (`plan`, `availability`, `explain`, `risk`).
    FiveSeconds: "5s", "0";
}

/// `--time-limit`, `--seed`, `--threads`, with the defaults of `D`.
#[derive(clap::Args, Debug, Clone)]
pub struct SearchArgs<D: SearchDefaults> {
    /// How long to search, e.g. 10s, 500ms, 2m.
    #[arg(long, default_value = D::TIME_LIMIT, value_parser = parse_time_limit)]
    pub time_limit: Duration,
    /// Seed of the search's random choices (with --threads 1 the same seed
    /// gives the same plan).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value = D::THREADS)]
    pub threads: usize,
    #[arg(skip)]
    defaults: PhantomData<D>,
}

impl<D: SearchDefaults> SearchArgs<D> {
    /// The solver's options for these arguments (everything else default).
    pub fn solve_options(&self) -> SolveOptions {
        SolveOptions {
            time_limit: self.time_limit,
            seed: self.seed,
            threads: self.threads,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cmd<D: SearchDefaults> {
        #[command(flatten)]
        search: SearchArgs<D>,
    }

    #[test]
    fn each_command_keeps_its_defaults() {
        let c = Cmd::<ThreeSecondsOneThread>::try_parse_from(["x"]).unwrap();
        let o = c.search.solve_options();
        assert_eq!(
            (o.time_limit, o.seed, o.threads),
            (Duration::from_secs(3), 1, 1)
        );
        // Each instance its own defaults (clap caches `default_value_t` texts
        // per generic struct, not per instance).
        let c = Cmd::<OneSecond>::try_parse_from(["x"]).unwrap();
        assert_eq!(c.search.time_limit, Duration::from_secs(1));
        assert_eq!(c.search.threads, 0);
        let c = Cmd::<FiveSeconds>::try_parse_from([
            "x",
            "--time-limit",
            "500ms",
            "--seed",
            "7",
            "--threads",
            "2",
        ])
        .unwrap();
        let o = c.search.solve_options();
        assert_eq!(
            (o.time_limit, o.seed, o.threads),
            (Duration::from_millis(500), 7, 2)
        );
        assert!(Cmd::<FiveSeconds>::try_parse_from(["x", "--time-limit", "soon"]).is_err());
    }
}
