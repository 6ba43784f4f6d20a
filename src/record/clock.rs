//! The run clock: one start instant that the partner journal (exchanges' `started_ms`), the
//! platform journal (inbound calls' `at_ms`) and the `run_started` event all count from.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy)]
pub struct RunClock {
    started: Instant,
    started_wall: SystemTime,
}

impl Default for RunClock {
    fn default() -> Self {
        Self::start()
    }
}

impl RunClock {
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            started_wall: SystemTime::now(),
        }
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    /// The wall-clock start (what `started_unix_ms` reports).
    pub fn started_wall(&self) -> SystemTime {
        self.started_wall
    }

    pub fn started_unix_ms(&self) -> u64 {
        self.started_wall
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default()
    }
}
