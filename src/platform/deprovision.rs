//! Asynchronous deprovisioning (Heroku's beta, ASYNC-07/08): a DELETE the partner answered 202
//! leaves the resource `deprovisioning` (still attached, the partner's tokens still valid) until
//! the partner calls `POST /addons/{uuid}/actions/deprovision`. Completing it detaches the
//! resource from every app with a release on each, revokes the partner's tokens for it and
//! marks it `deprovisioned`.

use super::state::{AddonState, Model};

/// Why the deprovision action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeprovisionError {
    NoSuchAddon,
    /// No asynchronous deprovisioning is pending: the state it is in.
    NotPending(AddonState),
}

impl Model {
    /// A synchronous deprovision: the resource is gone at once, without releases, and the
    /// partner's tokens for it are revoked.
    pub fn deprovision(&mut self, uuid: &str) {
        if let Some(a) = self.addons.get_mut(uuid) {
            a.state = AddonState::Deprovisioned;
        }
        self.attachments.retain(|a| a.addon != uuid);
        self.revoke(uuid);
    }

    /// The partner answered the DELETE with 202. False when the resource is not live.
    pub fn begin_async_deprovision(&mut self, uuid: &str) -> bool {
        match self.addons.get_mut(uuid) {
            Some(a) if matches!(a.state, AddonState::Provisioning | AddonState::Provisioned) => {
                a.state = AddonState::Deprovisioning;
                true
            }
            Some(a) => a.state == AddonState::Deprovisioning,
            None => false,
        }
    }

    /// A DELETE that was not answered 202 (nor removed the resource): a pending asynchronous
    /// deprovisioning begun for it goes back to `state`.
    pub fn cancel_async_deprovision(&mut self, uuid: &str, state: AddonState) {
        if let Some(a) = self.addons.get_mut(uuid)
            && a.state == AddonState::Deprovisioning
        {
            a.state = state;
        }
    }

    /// The partner's deprovision action completes a pending asynchronous deprovisioning.
    pub fn complete_deprovision(&mut self, uuid: &str) -> Result<(), DeprovisionError> {
        let state = self
            .addons
            .get(uuid)
            .map(|a| a.state)
            .ok_or(DeprovisionError::NoSuchAddon)?;
        if state != AddonState::Deprovisioning {
            return Err(DeprovisionError::NotPending(state));
        }
        self.release(uuid, "Detach");
        self.attachments.retain(|a| a.addon != uuid);
        self.revoke(uuid);
        if let Some(a) = self.addons.get_mut(uuid) {
            a.state = AddonState::Deprovisioned;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::platform::state::AddonRecord;

    fn model() -> Model {
        let mut m = Model::new("foo-bar", "FOO_BAR", vec!["FOO_BAR_A".into()]);
        m.add_app("app-1", "owner-app");
        m.add_app("app-2", "other-app");
        m.create_addon(
            AddonRecord {
                uuid: "r1".into(),
                name: "foo-bar-1".into(),
                plan: "basic".into(),
                region: "us".into(),
                state: AddonState::Provisioning,
                provider_id: None,
                config: BTreeMap::new(),
                app_id: "app-1".into(),
            },
            "FOO_BAR",
        );
        m.sync_answer(
            "r1",
            "p1",
            BTreeMap::from([("FOO_BAR_A".into(), "v".into())]),
        );
        m.attach("r1", "app-1", "SECOND");
        m.attach("r1", "app-2", "BALLOON");
        m
    }

    #[test]
    fn completion_detaches_everywhere_releases_each_app_once_and_revokes() {
        let mut m = model();
        let code = m.issue_grant("r1", Duration::from_secs(60));
        let token = m.exchange(&code, Duration::from_secs(60)).unwrap();
        assert_eq!(
            m.complete_deprovision("r1"),
            Err(DeprovisionError::NotPending(AddonState::Provisioned)),
            "no DELETE answered 202 yet"
        );
        let releases = |m: &Model| {
            [
                m.apps["app-1"].releases.len(),
                m.apps["app-2"].releases.len(),
            ]
        };
        let before = releases(&m);
        assert!(m.begin_async_deprovision("r1"));
        // Pending: still attached, config still visible, token still valid.
        assert_eq!(m.app_config("app-2")["BALLOON_A"], "v");
        assert_eq!(m.token_scope(&token.access_token).as_deref(), Some("r1"));
        assert_eq!(releases(&m), before);
        m.cancel_async_deprovision("r1", AddonState::Provisioned);
        assert_eq!(m.addons["r1"].state, AddonState::Provisioned);
        assert!(m.begin_async_deprovision("r1"));
        m.complete_deprovision("r1").unwrap();
        assert_eq!(releases(&m), [before[0] + 1, before[1] + 1]);
        assert!(m.attachments_of("r1").is_empty());
        assert!(m.app_config("app-1").is_empty() && m.app_config("app-2").is_empty());
        assert!(m.token_scope(&token.access_token).is_none());
        assert!(
            m.refresh(&token.refresh_token, Duration::from_secs(60))
                .is_err()
        );
        assert_eq!(m.addons["r1"].state, AddonState::Deprovisioned);
        assert_eq!(
            m.complete_deprovision("r1"),
            Err(DeprovisionError::NotPending(AddonState::Deprovisioned))
        );
        assert_eq!(
            m.complete_deprovision("nope"),
            Err(DeprovisionError::NoSuchAddon)
        );
    }
}
