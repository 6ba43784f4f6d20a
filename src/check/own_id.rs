//! Which id is in the path. Heroku v3 sends `PUT/DELETE {base_url}/{uuid}`; an add-on that
//! answered its own id at provision and keys resources by it answers 404 to every such request.
//! The first check that meets that 404 says so once, as the root cause; later checks that meet
//! it are blocked by it instead of failing with hints about something else.

use std::sync::{Arc, Mutex};

use super::verdict::{Blocker, Stop, Verdict};
use crate::catalogue::Level;
use crate::config::PathId;
use crate::partner::PartnerClient;
use crate::record::Exchange;
use crate::record::exchange::Credentials;
use crate::record::outcome::{Finding, RootCause};

#[derive(Debug, Default)]
struct State {
    cause: Option<RootCause>,
    /// Notes for the run's output, each with the check whose review found it out.
    notes: Vec<(String, String)>,
}

/// Follows 404s for resources the partner knows under its own id.
#[derive(Debug, Default)]
pub struct OwnIds {
    state: Mutex<State>,
}

/// A 404 to a plan change or removal by uuid of a resource the partner answered another id for:
/// the exchange and that id.
fn own_id_404<'x>(
    made: &'x [Arc<Exchange>],
    partner: &PartnerClient,
) -> Option<(&'x Arc<Exchange>, String)> {
    made.iter().find_map(|x| {
        let r = &x.request;
        let by_uuid = matches!(r.method.as_str(), "PUT" | "DELETE")
            && r.credentials == Credentials::Manifest
            && x.status() == Some(404);
        let uuid = r.url.rsplit('/').next()?;
        let id = partner.provider_id_of(uuid).filter(|_| by_uuid)?;
        Some((x, id))
    })
}

impl OwnIds {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The notes check `id`'s review found, taken.
    pub fn take_notes(&self, id: &str) -> Vec<String> {
        super::contact::take_notes_of(&mut self.state().notes, id)
    }

    /// Reviews check `id`'s verdict: the first check with such a 404 reports the root cause, the
    /// later ones are blocked by it. With `path_id = "provider"` there is nothing to review.
    pub fn review(
        &self,
        id: &str,
        made: &[Arc<Exchange>],
        partner: &PartnerClient,
        path_id: PathId,
        verdict: Verdict,
    ) -> Verdict {
        if path_id != PathId::Uuid || matches!(verdict, Err(Stop::Skip(_))) {
            return verdict;
        }
        let Some((x, provider_id)) = own_id_404(made, partner) else {
            return verdict;
        };
        let mut st = self.state();
        if let Some(cause) = &st.cause {
            return Err(Stop::Blocked(Blocker {
                why: cause.text.clone(),
                cause: Some(cause.clone()),
            }));
        }
        let path = url::Url::parse(&x.request.url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| x.request.url.clone());
        let text = format!(
            "your add-on answered 404 for {path}; it returned id {provider_id} and may key resources by its own id — Heroku v3 sends the uuid"
        );
        st.cause = Some(RootCause::new(id, text.clone()));
        st.notes.push((
            id.to_owned(),
            format!(
                "{id}: your add-on may key resources by its own id; later checks that meet the same 404 are blocked by {id} (set [provision] path_id = \"provider\" in the config to see the rest of the run)"
            ),
        ));
        let hint = "look resources up by the uuid of the provision request (keep your own id as well if you need it); [provision] path_id = \"provider\" sends your id instead, to see the rest of the run";
        let finding = match verdict {
            Err(Stop::Violated(f)) => Finding {
                observed: text,
                hint: Some(hint.to_owned()),
                ..*f
            },
            _ => Finding::new(
                "a 2xx for the resource your add-on created (Heroku v3 addresses it by uuid)",
                text,
            )
            .at("status")
            .level(Level::Must)
            .hint(hint),
        };
        Err(Stop::violated(finding.exchange(x)))
    }
}
