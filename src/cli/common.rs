//! What every subcommand shares: the exit codes, reading an inventory or a
//! saved plan with the user's limits, saying why there is no plan, and
//! writing results atomically.

use std::io::Write;
use std::path::Path;
use std::time::Duration;
use windowplan::error::InputError;
use windowplan::inventory::{Inventory, Limits};
use windowplan::solve::{Outcome, SolveOptions};

/// Exit codes (DESIGN.md).
pub const EXIT_OK: u8 = 0;
/// Proven: no plan exists, or `check` found violations.
pub const EXIT_NO_PLAN: u8 = 1;
/// The input is unreadable or invalid.
pub const EXIT_BAD_INPUT: u8 = 2;
/// No plan found within the time limit, and none proven impossible.
pub const EXIT_NOT_FOUND: u8 = 3;

/// Size limits for reading an inventory (and a plan file).
#[derive(clap::Args, Clone, Copy, Debug)]
pub struct LimitArgs {
    /// Most tasks accepted, counted after cluster expansion (default 50000).
    #[arg(long, value_name = "N", default_value_t = windowplan::inventory::MAX_TASKS,
          value_parser = clap::value_parser!(usize))]
    max_tasks: usize,
    /// Largest inventory or plan file accepted, in MiB (default 64).
    #[arg(long, value_name = "N", default_value_t = windowplan::inventory::MAX_FILE_BYTES / (1024 * 1024),
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    max_file_mb: u64,
}

impl LimitArgs {
    /// The limits as the library takes them.
    pub fn limits(self) -> Limits {
        Limits {
            max_tasks: self.max_tasks,
            max_file_bytes: self.max_file_mb * 1024 * 1024,
        }
    }
}

/// Loads and validates an inventory within `limits`; on failure prints
/// every problem and gives exit code 2.
pub fn load(path: &Path, limits: &Limits) -> Result<Inventory, u8> {
    let inv = windowplan::load_inventory_with(path, limits, &mut windowplan::Timings::default())
        .map_err(|e| report_input_error(&e))?;
    say_warnings(path, &inv);
    Ok(inv)
}

/// Says on stderr what validation warned about (never an error: the exit
/// code stays what the run gives).
pub fn say_warnings(path: &Path, inv: &Inventory) {
    for w in &inv.warnings {
        say_warning(&path.display().to_string(), w);
    }
}

/// One warning on stderr: `SOURCE:LINE:COLUMN: warning[CODE]: PATH: message`
/// (line and column when known), then its hint.
pub fn say_warning(source: &str, w: &windowplan::error::Diagnostic) {
    let at = if w.path.is_empty() {
        String::new()
    } else {
        format!(" {}:", w.path)
    };
    let place = match (w.line, w.column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        _ => String::new(),
    };
    use windowplan::base::text::for_terminal;
    eprintln!(
        "{}{place}: warning[{}]:{} {}\n  hint: {}",
        for_terminal(source),
        w.code,
        for_terminal(&at),
        for_terminal(&w.message),
        for_terminal(&w.hint)
    );
}

/// Says on stderr why there is no plan (`what`: "plan" or "schedule") and
/// gives the exit code: 1 only when impossibility is proven, else 3 (the
/// time limit `limit` was too short to find one).
pub fn no_plan(what: &str, proven: bool, why: &str, limit: Duration) -> u8 {
    let why = windowplan::base::text::for_terminal(why);
    let interrupted = windowplan::interrupt::requested();
    eprintln!(
        "{}",
        no_plan_message(what, proven, &why, limit, interrupted)
    );
    if proven {
        EXIT_NO_PLAN
    } else {
        EXIT_NOT_FOUND
    }
}

/// The words of [`no_plan`]. When Ctrl-C stopped the search
/// (`interrupted`) before any plan was found, it says so: the time limit is
/// not what ran out, so no longer limit is asked for.
fn no_plan_message(
    what: &str,
    proven: bool,
    why: &str,
    limit: Duration,
    interrupted: bool,
) -> String {
    let limit = windowplan::base::fmt_duration(limit);
    if proven {
        format!("no feasible {what}: {why}")
    } else if interrupted {
        format!(
            "interrupted (Ctrl-C) before any {what} was found, before the time limit of {limit} ran out; nothing was written, and none is proven impossible ({why}); run again without interrupting it"
        )
    } else {
        format!(
            "no {what} found within the time limit of {limit} (none is proven impossible): {why}; try a longer --time-limit"
        )
    }
}

