//! The periodic summary: every `log.summary_secs` one info line ([`Summary`]) says what the
//! pipeline did since the last one (pages, articles, rejections by reason, dead letters, publish
//! errors) and what waits (pending, in flight). It reads the counters of [`Metrics`], so it can
//! never disagree with them.

use std::time::Duration;

use super::events::{Emit, Summary};
use super::metrics::Metrics;
use super::outcome::Reason;
use super::shutdown::Shutdown;

/// The counters a summary is the difference of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Totals {
    pages: u64,
    articles: u64,
    /// Rejections by reason, in [`Reason::all`] order.
    rejections: Vec<(&'static str, u64)>,
    dead_lettered: u64,
    publish_errors: u64,
}

impl Totals {
    fn read(m: &Metrics) -> Totals {
        Totals {
            pages: m.pages_received.get(),
            articles: m.articles_published.get(),
            rejections: Reason::all()
                .filter(|r| r.is_rejection())
                .map(|r| {
                    (
                        r.code(),
                        m.pages_rejected.with_label_values(&[r.code()]).get(),
                    )
                })
                .collect(),
            dead_lettered: Reason::all()
                .map(|r| m.dead_lettered.with_label_values(&[r.code()]).get())
                .sum(),
            publish_errors: m.publish_errors.get(),
        }
    }
}

/// Logs a summary every `interval` until `stop` fires (after the drain), then a last one for
/// the time since, if anything happened in it.
pub async fn every(interval: Duration, metrics: Metrics, mut stop: Shutdown) {
    let mut last = Totals::read(&metrics);
    let mut since = tokio::time::Instant::now();
    let mut ticker = tokio::time::interval_at(since + interval, interval);
    loop {
        let stop = tokio::select! {
            _ = ticker.tick() => false,
            _ = stop.wait() => true,
        };
        let now = Totals::read(&metrics);
        if stop {
            if now != last {
                emit(&metrics, &last, &now, since.elapsed());
            }
            return;
        }
        emit(&metrics, &last, &now, since.elapsed());
        last = now;
        since = tokio::time::Instant::now();
    }
}

fn emit(metrics: &Metrics, before: &Totals, now: &Totals, interval: Duration) {
    let mut rejected = 0;
    let mut rejections = String::new();
    for ((code, n), (_, n0)) in now.rejections.iter().zip(&before.rejections) {
        let delta = n.saturating_sub(*n0);
        if delta > 0 {
            rejected += delta;
            if !rejections.is_empty() {
                rejections.push(',');
            }
            rejections.push_str(&format!("{code}={delta}"));
        }
    }
    Summary {
        interval,
        pages: now.pages.saturating_sub(before.pages),
        articles: now.articles.saturating_sub(before.articles),
        rejected,
        rejections: &rejections,
        dead_lettered: now.dead_lettered.saturating_sub(before.dead_lettered),
        publish_errors: now.publish_errors.saturating_sub(before.publish_errors),
        pending: metrics.consumer_pending.get(),
        in_flight: metrics.pages_in_flight.get(),
    }
    .emit(metrics);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_follow_the_counters_by_reason() {
        let m = Metrics::new().unwrap();
        let before = Totals::read(&m);
        m.pages_received.inc_by(5);
        m.articles_published.inc_by(3);
        m.pages_rejected.with_label_values(&["empty"]).inc();
        m.pages_rejected.with_label_values(&["binary"]).inc();
        m.dead_lettered.with_label_values(&["empty"]).inc();
        let now = Totals::read(&m);
        assert_eq!(now.pages - before.pages, 5);
        assert_eq!(now.articles, 3);
        assert_eq!(now.dead_lettered, 1);
        let rejected: Vec<_> = now.rejections.iter().filter(|(_, n)| *n > 0).collect();
        assert_eq!(rejected, [&("empty", 1), &("binary", 1)]);
    }
}
