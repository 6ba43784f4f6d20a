//! Whether the partner is there. A connection failure is evidence of nothing but the failure:
//! when nothing ever answered, the first check that found the port dead is the root cause and the
//! run stops probing; when a partner that answered earlier starts refusing connections, the run
//! notes once that it went away, and every check that got no answer after that is blocked by it
//! instead of being blamed for the silence.

use std::sync::{Arc, Mutex};

use super::triage::{no_contact, unreachable};
use super::verdict::{Blocker, Stop, Verdict};
use crate::record::Exchange;
use crate::record::exchange::Credentials;
use crate::record::journal::Journal;
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
    /// A request with the manifest's credentials got an answer other than 401/403.
    credentials_accepted: bool,
    /// The manifest's credentials were refused before they were ever accepted.
    credentials_refused: Option<RootCause>,
    lost: Option<Lost>,
    /// Notes for the run's output, each with the check whose review found it out.
    notes: Vec<(String, String)>,
    /// The manifest id, for messages about refused credentials.
    addon_id: String,
    /// `host:port` of the base URL: only refused connections there mean the partner is gone
    /// (an SSO redirect to another host that is down says nothing about the add-on's API).
    origin: Option<String>,
}

/// What the run knows about reaching the partner; the runner reviews every verdict through it.
#[derive(Debug, Default)]
pub struct Contact {
    state: Mutex<State>,
}

impl Contact {
    /// The contact of a run whose add-on id (Basic auth username) is `addon_id` and whose
    /// provisions go to `base_url`.
    pub fn new(addon_id: &str, base_url: Option<&str>) -> Self {
        Self {
            state: Mutex::new(State {
                addon_id: addon_id.to_owned(),
                origin: base_url.and_then(origin),
                ..State::default()
            }),
        }
    }

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

    /// The notes check `id`'s review found (said once each), taken: they follow that check's
    /// line, even while other suites' checks are reviewed beside it.
    pub fn take_notes(&self, id: &str) -> Vec<String> {
        take_notes_of(&mut self.state().notes, id)
    }

    /// `review_in` a journal of only the check's own exchanges.
    #[cfg(test)]
    pub fn review(&self, id: &str, made: &[Arc<Exchange>], verdict: Verdict) -> Verdict {
        self.review_in(&Journal::new(), id, made, verdict)
    }