/// [`no_plan`] for what planning an inventory gave (`None` for a plan).
pub fn no_plan_for(result: &windowplan::pipeline::PlanResult, limit: Duration) -> Option<u8> {
    match result {
        Ok(_) => None,
        Err(windowplan::error::NoPlan::Infeasible(why)) => Some(no_plan("plan", true, why, limit)),
        Err(windowplan::error::NoPlan::NotFound(why)) => Some(no_plan("plan", false, why, limit)),
    }
}

/// [`no_plan`] for a solver outcome that is not a schedule.
pub fn no_schedule(what: &str, outcome: &Outcome, limit: Duration) -> u8 {
    match outcome {
        Outcome::Infeasible(why) => no_plan(what, true, why, limit),
        Outcome::NotFound(why) => no_plan(what, false, why, limit),
        Outcome::Solved(_) => EXIT_OK,
    }
}

/// Parses `10s`, `500ms`, `2m`, `1.5s` or a bare number of seconds.
pub fn parse_time_limit(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a time limit; write e.g. 10s, 500ms or 2m"))?;
    let secs = match unit {
        "ms" => v / 1000.0,
        "s" => v,
        "m" | "min" => v * 60.0,
        "h" => v * 3600.0,
        _ => return Err(format!("unknown unit '{unit}' in '{s}'; use ms, s, m or h")),
    };
    if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("time limit '{s}' must be between 0 and 24h"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Prints an input error (every diagnostic) and gives exit code 2.
pub fn report_input_error(e: &InputError) -> u8 {
    eprintln!("{e}");
    EXIT_BAD_INPUT
}

/// Writes `text` to `path` atomically, or to stdout when `path` is None.
///
/// The text goes to a temporary file created exclusively (random name,
/// `O_EXCL`, never through a link) in the target's folder, which is then
/// renamed over the target: a failed run leaves the old file whole. An
/// existing target keeps its permissions (a 0600 file stays 0600); a target
/// that is a symbolic link is followed, so the file it points to is
/// replaced and the link kept.
pub fn write_output(path: Option<&Path>, text: &str) -> std::io::Result<()> {
    // The watchdog never ends the process in the middle of a write.
    let _writing = super::watchdog::Writing::start();
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
        // A device or pipe (`-o /dev/null`, `-o /dev/stdout`) is written in
        // place: renaming a temporary file over it would replace the device
        // with a regular file.
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
            let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
            f.write_all(text.as_bytes())?;
            f.flush()
        }
        Some(path) => {
            let target = resolve_links(path)?;
            let dir = target
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut builder = tempfile::Builder::new();
            builder.prefix(".windowplan-").suffix(".tmp");
            // A new file gets the usual 0666 less the umask (not the 0600 of
            // a temporary file).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
            let mut tmp = builder.tempfile_in(dir)?;
            if let Ok(meta) = std::fs::metadata(&target) {
                tmp.as_file().set_permissions(meta.permissions())?;
            }
            tmp.write_all(text.as_bytes())?;
            tmp.as_file().sync_all()?;
            // On failure the temporary file is removed when `tmp` drops.
            tmp.persist(&target).map_err(|e| e.error)?;
            Ok(())
        }
    }
}

/// The file `path` stands for: a symbolic link is followed (as many links
/// in a row as the system allows) to the path it names, which need not
/// exist yet; any other path is itself.
fn resolve_links(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other(format!(
        "too many symbolic links from {}",
        path.display()
    )))
}

