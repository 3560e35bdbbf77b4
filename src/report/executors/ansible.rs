//! `export --format ansible`: a directory with a playbook whose plays follow
//! the plan's order and an inventory of the generated host groups.
//!
//! Each activity runs on a *lane*: its first system as an Ansible host (a
//! coordination task runs on the control node); when the plan runs two
//! activities of one system at once, the second runs on an alias of that
//! host (`web-1__2`, same `ansible_host`). A play is a *wave*: activities
//! that may start together, `strategy: free` (each host runs its own
//! activities, in the plan's order, without waiting for the others) and
//! `max_fail_percentage: 0` (a failure stops the night); the next play
//! starts when the slowest host of the wave is done. Consecutive waves that
//! each update other members of one cluster become one play with `serial`
//! (the cluster rolls batch by batch). An order of the plan between two
//! hosts of one wave, and a lag, is held by the clock: the later activity
//! waits until its planned start (`wait_for` with a timeout computed from
//! the planned time). Waves are cut where the plan has no activity running,
//! and also where a cut keeps every rule in the replay (see
//! [`super::order`]); the summary says what waves cost against the plan.

use super::order::{settle_gates, NightOrder};
use super::{length_line, runbook_lines, slug, yaml_str, Export, ExportFile, Refused};
use crate::base::{fmt_minutes, Time};
use crate::inventory::Inventory;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

/// Most cut trials (each replays the night and runs the checker).
const MAX_CUT_TRIALS: usize = 100;
/// Above this many tasks only the free cuts (no activity running) are made.
const MAX_TRIAL_TASKS: usize = 2_000;
/// Name of the control node's host (coordination tasks).
const CONTROL: &str = "windowplan-control";

/// The waves and lanes of a night.
struct Night<'a> {
    inv: &'a Inventory,
    starts: &'a [Time],
    order: NightOrder,
    /// Lane (host alias) of each task.
    lane: Vec<usize>,
    /// Lane names and the host each stands for (`None`: the control node).
    lanes: Vec<(String, Option<String>)>,
}

impl<'a> Night<'a> {
    fn new(inv: &'a Inventory, starts: &'a [Time]) -> Self {
        let order = NightOrder::of(inv, starts);
        let mut lane = vec![0; inv.tasks.len()];
        let mut lanes: Vec<(String, Option<String>)> = Vec::new();
        // Per host, the end of each of its lanes (lane indices).
        let mut per_host: BTreeMap<String, Vec<(usize, Time)>> = BTreeMap::new();
        for &t in &order.topo {
            let task = &inv.tasks[t];
            let host = task.systems.first().map(|&s| inv.systems[s].id.clone());
            let key = host.clone().unwrap_or_else(|| CONTROL.to_string());
            let mine = per_host.entry(key.clone()).or_default();
            let end = starts[t] + task.duration;
            if let Some(slot) = mine.iter_mut().find(|(_, e)| *e <= starts[t]) {
                slot.1 = end;
                lane[t] = slot.0;
            } else {
                let name = if mine.is_empty() {
                    key.clone()
                } else {
                    format!("{key}__{}", mine.len() + 1)
                };
                lanes.push((name, host));
                mine.push((lanes.len() - 1, end));
                lane[t] = lanes.len() - 1;
            }
        }
        Night {
            inv,
            starts,
            order,
            lane,
            lanes,
        }
    }

    fn end(&self, t: usize) -> Time {
        self.starts[t] + self.inv.tasks[t].duration
    }

    /// The wave of each task for these cut minutes (sorted).
    fn waves(&self, cuts: &[Time]) -> Vec<usize> {
        self.starts
            .iter()
            .map(|&s| cuts.partition_point(|&c| c <= s))
            .collect()
    }

    /// The tasks an edge needs held by the clock under these waves.
    fn required_gates(&self, wave: &[usize]) -> Vec<bool> {
        let mut g = vec![false; self.starts.len()];
        for e in &self.order.edges {
            if e.lag > 0 || (wave[e.from] == wave[e.to] && self.lane[e.from] != self.lane[e.to]) {
                g[e.to] = true;
            }
        }
        g
    }

