//! Whether the partner is there. A connection failure is evidence of nothing but the failure:
//! when nothing ever answered, the first check that found the port dead is the root cause and the
//! run stops probing; when a partner that answered earlier starts refusing connections, the run
//! notes once that it went away, and every check that got no answer after that is blocked by it
//! instead of being blamed for the silence.

use std::sync::{Arc, Mutex};

use super::triage::{no_contact, unreachable};
use super::verdict::{Blocker, Stop, Verdict};
use crate::record::Exchange;
use crate::record::outcome::RootCause;

/// The cause id of checks blocked because the partner stopped accepting connections.
pub const GONE: &str = "partner-gone";
/// The cause id when nothing ever answered and the first check to find out passed or was blocked.
pub const UNREACHABLE: &str = "partner-unreachable";

#[derive(Debug, Clone)]
enum Lost {
    /// Nothing ever answered.
    Unreachable(RootCause),
    /// It answered before, and stopped accepting connections.
    Gone(RootCause),
}

impl Lost {
    fn cause(&self) -> &RootCause {
        match self {
            Lost::Unreachable(c) | Lost::Gone(c) => c,
        }
    }
}

#[derive(Debug, Default)]
struct State {
    /// The last exchange that got an answer: its sequence number and label.
    answered: Option<(u64, String)>,
    lost: Option<Lost>,
    notes: Vec<String>,
}

/// What the run knows about reaching the partner; the runner reviews every verdict through it.
#[derive(Debug, Default)]
pub struct Contact {
    state: Mutex<State>,
}

impl Contact {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The root cause when nothing ever answered: checks that talk to the partner do not run.
    pub fn unreachable(&self) -> Option<RootCause> {
        match &self.state().lost {
            Some(Lost::Unreachable(c)) => Some(c.clone()),
            _ => None,
        }
    }

    /// Notes for the run's output (said once each), taken.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut self.state().notes)
    }

    /// Follows the exchanges check `id` made, in order, and returns its verdict, or `Blocked` by
    /// the root cause when the partner was not there to answer it.
    pub fn review(&self, id: &str, made: &[Arc<Exchange>], verdict: Verdict) -> Verdict {
        let mut st = self.state();
        for x in made {
            st.follow(id, x, &verdict);
        }
        let Some(lost) = st.lost.clone() else {
            return verdict;
        };
        if made.iter().any(|x| x.response.is_some()) {
            return verdict;
        }
        let refused = !made.is_empty() && made.iter().all(|x| no_contact(x));
        let cause = lost.cause();
        let blocked = || {
            Err(Stop::Blocked(Blocker {
                why: cause.text.clone(),
                cause: Some(cause.clone()),
            }))
        };
        match (&lost, verdict) {
            (_, v @ Err(Stop::Skip(_))) => v,
            (_, Err(Stop::Blocked(b))) if b.cause.is_some() => Err(Stop::Blocked(b)),
            // The check that found the port dead keeps its finding: it is the root cause.
            (Lost::Unreachable(c), v @ Err(Stop::Violated(_))) if c.id == id => v,
            (_, _) if refused => blocked(),
            // Nothing was asked, but what the partner should have done since it went away (a
            // callback, a config update) cannot be held against it.
            (Lost::Gone(_), Err(Stop::Violated(_) | Stop::Error(_))) if made.is_empty() => {
                blocked()
            }
            (_, v) => v,
        }
    }
}

impl State {
    fn follow(&mut self, id: &str, x: &Exchange, verdict: &Verdict) {
        if x.response.is_some() {
            self.answered = Some((x.seq, x.label.clone()));
            self.lost = None;
            return;
        }
        if !no_contact(x) || self.lost.is_some() {
            return;
        }
        self.lost = Some(match &self.answered {
            None => {
                let text = unreachable(x);
                self.notes.push(format!(
                    "{text}; the checks that need your add-on do not run, cleanup follows"
                ));
                let root = match verdict {
                    Err(Stop::Violated(_)) => id,
                    _ => UNREACHABLE,
                };
                Lost::Unreachable(RootCause::new(root, text))
            }
            Some((seq, label)) => {
                let text =
                    format!("your add-on stopped accepting connections after #{seq} ({label})");
                self.notes.push(format!(
                    "{text}; checks that get no answer from now on are blocked by it"
                ));
                Lost::Gone(RootCause::new(GONE, text))
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::reply;
    use crate::check::{Pass, pass};
    use crate::record::outcome::Finding;

    fn exchange(seq: u64, answered: bool) -> Arc<Exchange> {
        let mut r = reply(200, "{}");
        let x = Arc::make_mut(&mut r.exchange);
        x.seq = seq;
        x.label = format!("request {seq}");
        if answered {
            x.response = Some(crate::record::exchange::ResponseRecord {
                status: 200,
                headers: vec![],
                body: String::new(),
                body_bytes: 0,
                body_truncated: false,
            });
        } else {
            x.error = Some("connection failed: Connection refused (os error 111)".into());
        }
        r.exchange
    }

    fn fail() -> Verdict {
        Finding::new("x", "y").into()
    }

    #[test]
    fn a_dead_port_from_the_start_is_one_root_cause() {
        let c = Contact::default();
        let v = c.review("PROV-02", &[exchange(1, false)], fail());
        assert!(
            matches!(v, Err(Stop::Violated(_))),
            "the root cause keeps its finding"
        );
        let cause = c.unreachable().unwrap();
        assert_eq!(cause.id, "PROV-02");
        assert!(
            cause
                .text
                .starts_with("cannot reach your add-on at http://127.0.0.1:1/")
        );
        assert_eq!(c.take_notes().len(), 1);
        match c.review("GEN-02", &[exchange(2, false)], pass()) {
            Err(Stop::Blocked(b)) => assert_eq!(b.cause.unwrap().id, "PROV-02"),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_partner_that_went_away_blocks_what_follows_once_noted() {
        let c = Contact::default();
        assert!(matches!(
            c.review("PROV-02", &[exchange(11, true)], pass()),
            Ok(Pass(_))
        ));
        let v = c.review("GEN-02", &[exchange(12, false)], fail());
        let Err(Stop::Blocked(b)) = v else {
            panic!("{v:?}")
        };
        assert_eq!(
            b.why,
            "your add-on stopped accepting connections after #11 (request 11)"
        );
        assert_eq!(b.cause.unwrap().id, GONE);
        assert!(matches!(
            c.review("X-1", &[], fail()),
            Err(Stop::Blocked(_))
        ));
        assert!(matches!(c.review("X-2", &[], pass()), Ok(Pass(_))));
        assert_eq!(c.take_notes().len(), 1, "said once");
        assert!(
            c.unreachable().is_none(),
            "it answered once: the run goes on"
        );
        // Back again: judged as usual.
        assert!(matches!(
            c.review("X-3", &[exchange(13, true)], fail()),
            Err(Stop::Violated(_))
        ));
    }
}