/// [`write_output`], or say why not (exit code 2). A reader that closed
/// its end early (`| head`) is no error: the run stops quietly, as other
/// Unix tools do.
pub fn write_or_fail(path: Option<&Path>, text: &str) -> u8 {
    match write_output(path, text) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let target = path
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "stdout".into());
            let d = windowplan::error::Diagnostic::new(
                "E008",
                "",
                format!("cannot write {target}: {e}"),
                "check the folder exists and is writable; nothing was written (an existing file is left as it was)",
            );
            eprintln!("{d}");
            EXIT_BAD_INPUT
        }
    }
}

/// Runs a solve with `opts` and prints the notes the solver gave on what its
/// result means (a one-thread run the wall clock ended).
pub fn with_notes<R>(opts: &SolveOptions, solve: impl FnOnce(&SolveOptions) -> R) -> R {
    let relay = std::sync::Arc::new(windowplan::progress::Relay::new(opts.progress.clone()));
    let r = solve(&SolveOptions {
        progress: Some(relay.clone()),
        ..opts.clone()
    });
    for note in relay.take_notes() {
        eprintln!("note: {note}");
    }
    r
}

/// `opts` stopped by Ctrl-C too: the search returns its best so far.
pub fn interruptible(opts: &SolveOptions) -> SolveOptions {
    SolveOptions {
        stop: Some(windowplan::interrupt::flag()),
        ..opts.clone()
    }
}

/// How many times `--time-limit` an analysis (`explain`, `availability`)
/// may spend from the end of loading: its plan, then re-plans sharing the
/// rest (DESIGN.md, "Limits").
pub const ANALYSIS_LIMITS: u32 = 3;

/// The budget of an analysis that plans, then re-plans changed inventories
/// sharing the time: [`ANALYSIS_LIMITS`] times `--time-limit` from now,
/// stopped by Ctrl-C. The analysis stops starting re-plans when it runs
/// out and says what it left out. The watchdog is set a limit later, as
/// the backstop for a stage that cannot be cut short.
pub fn analysis_budget(
    command: &'static str,
    inv: &Inventory,
    opts: &SolveOptions,
) -> windowplan::analysis::budget::Budget {
    let limit = opts.time_limit.saturating_mul(ANALYSIS_LIMITS);
    let backstop = windowplan::pipeline::solve_budget(inv, opts.time_limit);
    super::watchdog::budget(command, limit.saturating_add(backstop));
    windowplan::analysis::budget::Budget::within(limit)
        .with_stop(Some(windowplan::interrupt::flag()))
}

/// Tells the user, when Ctrl-C stopped the search, that what follows is the
/// best plan found so far (not the result of the full time limit).
pub fn note_interrupt(found: bool) {
    // Without a plan, [`no_plan`] says that the run was interrupted.
    if found && windowplan::interrupt::requested() {
        eprintln!("interrupted: writing the best plan found so far");
    }
}

/// Reads a saved plan for `inv` and checks it; on failure prints why and
/// gives the exit code (2 unreadable, 1 breaks a rule). `purpose` finishes
/// the sentence "fix it (or re-plan) before …".
pub fn read_checked_plan(
    inv: &windowplan::inventory::Inventory,
    plan_path: &Path,
    limits: &Limits,
    purpose: &str,
) -> Result<(Vec<windowplan::model::Time>, windowplan::plan::SavedFigures), u8> {
    let (starts, saved, text) = read_plan_file(inv, plan_path, limits)?;
    let violations = plan_violations(inv, &starts, &text);
    if !violations.is_empty() {
        eprint!("{}", windowplan::report::violations(&violations));
        eprintln!("the plan breaks the rules above, or states what its times contradict; fix it (or re-plan) before {purpose}");
        return Err(EXIT_NO_PLAN);
    }
    Ok((starts, saved))
}

/// A saved plan checked as `check` does: the inventory, the plan's start
/// times, and every rule it breaks and every figure it states wrongly
/// (ends, systems, teams, length, downtime, status against bound).
pub fn load_and_check_plan(
    inv_path: &Path,
    plan_path: &Path,
    limits: &Limits,
) -> Result<
    (
        windowplan::inventory::Inventory,
        Vec<windowplan::model::Time>,
        Vec<windowplan::check::Violation>,
    ),
    u8,
