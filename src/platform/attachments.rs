//! The model's side of attachments: naming them with Heroku's heuristic (`naming`), attaching a
//! resource to further apps and detaching it. Attaching and detaching cut a release on the app
//! concerned and send nothing to the partner (ATT-05).

use super::state::{Attachment, Model, Release, rename};
use crate::heroku::naming::{self, NameRequest, NamingError};

impl Model {
    /// Whether `name` conflicts in app `app_id` (§18 Q13): another attachment there has it, or a
    /// var it would produce already exists there. `except` is an attachment to ignore (the one
    /// being renamed).
    pub fn name_taken(&self, app_id: &str, name: &str, except: Option<&str>) -> bool {
        let others: Vec<&Attachment> = self
            .attachments
            .iter()
            .filter(|a| a.app_id == app_id && Some(a.id.as_str()) != except)
            .collect();
        if others.iter().any(|a| a.name == name) {
            return true;
        }
        let existing: Vec<String> = others
            .iter()
            .flat_map(|a| {
                self.config_vars
                    .iter()
                    .filter_map(|v| rename(v, &self.prefix, &a.name))
            })
            .collect();
        self.config_vars
            .iter()
            .filter_map(|v| rename(v, &self.prefix, name))
            .any(|v| existing.contains(&v))
    }

    /// Runs the heuristic for an attachment of `app_id` (ignoring attachment `except`).
    pub fn choose_name(
        &self,
        app_id: &str,
        user: Option<&str>,
        recommended: Option<&str>,
        except: Option<&str>,
        pick: &mut dyn FnMut(usize) -> usize,
    ) -> Result<String, NamingError> {
        naming::choose(
            NameRequest {
                user,
                recommended,
                slug: &self.prefix,
            },
            &|n| self.name_taken(app_id, n, except),
            pick,
        )
    }

    /// Attaches resource `uuid` to app `app_id` under a name chosen by the heuristic; a
    /// provisioned resource's config reaches the app with a release. Returns the attachment.
    pub fn attach_named(
        &mut self,
        uuid: &str,
        app_id: &str,
        user: Option<&str>,
        pick: &mut dyn FnMut(usize) -> usize,
    ) -> Result<Attachment, NamingError> {
        // Step 2 of the heuristic: the partner's recommendation for this add-on.
        let recommended = self.recommended.get(uuid).cloned();
        let name = self.choose_name(app_id, user, recommended.as_deref(), None, pick)?;
        let id = self.attach(uuid, app_id, &name);
        if user.is_some() {
            self.user_named.insert(id.clone());
        }
        if self.addons.get(uuid).is_some_and(|a| a.state.is_live()) {
            self.release_app(app_id, &format!("Attach {name}"));
        }
        Ok(Attachment {
            id,
            addon: uuid.to_owned(),
            app_id: app_id.to_owned(),
            name,
        })
    }

    /// Removes an attachment; the app it was on gets a release. False when there is none.
    pub fn detach_released(&mut self, attachment_id: &str) -> bool {
        let Some(att) = self
            .attachments
            .iter()
            .find(|a| a.id == attachment_id)
            .cloned()
        else {
            return false;
        };
        self.detach(attachment_id);
        self.release_app(&att.app_id, &format!("Detach {}", att.name));
        true
    }

    /// The partner's `recommended_prefix` arrived: it is kept for later attachments of `uuid`,
    /// and the first attachment takes it (step 2 of the heuristic) unless the user named it or
    /// the name is invalid or taken there; then the name it has stays. Applied once: a repeated
    /// answer changes nothing.
    pub fn apply_recommendation(&mut self, uuid: &str, recommended: &str) {
        if self.recommended.contains_key(uuid) {
            return;
        }
        self.recommended
            .insert(uuid.to_owned(), recommended.to_owned());
        let Some(owner) = self.addons.get(uuid).map(|a| a.app_id.clone()) else {
            return;
        };
        let Some(att) = self
            .attachments
            .iter()
            .find(|a| a.addon == uuid && a.app_id == owner)
            .cloned()
        else {
            return;
        };
        if self.user_named.contains(&att.id) {
            return;
        }
        if naming::is_valid(recommended)
            && !self.name_taken(&owner, recommended, Some(&att.id))
            && let Some(a) = self.attachments.iter_mut().find(|a| a.id == att.id)
        {
            a.name = recommended.to_owned();
        }
    }

