//! Applying a write on top of whatever the head is when it commits.
//!
//! A save names the head it replaces; when another write to the same variant
//! committed in between, the save fails with `PreconditionFailed` and the use case
//! reads the head again and judges its request against that one. [`Race`] counts
//! those rounds, spaces them out with a little random back-off once a variant is
//! contended, and turns a pathological number of lost rounds into a retryable 503
//! instead of a 412 that would blame the client for a precondition it never set.

use std::time::Duration;

use trove_domain::{Error, ErrorKind, Result};

/// How many rounds one write may lose before it gives up with a 503. Every lost
/// round means another write to the same variant committed, so no real workload
/// comes near this; it bounds the time a request spends in a write storm.
const MAX_ROUNDS: u32 = 200;

/// Rounds retried at once, before the back-off starts: most races are lost once.
const EAGER_ROUNDS: u32 = 2;

/// The longest pause between two rounds.
const MAX_PAUSE: Duration = Duration::from_millis(50);

/// The rounds of one write racing for a variant's head.
#[derive(Debug)]
pub(crate) struct Race {
    lost: u32,
    limit: u32,
}

impl Race {
    pub(crate) fn new() -> Self {
        Race { lost: 0, limit: MAX_ROUNDS }
    }

    /// Decides what a failed save means: `Ok(())` when it lost the race for the
    /// head (read the head again and retry, after the returned pause has passed),
    /// the error itself for anything else, and 503 once the write has lost too
    /// often.
    pub(crate) async fn lost(&mut self, e: Error) -> Result<()> {
        let pause = self.judge(e)?;
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        Ok(())
    }

    /// The pure part of [`Race::lost`]: the pause before the next round.
    fn judge(&mut self, e: Error) -> Result<Duration> {
        if e.kind != ErrorKind::PreconditionFailed {
            return Err(e);
        }
        self.lost += 1;
        if self.lost >= self.limit {
            tracing::warn!(rounds = self.lost, "a write lost the race for its asset's head too often");
            return Err(Error::unavailable(
                "the asset is being changed by many writers at once; retry the request shortly",
            ));
        }
        Ok(pause(self.lost))
    }
}

/// A random pause that grows with the rounds lost (full jitter), so writers that
/// collided do not collide again in lockstep.
fn pause(lost: u32) -> Duration {
    if lost <= EAGER_ROUNDS {
        return Duration::ZERO;
    }
    let ceiling = Duration::from_millis(1u64 << (lost - EAGER_ROUNDS).min(6)).min(MAX_PAUSE);
    ceiling.mul_f64(rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_errors_pass_through_untouched() {
        let mut race = Race::new();
        let e = race.judge(Error::not_found("asset_not_found", "gone")).unwrap_err();
        assert_eq!(e.code, "asset_not_found");
        assert_eq!(race.lost, 0);
    }

    #[test]
    fn lost_rounds_retry_then_become_unavailable_not_stale() {
        let mut race = Race { lost: 0, limit: 5 };
        for _ in 0..4 {
            race.judge(Error::stale(3)).expect("retried");
        }
        let e = race.judge(Error::stale(3)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unavailable);
        assert_eq!(e.code, "service_unavailable");
    }

    #[test]
    fn the_first_rounds_are_eager_and_later_pauses_are_bounded() {
        assert_eq!(pause(1), Duration::ZERO);
        assert_eq!(pause(EAGER_ROUNDS), Duration::ZERO);
        for lost in EAGER_ROUNDS + 1..MAX_ROUNDS {
            assert!(pause(lost) <= MAX_PAUSE);
        }
    }
}
