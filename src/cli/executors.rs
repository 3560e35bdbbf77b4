//! `windowplan export INVENTORY --plan PLAN --format ansible|cau|argo -o OUT`:
//! a saved plan, checked first by the independent checker, handed to the
//! tool that runs the night (see `windowplan::report::executors`).

use super::common::*;
use std::path::Path;
use windowplan::report::executors::{self, Export, Refused};

/// The executors `export` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Executor {
    /// A directory: playbook.yml, inventory.yml, waves.txt, changes/*.yml.
    Ansible,
    /// One PowerShell file of `Invoke-CauRun` commands.
    Cau,
    /// One Argo Workflows `Workflow` YAML file.
    Argo,
}

impl Executor {
    /// The name given to `--format`.
    fn name(self) -> &'static str {
        match self {
            Executor::Ansible => "ansible",
            Executor::Cau => "cau",
            Executor::Argo => "argo",
        }
    }
}

/// Checks the plan, builds the export and writes it to `out`; gives the
/// exit code (1 when the plan breaks a rule or the tool cannot run it).
pub fn run(
    executor: Executor,
    wave_slack: i64,
    inv_path: &Path,
    plan_path: Option<&Path>,
    out: Option<&Path>,
    limits: &windowplan::inventory::Limits,
) -> u8 {
    let Some(plan_path) = plan_path else {
        eprintln!("error: --format {} exports a saved plan: give --plan PLAN (written by `windowplan plan --format json -o PLAN`)", executor.name());
        return EXIT_BAD_INPUT;
    };
    let Some(out) = out else {
        return needs_output(executor);
    };
    // Checked as `check` does: the rules, and every figure the file states.
    let (inv, starts, violations) = match load_and_check_plan(inv_path, plan_path, limits) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    if !violations.is_empty() {
        eprint!("{}", windowplan::report::violations(&violations));
        eprintln!("{}: the plan breaks the rules above: nothing exported (re-plan with `windowplan plan`)", plan_path.display());
        return EXIT_NO_PLAN;
    }
    export_checked(executor, wave_slack, &inv, &starts, out)
}

/// Says that `--format` of an executor needs `-o OUT`; the exit code.
pub fn needs_output(executor: Executor) -> u8 {
    eprintln!("error: --format {} writes files: give -o OUT (a directory for ansible, a file for cau and argo)", executor.name());
    EXIT_BAD_INPUT
}

/// Builds the export of a plan already checked (`starts`, one per task of
/// `inv`) and writes it to `out`; gives the exit code (1 when the tool
/// cannot run it).
pub fn export_checked(
    executor: Executor,
    wave_slack: i64,
    inv: &windowplan::inventory::Inventory,
    starts: &[windowplan::model::Time],
    out: &Path,
) -> u8 {
    let result = match executor {
        Executor::Ansible => executors::ansible::export(inv, starts, wave_slack),
        Executor::Cau => executors::cau::export(inv, starts),
        Executor::Argo => executors::argo::export(inv, starts),
    };
    match result {
        Ok(export) => write_export(executor, &export, out),
        Err(Refused { reason, violations }) => {
            eprint!("{}", windowplan::report::violations(&violations));
            eprintln!(
                "cannot export for {}: {reason}; nothing written",
                executor.name()
            );
            EXIT_NO_PLAN
        }
    }
}

/// Writes the files (each atomically; a file the user fills in is kept when
/// there) and says the summary on stderr.
fn write_export(executor: Executor, export: &Export, out: &Path) -> u8 {
    if executor == Executor::Ansible {
        if out.exists() && !out.is_dir() {
            eprintln!("error: -o {}: --format ansible writes a directory, and this is a file; give a directory path", out.display());
            return EXIT_BAD_INPUT;
        }
        if let Err(e) = std::fs::create_dir_all(out.join("changes")) {
            eprintln!(
                "error: cannot create {}: {e}; check the folder is writable",
                out.display()
            );
            return EXIT_BAD_INPUT;
        }
    }
    let mut kept = Vec::new();
    for f in &export.files {
        let path = if f.path.is_empty() {
            out.to_path_buf()
        } else {
            out.join(&f.path)
        };
        if f.keep_existing && path.exists() {
            kept.push(f.path.clone());
            continue;
        }
        let code = write_or_fail(Some(&path), &f.text);
        if code != EXIT_OK {
            return code;
        }
    }
    eprint!("{}", export.summary);
    if !kept.is_empty() {
        let shown = kept.len().min(5);
        let more = if kept.len() > shown {
            format!(" and {} more", kept.len() - shown)
        } else {
            String::new()
        };
        eprintln!(
            "kept as they were (your automation): {}{more}",
            kept[..shown].join(", ")
        );
    }
    eprintln!("wrote {}", out.display());
    EXIT_OK
}