    /// Follows the exchanges check `id` made, in order, and returns its verdict, or `Blocked` by
    /// the root cause when the partner was not there to answer it. Whether a refused connection
    /// means "never answered" or "went away" is read from the run's `journal` by sequence
    /// number, not from the checks reviewed so far: with suites side by side, a check may finish
    /// before another whose earlier request got an answer.
    pub fn review_in(
        &self,
        journal: &Journal,
        id: &str,
        made: &[Arc<Exchange>],
        verdict: Verdict,
    ) -> Verdict {
        let mut st = self.state();
        for x in made {
            let earlier = journal.answered_before(x.seq);
            st.follow(id, x, earlier, &verdict);
        }
        let Some(lost) = st.lost.clone() else {
            return st.review_credentials(id, made, verdict);
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

/// The notes of check `id`, removed from `notes`.
pub(super) fn take_notes_of(notes: &mut Vec<(String, String)>, id: &str) -> Vec<String> {
    let (mine, others) = std::mem::take(notes)
        .into_iter()
        .partition(|(by, _)| by == id);
    *notes = others;
    mine.into_iter().map(|(_, text)| text).collect()
}

/// `host:port` of a URL.
fn origin(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(format!(
        "{}:{}",
        u.host_str()?,
        u.port_or_known_default().unwrap_or(0)
    ))
}

/// True for a request made with the manifest's credentials that got 401 or 403.
fn credentials_refused(x: &Exchange) -> bool {
    x.request.credentials == Credentials::Manifest && matches!(x.status(), Some(401 | 403))
}

impl State {
    /// While the partner has refused the manifest's credentials and never accepted them, a
    /// check whose every request with them was refused is blocked by that root cause.
    fn review_credentials(&self, id: &str, made: &[Arc<Exchange>], verdict: Verdict) -> Verdict {
        let Some(cause) = self.credentials_refused.as_ref().filter(|c| c.id != id) else {
            return verdict;
        };
        let with_credentials: Vec<_> = made
            .iter()
            .filter(|x| x.request.credentials == Credentials::Manifest)
            .collect();
        let all_refused =
            !with_credentials.is_empty() && with_credentials.iter().all(|x| credentials_refused(x));
        match verdict {
            v @ Err(Stop::Skip(_)) => v,
            Err(Stop::Blocked(b)) if b.cause.is_some() => Err(Stop::Blocked(b)),
            _ if all_refused => Err(Stop::Blocked(Blocker {
                why: cause.text.clone(),
                cause: Some(cause.clone()),
            })),
            v => v,
        }
    }

    fn follow(
        &mut self,
        id: &str,
        x: &Exchange,
        earlier: Option<(u64, String)>,
        verdict: &Verdict,
    ) {
        if x.request.credentials == Credentials::Manifest && x.response.is_some() {
            if credentials_refused(x) {
                if !self.credentials_accepted && self.credentials_refused.is_none() {
                    let text = format!(
                        "your add-on refused Basic auth for id {} with {}: does api.password / ADDON_PASSWORD match?",
                        self.addon_id,
                        x.status().unwrap_or_default()
                    );
                    self.credentials_refused = Some(RootCause::new(id, text));
                }
            } else {
                self.credentials_accepted = true;
                self.credentials_refused = None;
            }
        }
        if x.response.is_some() {
            self.answered = Some((x.seq, x.label.clone()));
            self.lost = None;
            return;
        }
        let elsewhere = self.origin.is_some() && origin(&x.request.url) != self.origin;
        if !no_contact(x) || self.lost.is_some() || elsewhere {
            return;
        }
        // An answer to an earlier request of another check, still running, counts too.
        let answered = self.answered.clone().max(earlier);
        self.lost = Some(match &answered {
            None => {
                let text = unreachable(x);
                let root = match verdict {
                    Err(Stop::Violated(_)) => id,
                    _ => UNREACHABLE,
                };
                // The root check says why; the note says what follows from it.
                let note = if root == UNREACHABLE {
                    format!("{text}; the checks that need your add-on do not run, cleanup follows")
                } else {
                    format!(
                        "nothing answers at your add-on (see {root}): the checks that need it do not run, cleanup follows"
                    )
                };
                self.notes.push((id.to_owned(), note));
                Lost::Unreachable(RootCause::new(root, text))
            }
            Some((seq, label)) => {
                let text =
                    format!("your add-on stopped accepting connections after #{seq} ({label})");
                self.notes.push((
                    id.to_owned(),
                    format!("{text}; checks that get no answer from now on are blocked by it"),
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
    fn refused_credentials_block_checks_refused_the_same_way() {
        let c = Contact::new("my-addon", Some("http://127.0.0.1:1/heroku/resources"));
        let refused = |seq: u64| {
            let x = exchange(seq, true);
            let mut x = (*x).clone();
            if let Some(r) = x.response.as_mut() {
                r.status = 401;
            }
            Arc::new(x)
        };
        assert!(matches!(
            c.review("PROV-02", &[refused(1)], fail()),
            Err(Stop::Violated(_))
        ));
        match c.review("PLAN-08", &[refused(2)], fail()) {
            Err(Stop::Blocked(b)) => {
                let cause = b.cause.unwrap();
                assert_eq!(cause.id, "PROV-02");
                assert!(
                    cause
                        .text
                        .contains("refused Basic auth for id my-addon with 401")
                );
            }
            v => panic!("{v:?}"),
        }
        // Once the credentials are accepted, a 401 is judged as usual.
        assert!(matches!(
            c.review("X", &[exchange(3, true)], pass()),
            Ok(Pass(_))
        ));
        assert!(matches!(
            c.review("Y", &[refused(4)], fail()),
            Err(Stop::Violated(_))
        ));
    }

    #[test]
    fn a_dead_host_elsewhere_is_not_the_partner_going_away() {
        let c = Contact::new("my-addon", Some("http://127.0.0.1:1/heroku/resources"));
        let mut other = (*exchange(2, false)).clone();
        other.request.url = "http://127.0.0.1:9/dashboard".into();
        assert!(matches!(
            c.review("SSO-05", &[exchange(1, true), Arc::new(other)], fail()),
            Err(Stop::Violated(_))
        ));
        assert!(matches!(c.review("X", &[], fail()), Err(Stop::Violated(_))));
        assert!(c.take_notes("SSO-05").is_empty() && c.take_notes("X").is_empty());
    }

    #[test]
    fn an_answer_to_a_check_still_running_means_the_partner_went_away() {
        // Suites side by side: GEN-02's request #2 is refused and GEN-02 finishes first, while
        // PROV-02, whose request #1 was answered, is still running.
        let c = Contact::default();
        let journal = Journal::new();
        journal.push(exchange(1, true));
        match c.review_in(&journal, "GEN-02", &[exchange(2, false)], fail()) {
            Err(Stop::Blocked(b)) => assert_eq!(b.cause.unwrap().id, GONE),
            v => panic!("{v:?}"),
        }
        assert!(c.unreachable().is_none());
        assert!(c.take_notes("GEN-02")[0].contains("after #1 (request 1)"));
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
        assert_eq!(c.take_notes("PROV-02").len(), 1);
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
        assert_eq!(c.take_notes("GEN-02").len(), 1, "said once");
        assert!(c.take_notes("X-1").is_empty());
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
