//! The registry's own figures for its operator's monitoring (issue 19, item
//! 3), served at `GET /metrics` in the OpenMetrics text format that
//! Prometheus scrapes: requests by route, method and status; their latency
//! by route; notifications taken in by outcome; events served to pulls;
//! pushed rows by outcome; the database pool's connections (PostgreSQL),
//! read at each scrape. Labels carry route
//! templates and codes only, never a path, a token or a person. The
//! endpoint answers only the bearer of the operator's metrics token
//! (`serve --metrics-token-file`); without one configured it does not exist.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The matched route template (`/v1/communes/{commune}/events`).
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    /// `stored`, `duplicate`, `rejected` or `conflict`.
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionLabels {
    /// `busy` or `idle`.
    state: &'static str,
}

/// What the process counts; one per process, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    notifications: Family<OutcomeLabels, Counter>,
    pulled_events: Counter,
    pushed_rows: Family<OutcomeLabels, Counter>,
    pool_connections: Family<ConnectionLabels, Gauge>,
    pool_max: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Latency buckets from 1 ms to about 4 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 13))
}

impl Metrics {
    /// The figures of a process whose storage keeps a pool of connections
    /// (`with_pool`: PostgreSQL) or not (SQLite: no pool series at all).
    pub fn new(with_pool: bool) -> Self {
        let mut registry = Registry::with_prefix("hotich");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency =
            Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route template",
            latency.clone(),
        );
        let notifications = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "notifications",
            "Notification records posted by facilities, by what the registry did with each",
            notifications.clone(),
        );
        let pulled_events = Counter::default();
        registry.register(
            "pulled_events",
            "Events of the communes' streams served to workstations' pulls",
            pulled_events.clone(),
        );
        let pushed_rows = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "pushed_rows",
            "Rows workstations pushed, by what the registry did with each (created, replayed, conflict)",
            pushed_rows.clone(),
        );
        let pool_connections = Family::<ConnectionLabels, Gauge>::default();
        let pool_max = Gauge::default();
        if with_pool {
            registry.register(
                "db_pool_connections",
                "The database pool's open connections, busy or idle",
                pool_connections.clone(),
            );
            registry.register(
                "db_pool_max_connections",
                "The most connections the database pool opens",
                pool_max.clone(),
            );
        }
        Metrics {
            registry,
            requests,
            latency,
            notifications,
            pulled_events,
            pushed_rows,
            pool_connections,
            pool_max,
        }
    }

    /// One request answered.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: method.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// A posted record's outcome (`stored`, `duplicate`, `rejected`, `conflict`).
    pub fn notification(&self, outcome: &str) {
        self.notifications
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// A pull served `events` events.
    pub fn pulled(&self, events: usize) {
        self.pulled_events
            .inc_by(u64::try_from(events).unwrap_or(u64::MAX));
    }

    /// A pushed row's outcome (`created`, `replayed`, `conflict`).
    pub fn pushed(&self, outcome: &str) {
        self.pushed_rows
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// The database pool as it is now (before a scrape encodes it).
    pub fn pool(&self, pool: crate::storage::PoolUse) {
        let busy = pool.open.saturating_sub(pool.idle);
        self.pool_connections
            .get_or_create(&ConnectionLabels { state: "busy" })
            .set(i64::from(busy));
        self.pool_connections
            .get_or_create(&ConnectionLabels { state: "idle" })
            .set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max));
    }

    /// Everything counted, as the text a scrape reads.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_outcomes_are_counted_by_their_labels() {
        let metrics = Metrics::new(true);
        metrics.request("/v1/communes/{commune}/events", "GET", 200, 0.004);
        metrics.request("/v1/communes/{commune}/events", "GET", 200, 0.002);
        metrics.request("/v1/events/{id}", "PUT", 409, 0.01);
        metrics.notification("stored");
        metrics.pulled(3);
        metrics.pulled(2);
        metrics.pushed("replayed");
        metrics.pool(crate::storage::PoolUse {
            open: 5,
            idle: 2,
            max: 16,
        });
        let text = metrics.encode().unwrap();
        assert!(
            text.contains(r#"hotich_db_pool_connections{state="busy"} 3"#),
            "{text}"
        );
        assert!(text.contains("hotich_db_pool_max_connections 16"), "{text}");
        assert!(text.contains("hotich_pulled_events_total 5"), "{text}");
        assert!(
            text.contains(r#"hotich_pushed_rows_total{outcome="replayed"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(
                r#"hotich_http_requests_total{route="/v1/communes/{commune}/events",method="GET",status="200"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"hotich_http_requests_total{route="/v1/events/{id}",method="PUT",status="409"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"hotich_http_request_duration_seconds_count{route="/v1/communes/{commune}/events"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"hotich_notifications_total{outcome="stored"} 1"#),
            "{text}"
        );
    }
}