    fn release_app(&mut self, app_id: &str, description: &str) {
        if let Some(app) = self.apps.get_mut(app_id) {
            let version = app.releases.len() as u32 + 1;
            app.releases.push(Release {
                version,
                description: description.to_owned(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::platform::state::{AddonRecord, AddonState};

    fn first(_: usize) -> usize {
        0
    }

    fn model() -> Model {
        let mut m = Model::new(
            "foo-bar",
            "FOO_BAR",
            vec!["FOO_BAR_A".into(), "FOO_BAR_B".into()],
        );
        m.add_app("app-1", "owner-app");
        m.add_app("app-2", "other-app");
        for uuid in ["r1", "r2"] {
            let name = m
                .choose_name("app-1", None, None, None, &mut first)
                .unwrap();
            m.create_addon(
                AddonRecord {
                    uuid: uuid.into(),
                    name: format!("foo-bar-{uuid}"),
                    plan: "basic".into(),
                    region: "us".into(),
                    state: AddonState::Provisioning,
                    provider_id: None,
                    config: BTreeMap::new(),
                    app_id: "app-1".into(),
                },
                &name,
            );
        }
        m
    }

    fn names(m: &Model, app: &str) -> Vec<String> {
        m.attachments
            .iter()
            .filter(|a| a.app_id == app)
            .map(|a| a.name.clone())
            .collect()
    }

    #[test]
    fn a_second_install_on_one_app_gets_a_colour() {
        let m = model();
        assert_eq!(names(&m, "app-1"), ["FOO_BAR", "FOO_BAR_AMBER"]);
    }

    #[test]
    fn a_recommendation_renames_the_first_attachment_unless_taken_or_user_named() {
        let mut m = model();
        m.apply_recommendation("r2", "BALLOON");
        assert_eq!(names(&m, "app-1"), ["FOO_BAR", "BALLOON"]);
        m.apply_recommendation("r1", "BALLOON");
        assert_eq!(
            names(&m, "app-1"),
            ["FOO_BAR", "BALLOON"],
            "BALLOON is taken"
        );
        let att = m
            .attach_named("r1", "app-2", Some("WORKER"), &mut first)
            .unwrap();
        assert_eq!(att.name, "WORKER");
        assert_eq!(
            m.attach_named("r2", "app-2", Some("WORKER"), &mut first)
                .map(|a| a.name),
            Err(NamingError::Conflict("WORKER".into()))
        );
    }

    #[test]
    fn a_recommendation_is_applied_once_and_names_later_attachments() {
        let mut m = model();
        // r2 has a colour; its recommendation is taken, so the colour stays, and a repeated
        // answer neither re-rolls it nor renames it.
        m.attach("r9", "app-1", "CACHE");
        m.apply_recommendation("r2", "CACHE");
        assert_eq!(names(&m, "app-1"), ["FOO_BAR", "FOO_BAR_AMBER", "CACHE"]);
        let mut last = |n: usize| n - 1;
        m.apply_recommendation("r2", "OTHER");
        assert_eq!(names(&m, "app-1"), ["FOO_BAR", "FOO_BAR_AMBER", "CACHE"]);
        // Attaching r2 to another app uses its recommendation (step 2).
        let att = m.attach_named("r2", "app-2", None, &mut last).unwrap();
        assert_eq!(att.name, "CACHE");
        let att = m.attach_named("r1", "app-2", None, &mut last).unwrap();
        assert_eq!(att.name, "FOO_BAR");
    }

    #[test]
    fn attaching_a_provisioned_resource_releases_the_app_and_shares_config() {
        let mut m = model();
        m.sync_answer(
            "r1",
            "p1",
            BTreeMap::from([("FOO_BAR_A".into(), "v".into())]),
        );
        let att = m
            .attach_named("r1", "app-2", Some("BALLOON"), &mut first)
            .unwrap();
        assert_eq!(m.app_config("app-2")["BALLOON_A"], "v");
        assert_eq!(m.apps["app-2"].releases.len(), 1);
        assert!(m.detach_released(&att.id));
        assert!(m.app_config("app-2").is_empty());
        assert_eq!(m.apps["app-2"].releases.len(), 2);
        assert!(!m.detach_released(&att.id));
    }

    #[test]
    fn a_name_whose_vars_collide_is_taken() {
        let mut m = Model::new("x", "X", vec!["X_A_B".into(), "X_B".into()]);
        m.add_app("app", "app");
        m.attach("r", "app", "X_A");
        // X_A yields X_A_A_B and X_A_B; a new attachment X would yield X_A_B too.
        assert!(m.name_taken("app", "X", None));
        assert!(!m.name_taken("app", "Y", None));
    }
}
