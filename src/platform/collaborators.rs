//! The users with access to an app (SSO-09): every app has an owner and a collaborator, two
//! distinct Heroku users, listed by `GET /apps/{app}/collaborators` in the Platform API's shape.
//! Logins can be made as either: the dashboard must open for every user with access.

use serde::Serialize;
use serde_json::{Value, json};

use super::state::{AppRecord, Model};
use crate::heroku::sso::SsoUser;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Collaborator,
}

/// One user with access to an app.
#[derive(Debug, Clone)]
pub struct Collaborator {
    pub role: Role,
    pub user: SsoUser,
    pub app_id: String,
    pub app_name: String,
}

impl Collaborator {
    /// The Platform API's collaborator object.
    pub fn to_json(&self) -> Value {
        // The collaborator record has its own id; derive it so repeated reads agree.
        let id = uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("{}:{}", self.app_id, self.user.id).as_bytes(),
        );
        json!({
            "id": id.to_string(),
            "role": self.role,
            "permissions": [],
            "user": {"id": self.user.id, "email": self.user.email, "federated": false},
            "app": {"id": self.app_id, "name": self.app_name},
        })
    }
}

fn of(app: &AppRecord) -> Vec<Collaborator> {
    [
        (Role::Owner, &app.owner),
        (Role::Collaborator, &app.collaborator),
    ]
    .into_iter()
    .map(|(role, user)| Collaborator {
        role,
        user: user.clone(),
        app_id: app.id.clone(),
        app_name: app.name.clone(),
    })
    .collect()
}

impl Model {
    /// Owner first, then the collaborator; empty for an unknown app.
    pub fn collaborators(&self, app_id: &str) -> Vec<Collaborator> {
        self.apps.get(app_id).map(of).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_app_has_a_distinct_owner_and_collaborator() {
        let mut m = Model::new("x", "X", vec![]);
        m.add_app("app-1", "one");
        m.add_app("app-2", "two");
        let one = m.collaborators("app-1");
        assert_eq!(
            one.iter().map(|c| c.role).collect::<Vec<_>>(),
            [Role::Owner, Role::Collaborator]
        );
        assert_ne!(one[0].user.id, one[1].user.id);
        assert_ne!(one[0].user.email, one[1].user.email);
        let two = m.collaborators("app-2");
        assert_ne!(one[0].user.id, two[0].user.id);
        assert_eq!(one[0].to_json(), m.collaborators("app-1")[0].to_json());
        assert!(m.collaborators("nope").is_empty());
    }
}