    /// Waves in sequence, each lane's activities back to back from the
    /// wave's start; a gated one not before its planned start, nor before
    /// the wave's start plus its planned offset in the wave (so orders held
    /// by the clock inside a wave hold when an earlier wave ran late).
    fn replay(&self, wave: &[usize], gated: &[bool]) -> Vec<Time> {
        let waves = wave.iter().copied().max().map_or(0, |w| w + 1);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); waves];
        for &t in &self.order.topo {
            members[wave[t]].push(t);
        }
        let mut at = vec![0; self.starts.len()];
        let mut w_start = 0;
        for tasks in &members {
            let mut lane_end: BTreeMap<usize, Time> = BTreeMap::new();
            let mut w_end = w_start;
            let planned_start = tasks.iter().map(|&t| self.starts[t]).min().unwrap_or(0);
            for &t in tasks {
                let mut s = lane_end.get(&self.lane[t]).copied().unwrap_or(w_start);
                if gated[t] {
                    let offset = self.starts[t] - planned_start;
                    s = s.max(self.starts[t]).max(w_start + offset);
                }
                at[t] = s;
                let e = s + self.inv.tasks[t].duration;
                lane_end.insert(self.lane[t], e);
                w_end = w_end.max(e);
            }
            w_start = w_end;
        }
        at
    }

    /// Gates and replay for these cuts, when the replay can keep every rule.
    fn evaluate(&self, cuts: &[Time]) -> Option<(Vec<bool>, Vec<Time>)> {
        let wave = self.waves(cuts);
        settle_gates(self.inv, self.required_gates(&wave), &|g| {
            self.replay(&wave, g)
        })
        .ok()
    }

    /// The cut minutes: every minute at which no activity is running, then
    /// each plan start that separates two hosts' ordered activities when the
    /// replay still keeps every rule with it and ends by `longest`.
    fn cuts(&self, longest: Time) -> Vec<Time> {
        let mut by_start: Vec<usize> = (0..self.starts.len()).collect();
        by_start.sort_by_key(|&t| self.starts[t]);
        let mut cuts = Vec::new();
        let mut latest_end = Time::MIN;
        let mut candidates = Vec::new();
        for &t in &by_start {
            let s = self.starts[t];
            if latest_end != Time::MIN && latest_end <= s && cuts.last() != Some(&s) {
                cuts.push(s);
            } else if latest_end != Time::MIN && candidates.last() != Some(&s) {
                candidates.push(s);
            }
            latest_end = latest_end.max(self.end(t));
        }
        candidates.retain(|c| !cuts.contains(c));
        if self.starts.len() > MAX_TRIAL_TASKS {
            return cuts;
        }
        let mut trials = 0;
        for c in candidates {
            if trials >= MAX_CUT_TRIALS {
                break;
            }
            let wave = self.waves(&cuts);
            let splits = self.order.edges.iter().any(|e| {
                wave[e.from] == wave[e.to]
                    && self.lane[e.from] != self.lane[e.to]
                    && self.starts[e.from] < c
                    && c <= self.starts[e.to]
            });
            if !splits {
                continue;
            }
            trials += 1;
            let mut with = cuts.clone();
            with.push(c);
            with.sort_unstable();
            let fits = self
                .evaluate(&with)
                .is_some_and(|(_, at)| crate::plan::length(self.inv, &at) <= longest);
            if fits {
                cuts = with;
            }
        }
        cuts
    }
}

/// One play: the waves it holds (one, or several rolling one cluster).
struct Play {
    waves: Vec<usize>,
    tasks: Vec<usize>,
    serial: Option<(usize, Vec<usize>)>,
}

/// Groups waves into plays: consecutive waves that each hold only tasks of
/// distinct members of one cluster, each member once, become one play
/// with `serial` (cluster index, batch sizes).
fn plays(night: &Night, wave: &[usize]) -> Vec<Play> {
    let inv = night.inv;
    let count = wave.iter().copied().max().map_or(0, |w| w + 1);
    let mut per_wave: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &t in &night.order.topo {
        per_wave[wave[t]].push(t);
    }
    // The cluster a wave rolls, when it holds only member tasks of one
    // cluster, one lane per member, lane = the member host.
    let rolls = |tasks: &[usize]| -> Option<(usize, Vec<usize>)> {
        let first = tasks.first()?;
        let sys = *inv.tasks[*first].systems.first()?;
        let c = inv.clusters.iter().position(|c| c.members.contains(&sys))?;
        let mut members: Vec<usize> = Vec::new();
        for &t in tasks {
            let task = &inv.tasks[t];
            let s = *task.systems.first()?;
            if task.member.is_none()
                || !inv.clusters[c].members.contains(&s)
                || night.lanes[night.lane[t]].0 != inv.systems[s].id
            {
                return None;
            }
            if !members.contains(&s) {
                members.push(s);
            }
        }
        Some((c, members))
    };
    let mut out: Vec<Play> = Vec::new();
    let mut open: Option<(usize, HashSet<usize>)> = None;
    for (w, tasks) in per_wave.into_iter().enumerate() {
        if tasks.is_empty() {
            continue;
        }
        let roll = rolls(&tasks);
        if let (Some((c, members)), Some((oc, seen)), Some(last)) =
            (&roll, &mut open, out.last_mut())
        {
            if c == oc && members.iter().all(|m| !seen.contains(m)) {
                seen.extend(members.iter().copied());
                last.waves.push(w);
                last.tasks.extend(&tasks);
                if let Some((_, sizes)) = &mut last.serial {
                    sizes.push(members.len());
                }
                continue;
            }
        }
        open = roll
            .as_ref()
            .map(|(c, m)| (*c, m.iter().copied().collect()));
        out.push(Play {
            waves: vec![w],
            tasks,
            serial: roll.map(|(c, m)| (c, vec![m.len()])),
        });
    }
    for p in &mut out {
        if p.waves.len() < 2 {
            p.serial = None;
        }
    }
    out
}

