//! `windowplan import`: an inventory from a ServiceNow CMDB export or a
//! Backstage catalogue, with a `FILL-IN` for each thing the source cannot
//! say; `--merge` keeps what was filled in and says what changed.

use super::common::*;
use std::path::PathBuf;
use windowplan::import::{self, estate::WriteOptions};

/// Write an inventory from what the CMDB or the catalogue already says.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    source: Source,
}

/// Where the estate is read from.
#[derive(clap::Subcommand, Debug)]
enum Source {
    /// ServiceNow table exports (CSV with a header row, or JSON `{"records": [...]}`).
    Servicenow(ServiceNow),
    /// Backstage catalog-info.yaml files (several documents each).
    Backstage(Backstage),
}

/// Options every import shares.
#[derive(clap::Args, Debug)]
struct Common {
    /// The inventory filled in after an earlier import: what you wrote is kept.
    #[arg(long)]
    merge: Option<PathBuf>,
    /// The window's IANA timezone (else left to fill in).
    #[arg(long)]
    timezone: Option<String>,
    /// The window's local start, e.g. 2026-12-05T22:00 (else left to fill in).
    #[arg(long)]
    start: Option<String>,
    /// The inventory to write (YAML).
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(clap::Args, Debug)]
struct ServiceNow {
    /// CI table exports: cmdb_ci, or class tables such as cmdb_ci_server.
    #[arg(long, num_args = 1.., required = true)]
    ci: Vec<PathBuf>,
    /// The cmdb_rel_ci export (parent, child, type).
    #[arg(long)]
    rel: PathBuf,
    /// The cmdb_ci_service export (business services).
    #[arg(long)]
    services: Option<PathBuf>,
    /// Blackout schedules (cmn_schedule_blackout) and their entries.
    #[arg(long, num_args = 1..)]
    schedules: Vec<PathBuf>,
    /// Column of the CI export that holds the zone.
    #[arg(long, default_value = "u_zone")]
    zone_field: String,
    /// Column of the CI export that holds the site.
    #[arg(long, default_value = "location")]
    site_field: String,
    /// Column of the CI export that holds the team that changes the CI.
    #[arg(long, default_value = "support_group")]
    team_field: String,
    /// "Depends on" between applications gives async integrations (default: sync).
    #[arg(long)]
    async_integrations: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args, Debug)]
struct Backstage {
    /// catalog-info.yaml files.
    #[arg(required = true)]
    catalog: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
}

fn fail(d: &windowplan::error::Diagnostic) -> u8 {
    eprintln!("{d}");
    EXIT_BAD_INPUT
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let output = match &self.source {
            Source::Servicenow(a) => &a.common.output,
            Source::Backstage(a) => &a.common.output,
        };
        if !output
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            eprintln!(
                "error: -o {}: the import writes YAML (with its gaps listed in comments): name the file .yaml",
                output.display()
            );
            return EXIT_BAD_INPUT;
        }
        let (estate, report, common, what) = match self.source {
            Source::Servicenow(a) => {
                let read_all =
                    |paths: &[PathBuf]| -> Result<Vec<_>, windowplan::error::Diagnostic> {
                        let mut rows = Vec::new();
                        for p in paths {
                            rows.extend(import::table::read(p)?);
                        }
                        Ok(rows)
                    };
                let read_cis = || -> Result<Vec<_>, windowplan::error::Diagnostic> {
                    let mut rows = Vec::new();
                    for p in &a.ci {
                        let mut r = import::table::read(p)?;
                        import::servicenow::class_from_file(&mut r, p);
                        rows.extend(r);
                    }
                    Ok(rows)
                };
                let exports = (|| {
                    Ok::<_, windowplan::error::Diagnostic>(import::servicenow::Exports {
                        cis: read_cis()?,
                        relations: read_all(std::slice::from_ref(&a.rel))?,
                        services: read_all(a.services.as_slice())?,
                        schedules: read_all(&a.schedules)?,
                    })
                })();
                let exports = match exports {
                    Ok(e) => e,
                    Err(d) => return fail(&d),
                };
                let opts = import::servicenow::Options {
                    zone_field: a.zone_field.to_lowercase(),
                    site_field: a.site_field.to_lowercase(),
                    team_field: a.team_field.to_lowercase(),
                    async_integrations: a.async_integrations,
                };
                match import::servicenow::import(&exports, &opts) {
                    Ok((e, r)) => (e, r, a.common, "servicenow"),
                    Err(ds) => {
                        for d in &ds {
                            eprintln!("{d}");
                        }
                        return EXIT_BAD_INPUT;
                    }
                }
            }
            Source::Backstage(a) => match import::backstage::import(&a.catalog) {
                Ok((e, r)) => (e, r, a.common, "backstage"),
                Err(d) => return fail(&d),
            },
        };
        let opts = WriteOptions {
            timezone: common.timezone.clone(),
            start: common.start.clone(),
        };
        let done = match import::finish(&estate, report, what, &opts, common.merge.as_deref()) {
            Ok(d) => d,
            Err(d) => return fail(&d),
        };
        let code = write_or_fail(Some(&common.output), &done.yaml);
        if code != EXIT_OK {
            return code;
        }
        for line in &done.report {
            eprintln!("import: {line}");
        }
        for line in &done.changes {
            eprintln!("merge: {line}");
        }
        eprintln!(
            "{}: {} systems, {} clusters, {} services, {} integrations, {} blackouts; {} gaps to fill in{}",
            common.output.display(),
            estate.systems.len(),
            estate.clusters.len(),
            estate.services.len(),
            estate.integrations.len(),
            estate.blackouts.len(),
            done.gaps.len(),
            if done.gaps.is_empty() {
                String::new()
            } else {
                format!(" (`windowplan validate {}` lists them)", common.output.display())
            }
        );
        EXIT_OK
    }
}
