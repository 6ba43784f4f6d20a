//! The browser side of single sign-on: form posts to the partner's `sso_url` without Basic auth,
//! redirects followed by hand with a cookie jar, every hop recorded as an exchange. Tokens and
//! cookies are redacted in the records.

mod hosts;

use reqwest::Method;

pub use hosts::{Decision, FollowHost, Scope, SsoSection};

use super::client::{PartnerClient, Reply, redact_header};
use crate::heroku::sso::TOKEN_FIELDS;
use crate::record::exchange::{Credentials, Header, RequestRecord};

/// Redirects followed before giving up (browsers allow about 20).
const MAX_HOPS: usize = 10;

/// Cookies a browser holds, per host (`host:port`). Paths, expiry and flags are ignored: one
/// run talks to one partner.
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    cookies: Vec<(String, String, String)>,
}

impl CookieJar {
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// Cookie names the jar holds (values are secret).
    pub fn names(&self) -> Vec<String> {
        self.cookies.iter().map(|(_, n, _)| n.clone()).collect()
    }

    fn header_for(&self, host: &str) -> Option<String> {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .filter(|(h, _, _)| h == host)
            .map(|(_, n, v)| format!("{n}={v}"))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    fn store(&mut self, host: &str, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
        self.cookies.retain(|(h, n, _)| !(h == host && *n == name));
        let deleted = value.is_empty() || set_cookie.to_ascii_lowercase().contains("max-age=0");
        if !deleted {
            self.cookies.push((host.to_owned(), name, value));
        }
    }
}

/// The hops of one navigation: the first request, then every redirect followed.
#[derive(Debug, Clone)]
pub struct Navigation {
    pub hops: Vec<Reply>,
    /// The URL of the last hop.
    pub final_url: String,
    /// True when the chain stopped because of too many redirects or a bad Location.
    pub broken: Option<String>,
}

impl Navigation {
    pub fn first(&self) -> &Reply {
        &self.hops[0]
    }

    pub fn last(&self) -> &Reply {
        &self.hops[self.hops.len() - 1]
    }

    /// True when the final answer is a 2xx page.
    pub fn landed(&self) -> bool {
        self.broken.is_none() && self.last().is_success()
    }
}

fn host_of(url: &url::Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn is_redirect(status: Option<u16>) -> bool {
    matches!(status, Some(301 | 302 | 303 | 307 | 308))
}

impl PartnerClient {
    /// Posts `form` to `url` as a browser does (form-encoded, no Basic auth) and follows the
    /// redirects with `jar`. Token values are registered as secrets first.
    pub async fn sso_post(
        &self,
        url: &str,
        form: &[(String, String)],
        jar: &mut CookieJar,
        label: &str,
    ) -> Navigation {
        self.sso_post_as(url, form, jar, label, Credentials::None)
            .await
    }

    /// `sso_post`, with the first request carrying `credentials` (the manifest's Basic auth for
    /// a differential: a browser never sends them).
    pub async fn sso_post_as(
        &self,
        url: &str,
        form: &[(String, String)],
        jar: &mut CookieJar,
        label: &str,
        credentials: Credentials,
    ) -> Navigation {
        for (k, v) in form {
            if TOKEN_FIELDS.contains(&k.as_str()) {
                self.redactor().add("sso_token", v);
            }
        }
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let shown = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| {
                if TOKEN_FIELDS.contains(&k.as_str()) {
                    (k.clone(), format!("[REDACTED:{k}]"))
                } else {
                    (k.clone(), v.clone())
                }
            }))
            .finish();
        let first = self
            .hop_as(
                Method::POST,
                url,
                Some((body, shown)),
                jar,
                label,
                credentials,
            )
            .await;
        self.follow(url, first, jar, label).await
    }

    /// A browser GET of `url` with `jar`, following redirects.
    pub async fn browse(&self, url: &str, jar: &mut CookieJar, label: &str) -> Navigation {
        let first = self.hop(Method::GET, url, None, jar, label).await;
        self.follow(url, first, jar, label).await
    }

    async fn follow(
        &self,
        start: &str,
        first: Reply,
        jar: &mut CookieJar,
        label: &str,
    ) -> Navigation {
        let mut current = start.to_owned();
        let mut hops = vec![first];
        let mut broken = None;
        while is_redirect(hops[hops.len() - 1].status) {
            if hops.len() > MAX_HOPS {
                broken = Some(format!("more than {MAX_HOPS} redirects"));
                break;
            }
            let location = hops[hops.len() - 1]
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                .map(|(_, v)| v.clone());
            let next = location.and_then(|l| url::Url::parse(&current).ok()?.join(&l).ok());
            let Some(next) = next.filter(|u| matches!(u.scheme(), "http" | "https")) else {
                broken = Some("a redirect without a usable Location header".to_owned());
                break;
            };
            if let Decision::Stop(why) = self.may_follow(start, &next).await {
                // The redirect (with its Location) is the last hop recorded; nothing is sent.
                broken = Some(self.redactor().text(&why));
                break;
            }
            current = next.to_string();
            let reply = self
                .hop(
                    Method::GET,
                    &current,
                    None,
                    jar,
                    &format!("{label} (redirect)"),
                )
                .await;
            hops.push(reply);
        }
        Navigation {
            hops,
            final_url: current,
            broken,
        }
    }