> {
    let inv = load(inv_path, limits)?;
    let (starts, _, text) = read_plan_file(&inv, plan_path, limits)?;
    let violations = plan_violations(&inv, &starts, &text);
    Ok((inv, starts, violations))
}

/// Every rule a saved plan breaks and every figure its `text` states
/// wrongly: what `check` verifies.
fn plan_violations(
    inv: &windowplan::inventory::Inventory,
    starts: &[windowplan::model::Time],
    text: &str,
) -> Vec<windowplan::check::Violation> {
    let mut violations = windowplan::check::check(inv, starts);
    violations.extend(windowplan::check::claims::check_claims(inv, starts, text));
    violations
}

/// Reads a saved plan's start times for `inv` (ours or hand-edited), the
/// figures it states, and its text, within the file-size limit; on failure
/// prints why and gives exit code 2.
pub fn read_plan_file(
    inv: &windowplan::inventory::Inventory,
    plan_path: &Path,
    limits: &Limits,
) -> Result<
    (
        Vec<windowplan::model::Time>,
        windowplan::plan::SavedFigures,
        String,
    ),
    u8,
> {
    let text = windowplan::inventory::read_text_limited(plan_path, limits.max_file_bytes, "plan")
        .map_err(|mut d| {
        if d.code == "E001" {
            d.hint = "give the path of a plan written by `windowplan plan --format json`".into();
        }
        report_input_error(&InputError::one(plan_path.display().to_string(), d))
    })?;
    let starts = windowplan::plan::read_plan_starts(&text, inv).map_err(|mut e| {
        e.source = plan_path.display().to_string();
        report_input_error(&e)
    })?;
    let saved = windowplan::plan::read_saved_figures(&text);
    Ok((starts, saved, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ctrl-C before any plan is found is said as such, not as a time
    /// limit too short (#21 item 11).
    #[test]
    fn an_interrupted_search_says_it_was_interrupted() {
        let limit = Duration::from_secs(120);
        let said = no_plan_message("plan", false, "no schedule found", limit, true);
        assert!(
            said.starts_with("interrupted (Ctrl-C) before any plan was found"),
            "{said}"
        );
        assert!(!said.contains("try a longer --time-limit"), "{said}");
        let said = no_plan_message("plan", false, "no schedule found", limit, false);
        assert!(said.contains("try a longer --time-limit"), "{said}");
        // A proof stands, interrupted or not.
        let said = no_plan_message(
            "plan",
            true,
            "two tasks need more than the deadline",
            limit,
            true,
        );
        assert!(said.starts_with("no feasible plan:"), "{said}");
    }

    #[test]
    fn time_limits_parse() {
        assert_eq!(parse_time_limit("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(
            parse_time_limit("500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(parse_time_limit("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_time_limit("3").unwrap(), Duration::from_secs(3));
        assert!(parse_time_limit("soon").is_err());
        assert!(parse_time_limit("5y").is_err());
        assert!(parse_time_limit("-1s").is_err());
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plan.json");
        write_output(Some(&p), "first").unwrap();
        write_output(Some(&p), "second").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place() {
        write_output(Some(Path::new("/dev/null")), "x").unwrap();
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(!m.is_file(), "/dev/null must stay a device");
    }

    #[cfg(unix)]
    #[test]
    fn output_keeps_its_mode_and_follows_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A private file stays private.
        let p = dir.path().join("plan.json");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_output(Some(&p), "new").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        // `-o link` writes the link's target and keeps the link.
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("plan.json", &link).unwrap();
        write_output(Some(&link), "through the link").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "through the link");
        // A planted link at the old predictable temporary name is never
        // opened: the file it points to is untouched.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let planted = dir
            .path()
            .join(format!(".out.json.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_output(Some(&dir.path().join("out.json")), "plan").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        // A new file is not left at the temporary file's 0600.
        let fresh = std::fs::metadata(dir.path().join("out.json")).unwrap();
        assert_ne!(fresh.permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn unwritable_output_is_bad_input() {
        assert_eq!(
            write_or_fail(Some(Path::new("/nonexistent-dir/x/plan.json")), "x"),
            EXIT_BAD_INPUT
        );
    }
}
