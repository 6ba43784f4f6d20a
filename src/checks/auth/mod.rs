//! AUTH-02: wrong or missing Basic credentials get 401, one check per endpoint.

pub mod deprovision;
pub mod plan_change;
pub mod provision;

crate::suite!(provision, plan_change, deprovision);

use crate::check::{Verdict, pass};
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

/// The three probes each endpoint must refuse.
pub fn probes() -> [(Credentials, &'static str); 3] {
    [
        (Credentials::None, "no credentials"),
        (Credentials::WrongPassword, "wrong password"),
        (Credentials::WrongUsername, "wrong username"),
    ]
}

/// Passes when every probe got 401; otherwise lists the ones that did not.
pub fn judge(endpoint: &str, replies: &[(&str, Reply)]) -> Verdict {
    let wrong: Vec<String> = replies
        .iter()
        .filter(|(_, r)| r.status != Some(401))
        .map(|(what, r)| format!("{what}: {}", crate::check::judge::observed_status(r)))
        .collect();
    if wrong.is_empty() {
        return pass();
    }
    let mut finding = Finding::new(
        format!("401 on {endpoint} for missing credentials, a wrong password and a wrong username"),
        wrong.join("; "),
    )
    .at("status")
    .hint("check both the username (the add-on id) and the password on every provisioning route, before looking the resource up, and answer 401");
    for (_, r) in replies.iter().filter(|(_, r)| r.status != Some(401)) {
        finding = finding.exchange(&r.exchange);
    }
    finding.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{found, reply};

    #[test]
    fn all_401_pass_anything_else_fails() {
        let ok = [("a", reply(401, "")), ("b", reply(401, ""))];
        assert!(matches!(judge("provision", &ok), Ok(Pass(_))));
        let bad = [("a", reply(401, "")), ("wrong username", reply(200, "{}"))];
        let v = judge("provision", &bad);
        let f = found(&v);
        assert_eq!(f.location.as_deref(), Some("status"));
        assert!(
            f.observed.contains("wrong username: status 200"),
            "{}",
            f.observed
        );
        assert!(
            !f.observed.contains("a: "),
            "a 401 is not listed: {}",
            f.observed
        );
        let v = judge("x", &[("a", reply(403, ""))]);
        assert!(found(&v).observed.contains("a: status 403"));
    }
}
