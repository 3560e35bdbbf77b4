//! Writing a plan's report: a Markdown CAB pack (of one window, or of one
//! window of a campaign) with its Gantt chart beside it, any other format
//! as it renders.

use super::common::*;
use std::path::Path;
use windowplan::report::markdown::PackOf;
use windowplan::report::Format;

/// The name of the Gantt chart written beside a Markdown pack: the pack's
/// file name with `.md` (or its last extension) replaced by `.gantt.svg`
/// (`pack.md` -> `pack.gantt.svg`), so two packs written into one folder
/// keep one chart each.
pub fn pack_chart_name(pack: &Path) -> String {
    let stem = pack
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "pack".into());
    format!("{stem}.gantt.svg")
}

/// Renders and writes a plan; a Markdown pack with [`write_pack`].
pub fn write_plan(
    inv: &windowplan::inventory::Inventory,
    plan: &windowplan::plan::Plan,
    format: Format,
    output: Option<&Path>,
) -> u8 {
    if format != Format::Md {
        return write_or_fail(output, &windowplan::report::render(inv, plan, format));
    }
    write_pack(inv, plan, output, PackOf::Window)
}

/// Writes the Markdown pack of `of`. A pack written to a file gets
/// its Gantt chart written beside it first (atomically, named after the
/// pack: [`pack_chart_name`]), so the link in the pack never points at
/// nothing; on stdout the pack says how to get the chart instead.
pub fn write_pack(
    inv: &windowplan::inventory::Inventory,
    plan: &windowplan::plan::Plan,
    output: Option<&Path>,
    of: PackOf,
) -> u8 {
    let pack = |critical: &[String], chart: Option<&str>| {
        windowplan::report::markdown::render_pack(inv, plan, critical, chart, of)
    };
    // One critical chain for the chart and the pack.
    let critical = windowplan::report::critical_chain_ids(inv, plan);
    // Only beside a regular file: not beside a device such as /dev/stdout.
    let chart = output
        .filter(|p| std::fs::metadata(p).map_or(true, |m| m.is_file()))
        .map(|p| {
            let name = pack_chart_name(p);
            let path = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(&name);
            (path, name)
        });
    let Some((path, name)) = chart else {
        return write_or_fail(output, &pack(&critical, None));
    };
    let code = write_or_fail(
        Some(&path),
        &windowplan::report::gantt::render(inv, plan, &critical),
    );
    if code != EXIT_OK {
        return code;
    }
    write_or_fail(output, &pack(&critical, Some(&name)))
}