/// The playbook directory for the checked plan `starts`. `slack`: the
/// minutes the waves may add to the night's length (a wave waits for its
/// slowest host; more waves hold more of the order by completion rather
/// than by the clock).
pub fn export(inv: &Inventory, starts: &[Time], slack: Time) -> Result<Export, Refused> {
    let night = Night::new(inv, starts);
    let cuts = night.cuts(crate::plan::length(inv, starts) + slack.max(0));
    let wave = night.waves(&cuts);
    let (gated, replay) = night.evaluate(&cuts).ok_or_else(|| Refused {
        reason: "the plan's waves replayed with its durations break a rule".into(),
        violations: crate::check::check(inv, &night.replay(&wave, &vec![true; starts.len()])),
    })?;
    let plays = plays(&night, &wave);
    let mut taken = HashSet::new();
    let change_files: BTreeMap<&str, String> = inv
        .tasks
        .iter()
        .map(|t| (t.parent.as_str(), ()))
        .collect::<BTreeMap<_, _>>()
        .into_keys()
        .map(|p| (p, format!("changes/{}.yml", slug(p, 60, &mut taken))))
        .collect();
    let mut book = playbook_header(inv, starts);
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut summary = length_line(inv, starts, &replay, "the waves");
    for (k, play) in plays.iter().enumerate() {
        let group = format!("wave_{}", k + 1);
        let mut hosts: Vec<usize> = Vec::new();
        for &t in &play.tasks {
            if !hosts.contains(&night.lane[t]) {
                hosts.push(night.lane[t]);
            }
        }
        write_play(
            &mut book,
            &night,
            play,
            &group,
            k + 1,
            &wave,
            &gated,
            &change_files,
        );
        let _ = writeln!(
            summary,
            "{}",
            wave_line(&night, play, k + 1, &hosts, &replay)
        );
        groups.push((group, hosts));
    }
    let gates = gated
        .iter()
        .zip(starts)
        .filter(|(&g, &s)| g && s > 0)
        .count();
    let _ = writeln!(
        summary,
        "{} plays, {} hosts, {gates} activities held to their planned start",
        plays.len(),
        night.lanes.len()
    );
    let mut files = vec![
        ExportFile {
            path: "playbook.yml".into(),
            text: book,
            keep_existing: false,
        },
        ExportFile {
            path: "inventory.yml".into(),
            text: inventory_file(&night, &groups),
            keep_existing: false,
        },
        ExportFile {
            path: "waves.txt".into(),
            text: summary.clone(),
            keep_existing: false,
        },
    ];
    for (parent, path) in &change_files {
        files.push(ExportFile {
            path: path.clone(),
            text: change_file(inv, parent, path),
            keep_existing: true,
        });
    }
    Ok(Export {
        files,
        summary,
        replay,
    })
}

/// The epoch second `minute` minutes after the window start.
fn epoch(inv: &Inventory, minute: Time) -> i64 {
    inv.window.at(minute).timestamp().as_second()
}

/// Comments at the top of the playbook.
fn playbook_header(inv: &Inventory, starts: &[Time]) -> String {
    let title = inv.window.meta.title.as_deref();
    let mut s = super::header_comments(inv, starts, "Ansible playbook", title);
    s.push_str("# Run: ansible-playbook -i inventory.yml playbook.yml (waves.txt: what waves cost).\n# Each play is a wave; the next starts when the wave's slowest host is done.\n# Each change runs changes/<task>.yml: write its automation there (kept on re-export).\n");
    s
}

