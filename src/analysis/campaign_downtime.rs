//! What a change board reads of a campaign's availability: each service's
//! downtime in each used window of a campaign plan and over the whole
//! campaign, recomputed from each window's inventory and start times with
//! the one accounting of [`crate::plan::downtime`] (never taken from the
//! figures a plan file states).

use crate::base::Time;
use crate::inventory::Inventory;
use serde::Serialize;

/// Format tag of the JSON report.
pub const CAMPAIGN_AVAILABILITY_FORMAT: &str = "windowplan-campaign-availability/1";

/// One used window of the campaign plan, as the analysis reads it.
pub struct WindowAt<'a> {
    /// The window's id.
    pub id: &'a str,
    /// The window's inventory (its tasks).
    pub inventory: &'a Inventory,
    /// The start minute of each task of `inventory` in the window's plan.
    pub starts: &'a [Time],
}

/// One service across the campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAcrossWindows {
    /// The service id.
    pub service: String,
    /// Its weight (cost of a minute of downtime).
    pub weight: f64,
    /// Its `max_downtime` (a limit per window), in minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_downtime_minutes: Option<Time>,
    /// Its downtime in each used window, in the order of
    /// [`CampaignDowntime::windows`], in minutes.
    pub per_window_minutes: Vec<Time>,
    /// The sum over the windows, in minutes.
    pub total_minutes: Time,
}

/// Each service's downtime per used window and in total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignDowntime {
    /// `windowplan-campaign-availability/1`.
    pub format: String,
    /// The used windows' ids, in time order.
    pub windows: Vec<String>,
    /// Every service of the campaign, in file order.
    pub services: Vec<ServiceAcrossWindows>,
    /// Σ weight × minutes per window, in the order of `windows`.
    pub weighted_per_window: Vec<f64>,
    /// Σ weight × minutes over the campaign.
    pub weighted_total: f64,
}

/// Each service's downtime in each of `windows` (the used windows of a
/// campaign plan, in time order) and in total. The services are those of
/// the first window's inventory (every window's inventory holds the
/// campaign's services).
pub fn campaign_downtime(windows: &[WindowAt<'_>]) -> CampaignDowntime {
    let mut services: Vec<ServiceAcrossWindows> = windows
        .first()
        .map(|w| {
            w.inventory
                .services
                .iter()
                .map(|s| ServiceAcrossWindows {
                    service: s.id.clone(),
                    weight: s.weight,
                    max_downtime_minutes: s.max_downtime,
                    per_window_minutes: Vec::new(),
                    total_minutes: 0,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut weighted_per_window = Vec::new();
    for w in windows {
        let down = crate::plan::downtime::service_downtime(w.inventory, w.starts);
        let mut weighted = 0.0;
        for s in &mut services {
            let minutes = down
                .iter()
                .find(|d| d.id == s.service)
                .map_or(0, |d| d.downtime_minutes);
            s.per_window_minutes.push(minutes);
            s.total_minutes += minutes;
            weighted += s.weight * minutes as f64;
        }
        weighted_per_window.push(weighted + 0.0);
    }
    let weighted_total = weighted_per_window.iter().sum::<f64>() + 0.0;
    CampaignDowntime {
        format: CAMPAIGN_AVAILABILITY_FORMAT.into(),
        windows: windows.iter().map(|w| w.id.to_string()).collect(),
        services,
        weighted_per_window,
        weighted_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: &str, outage: &str) -> Inventory {
        let text = format!(
            "window: {{ start: {start}, timezone: UTC, deadline: 2026-12-31T00:00 }}\nsystems: [{{ id: db }}, {{ id: web }}]\nservices: [{{ id: shop, weight: 2, requires: [db] }}, {{ id: site, requires: [web] }}]\ntasks: [{{ id: patch, system: db, duration: {outage} }}, {{ id: p2, system: web, duration: 10m }}]\n"
        );
        crate::inventory::load_str(&text, crate::inventory::Format::Yaml, "t.yaml").unwrap()
    }

    /// Two windows: shop down 30m then 45m (75m, weight 2: 150), site down
    /// 10m in each (20m, weight 1): 60 + 10 = 70 and 90 + 10 = 100.
    #[test]
    fn each_service_is_summed_over_the_windows() {
        let (a, b) = (
            window("2026-12-05T22:00", "30m"),
            window("2026-12-12T22:00", "45m"),
        );
        let d = campaign_downtime(&[
            WindowAt {
                id: "w1",
                inventory: &a,
                starts: &[0, 0],
            },
            WindowAt {
                id: "w2",
                inventory: &b,
                starts: &[0, 50],
            },
        ]);
        assert_eq!(d.windows, ["w1", "w2"]);
        assert_eq!(d.services[0].service, "shop");
        assert_eq!(d.services[0].per_window_minutes, [30, 45]);
        assert_eq!(d.services[0].total_minutes, 75);
        assert_eq!(d.services[1].per_window_minutes, [10, 10]);
        assert_eq!(d.weighted_per_window, [70.0, 100.0]);
        assert_eq!(d.weighted_total, 170.0);
    }
}