    /// Whether a redirect from a navigation that started at `start` may be followed to `next`.
    async fn may_follow(&self, start: &str, next: &url::Url) -> Decision {
        let scope = Scope::new(
            std::iter::once(start).chain(self.base_url()),
            self.sso_follow_hosts(),
        );
        let port = next.port_or_known_default().unwrap_or(443);
        let (mut addresses, mut partner) = (Vec::new(), Vec::new());
        if scope.needs_lookup(next) {
            let host = next.host_str().unwrap_or_default();
            addresses = hosts::resolve(host, port).await;
            if addresses.is_empty() {
                // Unchecked is not safe: the connection would resolve the name again.
                return Decision::Stop(format!(
                    "the redirect goes to {host}, which did not resolve when the harness checked where it points"
                ));
            }
            if addresses.iter().any(|ip| hosts::special(*ip).is_some()) {
                for name in scope.partner_names() {
                    partner.extend(hosts::resolve(name, port).await);
                }
            }
        }
        scope.decide(next, &addresses, &partner)
    }

    /// One request without following redirects; `Set-Cookie` answers go into `jar`.
    pub async fn hop(
        &self,
        method: Method,
        url: &str,
        form: Option<(String, String)>,
        jar: &mut CookieJar,
        label: &str,
    ) -> Reply {
        self.hop_as(method, url, form, jar, label, Credentials::None)
            .await
    }

    async fn hop_as(
        &self,
        method: Method,
        url: &str,
        form: Option<(String, String)>,
        jar: &mut CookieJar,
        label: &str,
        credentials: Credentials,
    ) -> Reply {
        let parsed = url::Url::parse(url).ok();
        let host = parsed.as_ref().map(host_of).unwrap_or_default();
        let mut builder = self.http().request(method.clone(), url);
        let mut headers = vec![Header {
            name: "Accept".into(),
            value: "text/html,application/xhtml+xml".into(),
        }];
        if let Some(cookie) = jar.header_for(&host) {
            builder = builder.header("Cookie", cookie);
            headers.push(Header {
                name: "Cookie".into(),
                value: redact_header("cookie", ""),
            });
        }
        let mut shown_body = None;
        if let Some((body, shown)) = form {
            headers.push(Header {
                name: "Content-Type".into(),
                value: "application/x-www-form-urlencoded".into(),
            });
            builder = builder
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body);
            shown_body = Some(shown);
        }
        builder = builder.header("Accept", "text/html,application/xhtml+xml");
        if credentials == Credentials::Manifest {
            builder = builder.header("Authorization", self.manifest_basic());
            headers.insert(
                0,
                Header {
                    name: "Authorization".into(),
                    value: "Basic [REDACTED:credentials]".into(),
                },
            );
        }
        let record = RequestRecord {
            method: method.to_string(),
            url: self.redactor().text(url),
            headers,
            credentials,
            body: shown_body,
        };
        let reply = self.dispatch(builder, record, label).await;
        for (k, v) in &reply.headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                if let Some((_, value)) = v.split(';').next().and_then(|p| p.split_once('=')) {
                    self.redactor().add("cookie", value.trim());
                }
                jar.store(&host, v);
            }
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jar_keeps_cookies_per_host_and_forgets_deleted_ones() {
        let mut jar = CookieJar::default();
        jar.store("h:80", "s=abc; Path=/; HttpOnly");
        jar.store("h:80", "t=1");
        jar.store("other:80", "x=2");
        assert_eq!(jar.header_for("h:80").as_deref(), Some("s=abc; t=1"));
        jar.store("h:80", "s=; Max-Age=0");
        assert_eq!(jar.header_for("h:80").as_deref(), Some("t=1"));
        assert_eq!(jar.names(), ["t", "x"]);
    }

    async fn client() -> PartnerClient {
        use std::sync::Arc;
        crate::tls::install_provider();
        PartnerClient::new(
            crate::partner::client::ClientSettings {
                base_url: None,
                username: "u".into(),
                password: "p-secret-123".into(),
                request_timeout: std::time::Duration::from_secs(5),
                connect_timeout: std::time::Duration::from_secs(2),
                max_body_bytes: 1 << 16,
                network: crate::network::Network::default(),
            },
            Arc::new(crate::redact::Redactor::new()),
            Arc::new(crate::record::journal::Journal::new()),
            Arc::new(crate::record::ledger::Ledger::default()),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn follows_redirects_with_cookies_and_records_every_hop() {
        use wiremock::matchers::{header, method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/sso"))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("Location", "/dash")
                    .insert_header("Set-Cookie", "sid=cookievalue1; Path=/"),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/dash"))
            .and(header("Cookie", "sid=cookievalue1"))
            .respond_with(ResponseTemplate::new(200).set_body_string("hello cookievalue1"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/loop"))
            .respond_with(ResponseTemplate::new(302).insert_header("Location", "/loop"))
            .mount(&server)
            .await;
        let c = client().await;
        let mut jar = CookieJar::default();
        let form = vec![("resource_token".to_owned(), "tok-abcdef-123".to_owned())];
        let nav = c
            .sso_post(&format!("{}/sso", server.uri()), &form, &mut jar, "login")
            .await;
        assert!(nav.landed(), "{nav:?}");
        assert_eq!(nav.hops.len(), 2);
        assert!(nav.final_url.ends_with("/dash"));
        let first = &nav.first().exchange;
        assert!(first.request.body.as_deref().unwrap().contains("REDACTED"));
        let second = &nav.last().exchange;
        let cookie = second
            .request
            .headers
            .iter()
            .find(|h| h.name == "Cookie")
            .unwrap();
        assert_eq!(cookie.value, "[REDACTED:header]");
        assert!(
            !second
                .response
                .as_ref()
                .unwrap()
                .body
                .contains("cookievalue1")
        );

        let mut jar = CookieJar::default();
        let looping = c
            .browse(&format!("{}/loop", server.uri()), &mut jar, "loop")
            .await;
        assert!(looping.broken.is_some());
        assert!(!looping.landed());
    }
}
