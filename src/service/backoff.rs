//! Retry delays, one helper for every retry in the service: NATS reconnects, pulls that failed,
//! back-pressure while downstream refuses, redelivery of pages (`input.nak_backoff_ms`) and
//! binding the streams at start.

use std::time::Duration;

/// How long to wait before retry number `attempt` (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backoff {
    /// `first`, doubling on each attempt, never more than `max`.
    Exponential {
        /// Delay before the first retry.
        first: Duration,
        /// Longest delay.
        max: Duration,
    },
    /// A configured list, one delay per attempt; the last one repeats (1 s when empty).
    Steps(Vec<Duration>),
}

impl Backoff {
    /// Exponential backoff from `first`, capped at `max`.
    pub const fn exponential(first: Duration, max: Duration) -> Backoff {
        Backoff::Exponential { first, max }
    }

    /// The same delay before every retry.
    pub const fn constant(delay: Duration) -> Backoff {
        Backoff::Exponential {
            first: delay,
            max: delay,
        }
    }

    /// Delays given in milliseconds, by attempt.
    pub fn steps_ms(steps: &[u64]) -> Backoff {
        Backoff::Steps(steps.iter().copied().map(Duration::from_millis).collect())
    }

    /// The delay before retry number `attempt` (1-based; 0 is taken as 1).
    pub fn delay(&self, attempt: u32) -> Duration {
        let n = attempt.saturating_sub(1);
        match self {
            Backoff::Exponential { first, max } => first
                .checked_mul(1u32.checked_shl(n.min(31)).unwrap_or(u32::MAX))
                .map_or(*max, |d| d.min(*max)),
            Backoff::Steps(steps) => {
                let i = usize::try_from(n).unwrap_or(usize::MAX);
                steps
                    .get(i)
                    .or(steps.last())
                    .copied()
                    .unwrap_or(Duration::from_secs(1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_doubles_then_stays_at_the_cap() {
        let b = Backoff::exponential(Duration::from_millis(100), Duration::from_secs(5));
        assert_eq!(b.delay(1), Duration::from_millis(100));
        assert_eq!(b.delay(2), Duration::from_millis(200));
        assert_eq!(b.delay(6), Duration::from_millis(3200));
        assert_eq!(b.delay(7), Duration::from_secs(5));
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(5));
        assert_eq!(
            Backoff::constant(Duration::from_secs(2)).delay(9),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn nak_delay_follows_the_backoff_list_and_repeats_the_last() {
        let b = Backoff::steps_ms(&[100, 200, 400]);
        assert_eq!(b.delay(1), Duration::from_millis(100));
        assert_eq!(b.delay(3), Duration::from_millis(400));
        assert_eq!(b.delay(9), Duration::from_millis(400));
        assert_eq!(Backoff::steps_ms(&[]).delay(1), Duration::from_millis(1000));
    }
}
