//! Where an SSO navigation may go: the partner's own hosts (those of `sso_url` and `base_url`),
//! the loopback names in a local run, and the hosts `[sso] follow_hosts` lists. A listed host
//! is still refused when it is (or resolves to) a loopback, link-local, metadata or private
//! address and the partner itself does not live on such an address.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// The `[sso]` section of the config.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SsoSection {
    /// Hosts besides the partner's own that SSO redirects may be followed to (an identity
    /// provider, a separate dashboard host): exact names, or `*.example.com` for subdomains.
    #[serde(default)]
    pub follow_hosts: Vec<FollowHost>,
}

/// One `follow_hosts` entry, checked when the config is read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct FollowHost(String);

impl TryFrom<String> for FollowHost {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        let name = value.trim().trim_end_matches('.').to_ascii_lowercase();
        let bare = name.strip_prefix("*.").unwrap_or(&name);
        let bare = bare.trim_start_matches('[').trim_end_matches(']');
        let valid = !bare.is_empty()
            && (bare.parse::<IpAddr>().is_ok()
                || bare.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                }));
        if valid {
            Ok(Self(name))
        } else {
            Err(format!(
                "[sso] follow_hosts: `{value}` is not a host name: write a bare host such as `login.example.com` or `*.example.com` (no scheme, port or path)"
            ))
        }
    }
}

impl From<FollowHost> for String {
    fn from(h: FollowHost) -> Self {
        h.0
    }
}

impl FollowHost {
    fn matches(&self, host: &str) -> bool {
        let pattern = self.0.trim_start_matches('[').trim_end_matches(']');
        match pattern.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == pattern,
        }
    }
}

/// The decision for one redirect target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Follow,
    /// Not fetched; the text says which host it stopped at and what would allow it.
    Stop(String),
}

/// The hosts one navigation may visit.
#[derive(Debug, Clone)]
pub struct Scope {
    partner: Vec<String>,
    listed: Vec<FollowHost>,
}

/// How an address is special; `None` for a public one.
pub fn special(ip: IpAddr) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Some("loopback")
            } else if v4 == std::net::Ipv4Addr::new(169, 254, 169, 254)
                || v4 == std::net::Ipv4Addr::new(100, 100, 100, 200)
            {
                Some("cloud metadata")
            } else if v4.is_link_local() {
                Some("link-local")
            } else if v4.is_private() || (a == 100 && (64..128).contains(&b)) {
                Some("private")
            } else if v4.is_unspecified() || v4.is_broadcast() || a == 0 {
                Some("unspecified")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.segments() == [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254] {
                Some("cloud metadata")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if first & 0xfe00 == 0xfc00 {
                Some("private")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else {
                None
            }
        }
    }
}

/// The names a local server is reached at.
fn is_loopback_name(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1")
}

fn ip_of(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

impl Scope {
    /// The partner's hosts are those of `urls` (the navigation's start, `base_url`).
    pub fn new<'a>(urls: impl IntoIterator<Item = &'a str>, listed: &[FollowHost]) -> Self {
        let partner = urls
            .into_iter()
            .filter_map(|u| url::Url::parse(u).ok())
            .filter_map(|u| u.host_str().map(str::to_ascii_lowercase))
            .collect();
        Self {
            partner,
            listed: listed.to_vec(),
        }
    }

    /// One of the partner's hosts, or a loopback name in a local run.
    fn owned(&self, host: &str) -> bool {
        self.partner.iter().any(|h| h == host) || (self.local() && is_loopback_name(host))
    }

    fn local(&self) -> bool {
        self.partner.iter().any(|h| is_loopback_name(h))
    }

    /// Address classes the partner itself lives on (from its IP-literal hosts and names).
    fn partner_classes(&self, resolved: &[IpAddr]) -> Vec<&'static str> {
        let mut classes: Vec<&'static str> = self
            .partner
            .iter()
            .filter_map(|h| ip_of(h).and_then(special))
            .chain(resolved.iter().copied().filter_map(special))
            .collect();
        if self.local() {
            classes.push("loopback");
        }
        classes
    }

    /// Decides on `target`; `addresses` are what its host resolves to (for a listed name) and
    /// `partner_addresses` what the partner's own names resolve to.
    pub fn decide(
        &self,
        target: &url::Url,
        addresses: &[IpAddr],
        partner_addresses: &[IpAddr],
    ) -> Decision {
        let host = target.host_str().unwrap_or_default().to_ascii_lowercase();
        if self.owned(&host) {
            return Decision::Follow;
        }
        if !self
            .listed
            .iter()
            .any(|l| l.matches(host.trim_start_matches('[').trim_end_matches(']')))
        {
            return Decision::Stop(format!(
                "stopped at a redirect to {host}, which is not the partner's host (sso_url, base_url): \
                 it was not fetched; to follow it, list \"{host}\" in [sso] follow_hosts"
            ));
        }
        let lives = self.partner_classes(partner_addresses);
        let ips: Vec<IpAddr> = ip_of(&host)
            .into_iter()
            .chain(addresses.iter().copied())
            .collect();
        for ip in ips {
            if let Some(class) = special(ip).filter(|c| !lives.contains(c)) {
                return Decision::Stop(format!(
                    "stopped at a redirect to {host}: it is listed in [sso] follow_hosts but is a \
                     {class} address ({ip}), and the partner does not live on one; it was not fetched"
                ));
            }
        }
        Decision::Follow
    }

    /// Whether `decide` needs the target's addresses (a listed name, not an IP literal).
    pub fn needs_lookup(&self, target: &url::Url) -> bool {
        let host = target.host_str().unwrap_or_default().to_ascii_lowercase();
        !self.owned(&host) && ip_of(&host).is_none() && self.listed.iter().any(|l| l.matches(&host))
    }

    /// The partner's host names (not IP literals), for resolving.
    pub fn partner_names(&self) -> impl Iterator<Item = &str> {
        self.partner
            .iter()
            .map(String::as_str)
            .filter(|h| ip_of(h).is_none())
    }
}

