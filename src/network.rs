//! Network options for staging add-ons: a private CA (`--cacert`), `--insecure`, and proxies.
//! rustls verifies against the system roots (rustls-platform-verifier) plus the given CA.
//! `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` are honoured; a loopback partner is never proxied.

use std::path::Path;

use crate::error::HarnessError;

/// Shown in every report of a run with `--insecure`.
pub const INSECURE_WARNING: &str = "WARNING: --insecure: TLS certificates and host names are NOT \
    verified in this run; it proves nothing about the partner's TLS setup";

#[derive(Debug, Clone, Default)]
pub struct Network {
    /// PEM certificates to trust besides the system roots, with the file they came from.
    pub ca_pem: Option<(String, Vec<u8>)>,
    /// Accept any certificate (`--insecure`).
    pub insecure: bool,
}

impl Network {
    /// Reads and checks `--cacert`; a bad file is an input error naming it.
    pub fn load(cacert: Option<&Path>, insecure: bool) -> Result<Self, HarnessError> {
        let ca_pem = match cacert {
            None => None,
            Some(path) => {
                let file = path.display().to_string();
                let bytes = std::fs::read(path).map_err(|e| {
                    HarnessError::input(
                        &file,
                        "--cacert",
                        format!("cannot be read: {e}"),
                        "pass the path of your CA certificate in PEM format",
                    )
                })?;
                if parse(&bytes).map_or(true, |c| c.is_empty()) {
                    return Err(HarnessError::input(
                        &file,
                        "--cacert",
                        "holds no PEM certificate",
                        "pass a file with -----BEGIN CERTIFICATE----- blocks",
                    ));
                }
                Some((file, bytes))
            }
        };
        Ok(Self { ca_pem, insecure })
    }

    /// Applies the options to the partner client's builder.
    pub fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
        base_url: Option<&str>,
    ) -> Result<reqwest::ClientBuilder, HarnessError> {
        if let Some((file, pem)) = &self.ca_pem {
            let certs = parse(pem)
                .map_err(|e| HarnessError::input(file, "--cacert", e, "pass a PEM certificate"))?;
            builder = builder.tls_certs_merge(certs);
        }
        if self.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        if base_url.is_some_and(is_loopback) {
            builder = builder.no_proxy();
        }
        Ok(builder)
    }
}

fn parse(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    reqwest::Certificate::from_pem_bundle(pem).map_err(|e| e.to_string())
}

/// True when the URL's host is loopback (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(url: &str) -> bool {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:3000/x",
            "http://localhost/x",
            "http://[::1]:1/",
            "http://127.8.9.1/",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in ["https://partner.example/x", "http://10.0.0.1/", "not a url"] {
            assert!(!is_loopback(url), "{url}");
        }
    }

    #[test]
    fn a_cacert_without_certificates_is_an_input_error() {
        let path = std::env::temp_dir().join(format!("ac-ca-{}.pem", uuid::Uuid::new_v4()));
        std::fs::write(&path, "not a certificate").unwrap();
        let e = Network::load(Some(&path), false).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("--cacert"), "{e}");
        let missing = Network::load(Some(Path::new("/nonexistent/ca.pem")), false).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
    }
}
