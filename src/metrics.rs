//! A small per-app Prometheus registry. Per app rather than global, so several relays in one test
//! process keep separate counts. Rendered as Prometheus text format 0.0.4.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

type Labels = Vec<(&'static str, String)>;

#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, Labels), u64>>,
    histograms: Mutex<BTreeMap<(&'static str, Labels), Histogram>>,
    /// Values set by their owner as they change (e.g. `relay_leader`), unlike the gauges computed
    /// at scrape time.
    gauges: Mutex<BTreeMap<(&'static str, Labels), f64>>,
}

/// Buckets in seconds, from sub-millisecond acknowledgements to hour-long retry waits.
const BUCKETS: [f64; 14] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0, 3600.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

const HELP: &[(&str, &str, &str)] = &[
    (
        "webhooks_received_total",
        "counter",
        "Zoom webhook requests by app, event and result.",
    ),
    (
        "dedup_hits_total",
        "counter",
        "Zoom retries recognised as duplicates and not stored again.",
    ),
    (
        "telegram_rate_limited_total",
        "counter",
        "Telegram answers of 429 Too Many Requests (the chat then waits retry_after).",
    ),
    (
        "events_no_tenant_total",
        "counter",
        "Events of an OAuth app from accounts that have not installed it; stored, not routed.",
    ),
    (
        "quota_exceeded_total",
        "counter",
        "Deliveries refused because their community reached its hourly limit ([quotas]).",
    ),
    (
        "relay_leader",
        "gauge",
        "1 while this replica holds the singleton role (bot_poller, janitor), else 0.",
    ),
    (
        "store_flush_seconds",
        "histogram",
        "Time to apply and fsync one group-commit batch.",
    ),
];

impl Metrics {
    pub fn inc(&self, name: &'static str, labels: &[(&'static str, &str)]) {
        self.add(name, labels, 1);
    }

    pub fn add(&self, name: &'static str, labels: &[(&'static str, &str)], n: u64) {
        let key = (
            name,
            labels.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        );
        *self
            .counters
            .lock()
            .expect("metrics lock")
            .entry(key)
            .or_default() += n;
    }

    pub fn counter(&self, name: &'static str, labels: &[(&'static str, &str)]) -> u64 {
        let key = (
            name,
            labels
                .iter()
                .map(|(k, v)| (*k, v.to_string()))
                .collect::<Labels>(),
        );
        self.counters
            .lock()
            .expect("metrics lock")
            .get(&key)
            .copied()
            .unwrap_or(0)
    }

    pub fn set_gauge(&self, name: &'static str, labels: &[(&'static str, &str)], v: f64) {
        let key = (
            name,
            labels.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        );
        self.gauges.lock().expect("metrics lock").insert(key, v);
    }

    pub fn observe(&self, name: &'static str, labels: &[(&'static str, &str)], secs: f64) {
        let key = (
            name,
            labels.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        );
        let mut h = self.histograms.lock().expect("metrics lock");
        let h = h.entry(key).or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// Renders all series plus `gauges` computed by the caller at scrape time.
    pub fn render(&self, gauges: &[(&str, &str, Labels, f64)]) -> String {
        let mut out = String::new();
        let mut described = std::collections::HashSet::new();
        let mut describe = |out: &mut String, name: &str, kind: &str, help: &str| {
            if described.insert(name.to_string()) {
                let _ = writeln!(out, "# HELP {name} {help}");
                let _ = writeln!(out, "# TYPE {name} {kind}");
            }
        };
        let help_of = |name: &str| {
            HELP.iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, k, h)| (*k, *h))
                .unwrap_or(("counter", ""))
        };
        for ((name, labels), v) in self.counters.lock().expect("metrics lock").iter() {
            let (kind, help) = help_of(name);
            describe(&mut out, name, kind, help);
            let _ = writeln!(out, "{name}{} {v}", fmt_labels(labels, None));
        }
        for ((name, labels), v) in self.gauges.lock().expect("metrics lock").iter() {
            let (_, help) = help_of(name);
            describe(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name}{} {v}", fmt_labels(labels, None));
        }
        for ((name, labels), h) in self.histograms.lock().expect("metrics lock").iter() {
            let (_, help) = help_of(name);
            describe(&mut out, name, "histogram", help);
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{name}_bucket{} {}",
                    fmt_labels(labels, Some(&b.to_string())),
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{} {}",
                fmt_labels(labels, Some("+Inf")),
                h.count
            );
            let _ = writeln!(out, "{name}_sum{} {}", fmt_labels(labels, None), h.sum);
            let _ = writeln!(out, "{name}_count{} {}", fmt_labels(labels, None), h.count);
        }
        for (name, help, labels, v) in gauges {
            describe(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name}{} {v}", fmt_labels(labels, None));
        }
        out
    }
}

fn fmt_labels(labels: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_with_escaped_labels() {
        let m = Metrics::default();
        m.inc(
            "webhooks_received_total",
            &[("app", "a\"b"), ("result", "accepted")],
        );
        m.inc(
            "webhooks_received_total",
            &[("app", "a\"b"), ("result", "accepted")],
        );
        let text = m.render(&[]);
        assert!(text.contains("# TYPE webhooks_received_total counter"));
        assert!(
            text.contains(r#"webhooks_received_total{app="a\"b",result="accepted"} 2"#),
            "{text}"
        );
    }
}