/// The addresses `host` resolves to (none when it does not).
pub async fn resolve(host: &str, port: u16) -> Vec<IpAddr> {
    match tokio::net::lookup_host((host, port)).await {
        Ok(addrs) => addrs.map(|a| a.ip()).collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    fn listed(hosts: &[&str]) -> Vec<FollowHost> {
        hosts
            .iter()
            .map(|h| FollowHost::try_from((*h).to_owned()).unwrap())
            .collect()
    }

    #[test]
    fn the_partners_hosts_and_local_loopback_names_are_followed() {
        let s = Scope::new(["https://addon.example.com/sso"], &[]);
        assert_eq!(
            s.decide(&url("http://ADDON.example.com:8080/x"), &[], &[]),
            Decision::Follow
        );
        assert!(matches!(
            s.decide(&url("http://localhost/x"), &[], &[]),
            Decision::Stop(_)
        ));
        let local = Scope::new(["http://127.0.0.1:5000/sso"], &[]);
        assert_eq!(
            local.decide(&url("http://localhost:3000/"), &[], &[]),
            Decision::Follow
        );
        let Decision::Stop(why) = local.decide(&url("http://127.0.0.2:3000/"), &[], &[]) else {
            panic!("127.0.0.2 is not one of the partner's names")
        };
        assert!(
            why.contains("127.0.0.2") && why.contains("[sso] follow_hosts"),
            "{why}"
        );
    }

    #[test]
    fn listed_hosts_are_followed_unless_special() {
        let s = Scope::new(
            ["https://addon.example.com/sso"],
            &listed(&["*.idp.example", "169.254.169.254"]),
        );
        let idp = url("https://login.idp.example/");
        assert!(s.needs_lookup(&idp));
        let public: IpAddr = "93.184.215.14".parse().unwrap();
        assert_eq!(s.decide(&idp, &[public], &[]), Decision::Follow);
        let private: IpAddr = "10.0.0.7".parse().unwrap();
        assert!(
            matches!(s.decide(&idp, &[private], &[]), Decision::Stop(w) if w.contains("private"))
        );
        // A partner on a private network may send its users to a neighbour there.
        assert_eq!(
            s.decide(&idp, &[private], &["10.0.0.2".parse().unwrap()]),
            Decision::Follow
        );
        let Decision::Stop(why) = s.decide(&url("http://169.254.169.254/latest/"), &[], &[]) else {
            panic!("metadata is never followed from a public partner")
        };
        assert!(why.contains("cloud metadata"), "{why}");
        assert!(matches!(
            s.decide(&url("http://[::ffff:169.254.1.1]/"), &[], &[]),
            Decision::Stop(_)
        ));
    }

    #[test]
    fn bad_entries_are_refused() {
        for bad in ["https://x.example", "x.example:443", "a b", ""] {
            assert!(FollowHost::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        assert!(FollowHost::try_from("[::1]".to_owned()).is_ok());
    }
}
