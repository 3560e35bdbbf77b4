//! The checker's own reading of the format 1.2 schema-change rules (rule
//! `schema_change`), re-derived from [`Inventory::schema_changes`] and the
//! tasks' systems, not from the `after` entries the expansion wrote: the
//! expand ends before every member of the deploy starts; the backfill
//! starts after every deploy member and every task on a writer has ended;
//! the cutover starts after the backfill and is an outage of the database
//! (so the downtime accounting counts it); the contract starts after the
//! backfill and the cutover, and is not in a window that also runs the
//! deploy unless `same_window` is true. A step that is not a task of the
//! inventory (a re-plan of the night that dropped it) is not checked.

use super::Ctx;
use crate::base::{fmt_minutes, Interval};
use crate::inventory::{SchemaChange, SchemaStep};

/// Checks every schema change of the inventory.
pub(super) fn check_schema_changes(ctx: &mut Ctx) {
    if ctx.inv.schema_changes.is_empty() {
        return;
    }
    let index = ctx.inv.task_ids();
    for sc in &ctx.inv.schema_changes {
        let step = |s: SchemaStep| index.get(sc.step_id(s).as_str()).copied();
        let (expand, backfill, cutover, contract) = (
            step(SchemaStep::Expand),
            step(SchemaStep::Backfill),
            step(SchemaStep::Cutover),
            step(SchemaStep::Contract),
        );
        let deploy: Vec<usize> = (0..ctx.inv.tasks.len())
            .filter(|&t| ctx.task(t).parent == sc.deploy)
            .collect();
        if let Some(e) = expand {
            for &d in &deploy {
                before(ctx, sc, e, d, "the new code needs the expanded schema");
            }
        }
        if let Some(b) = backfill {
            for &d in &deploy {
                before(
                    ctx,
                    sc,
                    d,
                    b,
                    "the backfill copies old data once every app member writes both shapes",
                );
            }
            for w in writer_tasks(ctx, sc) {
                before(
                    ctx,
                    sc,
                    w,
                    b,
                    "the backfill waits for every writer to run the new code",
                );
            }
            for later in [cutover, contract].into_iter().flatten() {
                before(ctx, sc, b, later, "the old data must be copied first");
            }
        }
        if let (Some(c), Some(k)) = (cutover, contract) {
            before(
                ctx,
                sc,
                c,
                k,
                "the old shape is dropped only after the swap",
            );
        }
        if let Some(c) = cutover {
            let t = ctx.task(c);
            if !(t.outage && t.systems.contains(&sc.database)) {
                let msg = format!(
                    "schema change {}: its cutover {} is not an outage of the database {}: the blocking swap must count as downtime of the services that require it",
                    sc.id, t.id, ctx.inv.systems[sc.database].id
                );
                ctx.push("schema_change", &[c], None, msg);
            }
        }
        if let Some(k) = contract {
            if !sc.same_window && !deploy.is_empty() {
                let msg = format!(
                    "schema change {}: its contract {} runs in the same window as the deploy {}, but `same_window` is false: the release's rollback needs the old shape until a later window",
                    sc.id,
                    ctx.task(k).id,
                    sc.deploy
                );
                let mut tasks = vec![k];
                tasks.extend(&deploy);
                ctx.push("schema_change", &tasks, None, msg);
            }
        }
    }
}

/// Every task that runs on a writer of `sc`, other than its own steps and
/// its deploy (checked on their own).
fn writer_tasks(ctx: &Ctx, sc: &SchemaChange) -> Vec<usize> {
    if sc.writers.is_empty() {
        return Vec::new();
    }
    let own = format!("{}.", sc.id);
    super::tasks_on_any(&ctx.by_system, &sc.writers)
        .into_iter()
        .filter(|&t| {
            let task = ctx.task(t);
            task.parent != sc.deploy && !task.id.starts_with(&own)
        })
        .collect()
}

/// A violation unless `first` ends by the time `then` starts.
fn before(ctx: &mut Ctx, sc: &SchemaChange, first: usize, then: usize, why: &str) {
    let (end, start) = (ctx.end(first), ctx.starts[then]);
    if start < end {
        let msg = format!(
            "schema change {}: {} starts at {}, {} before {} ends at {} ({why})",
            sc.id,
            ctx.task(then).id,
            ctx.at(start),
            fmt_minutes(end - start),
            ctx.task(first).id,
            ctx.at(end)
        );
        ctx.push(
            "schema_change",
            &[first, then],
            Some(Interval::new(start, end)),
            msg,
        );
    }
}
