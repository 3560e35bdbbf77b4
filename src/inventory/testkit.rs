//! Test-only builder of resolved [`Inventory`] values.
#![allow(dead_code)]

use crate::base::{Interval, Time};
use crate::inventory::*;

pub struct Builder {
    pub inv: Inventory,
}

impl Builder {
    /// Window opening 2026-12-05T22:00 in America/New_York.
    pub fn new() -> Self {
        let start = jiff::civil::datetime(2026, 12, 5, 22, 0, 0, 0)
            .in_tz("America/New_York")
            .expect("tz");
        Builder {
            inv: Inventory {
                window: Window {
                    start,
                    timezone: "America/New_York".into(),
                    deadline: None,
                    meta: Meta::default(),
                },
                teams: vec![],
                systems: vec![],
                clusters: vec![],
                zones: vec![],
                dr: vec![],
                blackouts: vec![],
                services: vec![],
                integrations: vec![],
                tasks: vec![],
                warnings: vec![],
                schema_changes: vec![],
            },
        }
    }

    pub fn system(&mut self, id: &str) -> usize {
        self.inv.systems.push(System {
            id: id.into(),
            zone: None,
            site: None,
            tags: vec![],
            parallel_changes: 1,
            external: false,
            unavailable: vec![],
            notes: None,
        });
        self.inv.systems.len() - 1
    }

    pub fn cluster(&mut self, id: &str, members: &[usize], min_available: u32) -> usize {
        self.inv.clusters.push(Cluster {
            id: id.into(),
            members: members.to_vec(),
            min_available,
        });
        self.inv.clusters.len() - 1
    }

    pub fn zone(&mut self, id: &str, max_concurrent: u32, systems: &[usize]) -> usize {
        self.inv.zones.push(Zone {
            id: id.into(),
            max_concurrent,
        });
        let z = self.inv.zones.len() - 1;
        for &s in systems {
            self.inv.systems[s].zone = Some(z);
        }
        z
    }

    pub fn team(&mut self, id: &str, capacity: u32) -> usize {
        self.inv.teams.push(Team {
            id: id.into(),
            capacity,
            available: None,
        });
        self.inv.teams.len() - 1
    }

    pub fn task(&mut self, id: &str, systems: &[usize], duration: Time) -> usize {
        let source = self.inv.tasks.len();
        self.inv.tasks.push(Task {
            id: id.into(),
            source,
            systems: systems.to_vec(),
            duration,
            outage: true,
            needs: vec![],
            after: vec![],
            windows: None,
            spread: None,
            backout: None,
            optional: false,
            meta: Meta::default(),
            parent: id.into(),
            step: None,
            member: None,
            read_only: false,
            down: vec![],
            canary: 0,
            even_if_failed: Vec::new(),
        });
        source
    }

    pub fn needs(&mut self, task: usize, team: usize, amount: u32) {
        self.inv.tasks[task].needs.push((team, amount));
    }

    pub fn after(&mut self, task: usize, pred: usize, lag: Time, max_lag: Option<Time>) {
        self.inv.tasks[task].after.push(After {
            task: pred,
            lag,
            max_lag,
        });
    }

    pub fn dr(&mut self, primary: Component, standby: Component, order: Option<DrOrder>) {
        self.inv.dr.push(DrPair {
            primary,
            standby,
            order,
        });
    }

    pub fn blackout(
        &mut self,
        from: Time,
        to: Time,
        systems: &[usize],
        zones: &[usize],
        tags: &[&str],
    ) {
        self.inv.blackouts.push(Blackout {
            id: None,
            teams: vec![],
            scoped: false,
            interval: Interval::new(from, to),
            systems: systems.to_vec(),
            zones: zones.to_vec(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            reason: Some("nightly ETL".into()),
        });
    }

    pub fn service(&mut self, id: &str, weight: f64, requires: &[Component]) -> usize {
        self.inv.services.push(Service {
            id: id.into(),
            weight,
            requires: requires.to_vec(),
            max_downtime: None,
            any: vec![],
            notes: None,
        });
        self.inv.services.len() - 1
    }

    pub fn integration(
        &mut self,
        id: &str,
        from: Component,
        to: Component,
        mode: IntegrationMode,
        tolerance: Time,
    ) {
        self.inv.integrations.push(Integration {
            id: id.into(),
            from,
            to,
            mode,
            tolerance,
        });
    }
}