/// One play of the playbook.
#[allow(clippy::too_many_arguments)]
fn write_play(
    s: &mut String,
    night: &Night,
    play: &Play,
    group: &str,
    number: usize,
    wave: &[usize],
    gated: &[bool],
    change_files: &BTreeMap<&str, String>,
) {
    let inv = night.inv;
    let clock = |m: Time| crate::plan::clock(&inv.window, m);
    let first = play
        .tasks
        .iter()
        .map(|&t| night.starts[t])
        .min()
        .unwrap_or(0);
    let _ = writeln!(
        s,
        "\n- name: {}\n  hosts: {group}\n  gather_facts: false\n  strategy: free\n  max_fail_percentage: 0",
        yaml_str(&format!("Wave {number}: planned from {} ({} activities)", clock(first), play.tasks.len()))
    );
    if let Some((c, sizes)) = &play.serial {
        let sizes: Vec<String> = sizes.iter().map(|k| k.to_string()).collect();
        let _ = writeln!(
            s,
            "  # cluster {} rolls: one batch of members after the other, in the plan's order\n  order: inventory\n  serial: [{}]",
            inv.clusters[*c].id,
            sizes.join(", ")
        );
    }
    s.push_str("  tasks:\n    - name: \"the wave starts (gates count from here)\"\n      ansible.builtin.set_fact:\n        windowplan_wave_started: \"{{ now(utc=true).timestamp() | int }}\"\n");
    // Each wave of the play (a batch of a serial play) counts its gates'
    // offsets from its own planned start.
    let mut wave_start: BTreeMap<usize, Time> = BTreeMap::new();
    for &t in &play.tasks {
        let w = wave_start.entry(wave[t]).or_insert(night.starts[t]);
        *w = (*w).min(night.starts[t]);
    }
    for &t in &play.tasks {
        let task = &inv.tasks[t];
        let host = &night.lanes[night.lane[t]].0;
        let when = format!("inventory_hostname == {}", yaml_str(host).replace('"', "'"));
        let _ = writeln!(
            s,
            "    # {} on {host}: planned {}–{} ({})",
            task.id,
            clock(night.starts[t]),
            clock(night.end(t)),
            fmt_minutes(task.duration)
        );
        for line in runbook_lines(inv, task) {
            let _ = writeln!(s, "    #   {}", line.replace('\n', " "));
        }
        if gated[t] && night.starts[t] > 0 {
            let _ = writeln!(
                s,
                "    - name: {}\n      when: {}\n      ansible.builtin.wait_for:\n        timeout: \"{{{{ [[windowplan_not_before | int, windowplan_wave_started | int + windowplan_after_wave_start] | max - now(utc=true).timestamp() | int, 0] | max }}}}\"\n      vars:\n        windowplan_gate_for: {}\n        windowplan_not_before: {}\n        windowplan_after_wave_start: {}",
                yaml_str(&format!("wait until {} for {}", clock(night.starts[t]), task.id)),
                yaml_str(&when),
                yaml_str(&task.id),
                epoch(inv, night.starts[t]),
                60 * (night.starts[t] - wave_start[&wave[t]])
            );
        }
        let name = match &task.meta.title {
            Some(title) => format!("{}: {}", task.id, title.replace('\n', " ")),
            None => task.id.clone(),
        };
        let _ = writeln!(
            s,
            "    - name: {}\n      when: {}\n      ansible.builtin.include_tasks: {}\n      vars:\n        windowplan_task: {}\n        windowplan_step: {}\n        windowplan_member: {}\n        windowplan_planned_start: {}\n        windowplan_planned_minutes: {}",
            yaml_str(&name),
            yaml_str(&when),
            change_files.get(task.parent.as_str()).map(String::as_str).unwrap_or(""),
            yaml_str(&task.id),
            yaml_str(task.step.as_deref().unwrap_or("")),
            yaml_str(task.member.as_deref().unwrap_or("")),
            yaml_str(&crate::plan::rfc3339(&inv.window, night.starts[t])),
            task.duration
        );
    }
}

/// The summary line of a play: its span in the replay and its slowest host.
fn wave_line(
    night: &Night,
    play: &Play,
    number: usize,
    hosts: &[usize],
    replay: &[Time],
) -> String {
    let inv = night.inv;
    let clock = |m: Time| crate::plan::clock(&inv.window, m);
    let start = play.tasks.iter().map(|&t| replay[t]).min().unwrap_or(0);
    let plan_start = play
        .tasks
        .iter()
        .map(|&t| night.starts[t])
        .min()
        .unwrap_or(0);
    let mut lane_end: BTreeMap<usize, Time> = BTreeMap::new();
    for &t in &play.tasks {
        let e = replay[t] + inv.tasks[t].duration;
        let v = lane_end.entry(night.lane[t]).or_insert(e);
        *v = (*v).max(e);
    }
    let (slowest, end) = lane_end
        .iter()
        .max_by_key(|(l, e)| (**e, std::cmp::Reverse(**l)))
        .map(|(l, e)| (*l, *e))
        .unwrap_or((0, start));
    let idle: Time = lane_end.values().map(|e| end - e).sum();
    format!(
        "wave {number}: {}–{} (plan from {}), {} host(s), slowest {} — the others wait {} host-minutes for it",
        clock(start),
        clock(end),
        clock(plan_start),
        hosts.len(),
        night.lanes[slowest].0,
        idle
    )
}

