//! How the reference partner starts beyond its faults: in the hardcoded-hosts mode it reaches
//! `https://id.heroku.com` and `https://api.heroku.com` through a loopback proxy only, and
//! `serve-reference` can take fixed secrets so a manifest and config exist before it starts.

use crate::error::HarnessError;

/// How the reference partner reaches `https://id.heroku.com` and `https://api.heroku.com` when
/// it calls them directly, as real add-ons do: the interception proxy (loopback only, so it
/// never reaches the real Heroku) and the CA bundle to trust (`HTTPS_PROXY`, `SSL_CERT_FILE`).
#[derive(Debug, Clone)]
pub struct HerokuReach {
    pub proxy: String,
    /// PEM certificates to trust besides the system roots.
    pub ca_pem: Option<Vec<u8>>,
}

impl HerokuReach {
    /// From the interception environment (`HTTPS_PROXY` or `https_proxy`, and `SSL_CERT_FILE`).
    pub fn from_env() -> Result<Self, HarnessError> {
        let env = crate::config::env::ProxyEnvironment::read();
        let Some(proxy) = env.https_proxy else {
            return Err(HarnessError::usage(
                "--hardcoded-heroku-hosts needs HTTPS_PROXY: the reference partner only reaches \
                 Heroku's hosts through the interception proxy",
                "run it with the environment `addon-conformance intercept-env` prints, or under \
                 `run --intercept --partner-cmd`",
            ));
        };
        let ca_pem = match env.ssl_cert_file {
            Some(path) => Some(std::fs::read(&path).map_err(|source| HarnessError::Io {
                action: "read",
                path,
                source,
            })?),
            None => None,
        };
        Ok(Self { proxy, ca_pem })
    }

    pub(super) fn client(&self) -> Result<reqwest::Client, HarnessError> {
        if !crate::network::is_loopback(&self.proxy) {
            return Err(HarnessError::usage(
                format!(
                    "the proxy {} is not on loopback; the reference partner reaches Heroku's \
                     hosts only through the local interception proxy",
                    self.proxy
                ),
                "use the proxy address the run prints (http://127.0.0.1:PORT)",
            ));
        }
        let bad =
            |e: reqwest::Error| HarnessError::Internal(format!("reference partner proxy: {e}"));
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .proxy(reqwest::Proxy::all(&self.proxy).map_err(bad)?)
            .timeout(std::time::Duration::from_secs(5));
        if let Some(pem) = &self.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(bad)?;
            builder = builder.tls_certs_merge(certs);
        }
        builder.build().map_err(bad)
    }
}

/// Secrets the reference partner uses instead of fresh random ones (so a manifest and config
/// can be written before it starts, as for `run --partner-cmd`).
#[derive(Debug, Clone)]
pub struct ReferenceSecrets {
    pub password: String,
    pub sso_salt: String,
    pub client_secret: String,
}

/// How the reference partner starts, beyond its faults and address.
#[derive(Debug, Clone, Default)]
pub struct ReferenceOptions {
    /// Call Heroku's hosts directly, through this proxy (the hardcoded-hosts mode).
    pub heroku: Option<HerokuReach>,
    /// Fixed secrets; random ones without.
    pub secrets: Option<ReferenceSecrets>,
    /// Added to every Partner API and SSO call before it is handled.
    pub call_latency: std::time::Duration,
    /// Added to every provision, on top of `call_latency`.
    pub provision_latency: std::time::Duration,
    /// The partner never exchanges its grants (so it never completes an async provision).
    pub never_exchange: bool,
}