/// The inventory: every lane as a host (an alias names its real host) and
/// one group per play, its hosts in the plan's order.
fn inventory_file(night: &Night, groups: &[(String, Vec<usize>)]) -> String {
    let mut s = String::from("# Ansible inventory generated by windowplan: one host per system that runs a\n# change (an alias `<host>__N` when the plan runs several changes on it at once)\n# and one group per wave. Set connection variables (ansible_host, ansible_user)\n# in host_vars/ or group_vars/.\nall:\n  hosts:\n");
    for (name, host) in &night.lanes {
        match host {
            None => {
                let _ = writeln!(
                    s,
                    "    {}:\n      ansible_connection: local",
                    yaml_str(name)
                );
            }
            Some(h) if h != name => {
                let _ = writeln!(
                    s,
                    "    {}:\n      ansible_host: {}",
                    yaml_str(name),
                    yaml_str(h)
                );
            }
            Some(_) => {
                let _ = writeln!(s, "    {}: {{}}", yaml_str(name));
            }
        }
    }
    s.push_str("  children:\n");
    for (group, hosts) in groups {
        let _ = writeln!(s, "    {group}:\n      hosts:");
        for &h in hosts {
            let _ = writeln!(s, "        {}: {{}}", yaml_str(&night.lanes[h].0));
        }
    }
    s
}

/// The include file of one task of the inventory: its runbook in comments,
/// and a stop until the user writes the automation.
fn change_file(inv: &Inventory, parent: &str, path: &str) -> String {
    let mut s = format!("# Automation of `{parent}` (generated once by windowplan; your edits are kept).\n# It runs once per activity of the task (each member, each step), with\n# windowplan_task, windowplan_step, windowplan_member, windowplan_planned_start set.\n");
    if let Some(task) = inv.tasks.iter().find(|t| t.parent == parent) {
        s.push_str("# Runbook:\n");
        for line in runbook_lines(inv, task) {
            let _ = writeln!(s, "#   {}", line.replace('\n', " "));
        }
    }
    let _ = writeln!(
        s,
        "- name: {}\n  ansible.builtin.fail:\n    msg: {}",
        yaml_str(&format!("{parent}: no automation written yet")),
        yaml_str(&format!("{path} holds no automation for {parent} yet: write the change's tasks there (its runbook is in the file's comments)"))
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;

    #[test]
    fn overlapping_changes_on_one_system_get_an_alias_host() {
        let mut b = Builder::new();
        let db = b.system("db");
        b.inv.systems[db].parallel_changes = 2;
        b.task("t1", &[db], 30);
        b.task("t2", &[db], 30);
        b.task("t3", &[db], 10);
        let starts = [0, 10, 30];
        let night = Night::new(&b.inv, &starts);
        let names: Vec<&str> = night.lanes.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(names, vec!["db", "db__2"]);
        assert_eq!(night.lane, vec![0, 1, 0]);
        let export = export(&b.inv, &starts, 0).unwrap();
        let inventory = &export.files[1].text;
        assert!(
            inventory.contains("\"db__2\":\n      ansible_host: \"db\""),
            "{inventory}"
        );
        assert!(crate::check::check(&b.inv, &export.replay).is_empty());
    }

    #[test]
    fn a_wave_waits_for_its_slowest_host() {
        let mut b = Builder::new();
        let (a, c) = (b.system("a"), b.system("c"));
        b.task("long", &[a], 60);
        b.task("short", &[c], 10);
        let after = b.task("next", &[c], 10);
        b.after(after, 1, 0, None);
        let night = Night::new(&b.inv, &[0, 0, 10]);
        // One wave: "next" follows "short" on host c without waiting for "long".
        assert_eq!(night.replay(&[0, 0, 0], &[false; 3]), vec![0, 0, 10]);
        // Two waves cut at minute 10: "next" waits for "long".
        assert_eq!(night.replay(&[0, 0, 1], &[false; 3]), vec![0, 0, 60]);
    }
}
