//! The environment an add-on needs to go through the proxy and trust the run's CA, for the
//! common runtimes, and its rendering as shell `export` lines.
//!
//! `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE` and `CURL_CA_BUNDLE` *replace* a runtime's trust store,
//! so they point at a bundle holding the run's CA **and** the system roots: an add-on that may
//! reach another TLS host (one on the pass list) still verifies it. `NODE_EXTRA_CA_CERTS` adds to
//! Node's own roots, so it gets the CA alone. Java reads `JAVA_TOOL_OPTIONS`: proxy properties,
//! and a PKCS12 trust store (the JDK's roots plus the CA) made with `keytool` when it is on PATH.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine;

use super::CertAuthority;
use crate::error::HarnessError;

/// The bundle file: the run's CA, then the system roots.
pub const BUNDLE_FILE: &str = "ca-bundle.pem";
/// The Java trust store (PKCS12).
pub const JAVA_STORE_FILE: &str = "truststore.p12";
/// The Java trust store's password (it protects nothing: it holds only public certificates).
const JAVA_STORE_PASSWORD: &str = "changeit";

/// Loopback, never proxied.
pub const NO_PROXY: &str = "localhost,127.0.0.1,::1";

/// The variables, in order, and notes on what could not be set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterceptEnv {
    pub vars: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub ca: PathBuf,
    pub bundle: PathBuf,
}

/// Whether to make the Java trust store (it starts a JVM for `keytool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Java {
    TrustStore,
    Skip,
}

impl InterceptEnv {
    /// Writes the bundle (and the Java trust store) beside the CA, and lists the variables.
    pub fn prepare(
        ca: &CertAuthority,
        proxy: SocketAddr,
        java: Java,
    ) -> Result<Self, HarnessError> {
        let mut notes = Vec::new();
        let bundle = ca.dir().join(BUNDLE_FILE);
        let (roots, missing) = system_roots_pem();
        if missing {
            notes.push(
                "no system root certificates were found: the bundle holds the run's CA only, so \
                 TLS hosts other than Heroku's fail verification"
                    .to_owned(),
            );
        }
        let text = format!("{}\n{roots}", ca.ca_pem().trim_end());
        std::fs::write(&bundle, text).map_err(|source| HarnessError::Io {
            action: "write",
            path: bundle.clone(),
            source,
        })?;
        let proxy_url = format!("http://{proxy}");
        let mut vars: Vec<(String, String)> = Vec::new();
        let mut set = |k: &str, v: &str| vars.push((k.to_owned(), v.to_owned()));
        for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
            set(name, &proxy_url);
        }
        set("NO_PROXY", NO_PROXY);
        set("no_proxy", NO_PROXY);
        let bundle_text = bundle.display().to_string();
        for name in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"] {
            set(name, &bundle_text);
        }
        set("NODE_EXTRA_CA_CERTS", &ca.ca_path().display().to_string());
        // Node 22.21+/24.5+: the built-in fetch and https honour the proxy variables with this.
        set("NODE_USE_ENV_PROXY", "1");
        let store = match java {
            Java::TrustStore => java_trust_store(ca, &mut notes),
            Java::Skip => None,
        };
        set(
            "JAVA_TOOL_OPTIONS",
            &java_options(proxy, store.as_deref(), &mut notes),
        );
        Ok(Self {
            vars,
            notes,
            ca: ca.ca_path(),
            bundle,
        })
    }

    pub fn map(&self) -> BTreeMap<String, String> {
        self.vars.iter().cloned().collect()
    }

    /// Shell `export` lines (values single-quoted), notes as comments.
    pub fn exports(&self) -> String {
        let mut out = String::new();
        for note in &self.notes {
            out.push_str(&format!("# note: {note}\n"));
        }
        for (name, value) in &self.vars {
            out.push_str(&format!("export {name}={}\n", quote(value)));
        }
        out
    }
}

/// A value as one single-quoted shell word.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The system's root certificates as PEM, and whether none were found.
fn system_roots_pem() -> (String, bool) {
    let found = rustls_native_certs::load_native_certs();
    let mut out = String::new();
    for cert in &found.certs {
        out.push_str(&pem("CERTIFICATE", cert.as_ref()));
    }
    (out, found.certs.is_empty())
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn java_options(proxy: SocketAddr, store: Option<&Path>, notes: &mut Vec<String>) -> String {
    let (host, port) = (proxy.ip(), proxy.port());
    let mut opts = vec![
        format!("-Dhttps.proxyHost={host}"),
        format!("-Dhttps.proxyPort={port}"),
        format!("-Dhttp.proxyHost={host}"),
        format!("-Dhttp.proxyPort={port}"),
        "-Dhttp.nonProxyHosts=localhost|127.0.0.1|[::1]".to_owned(),
    ];
    match store.map(|p| p.display().to_string()) {
        // JAVA_TOOL_OPTIONS is split at white space: such a path cannot be passed.
        Some(path) if path.contains(char::is_whitespace) => notes.push(format!(
            "the Java trust store {path} has white space in its path; JAVA_TOOL_OPTIONS cannot \
             name it: choose an interception directory without spaces"
        )),
        Some(path) => {
            opts.push(format!("-Djavax.net.ssl.trustStore={path}"));
            opts.push("-Djavax.net.ssl.trustStoreType=PKCS12".to_owned());
            opts.push(format!(
                "-Djavax.net.ssl.trustStorePassword={JAVA_STORE_PASSWORD}"
            ));
        }
        None => {}
    }
    opts.join(" ")
}

/// The JDK's `cacerts` beside `keytool` (…/bin/keytool → …/lib/security/cacerts).
fn jdk_cacerts(keytool: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(keytool).ok()?;
    let home = real.parent()?.parent()?;
    let cacerts = home.join("lib/security/cacerts");
    cacerts.is_file().then_some(cacerts)
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn keytool(keytool: &Path, args: &[&str]) -> bool {
    std::process::Command::new(keytool)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// True when `file` exists and was written after `than`.
fn newer_than(file: &Path, than: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(file), modified(than)), (Some(a), Some(b)) if a >= b)
}

/// Makes `truststore.p12` (JDK roots, then the CA); `None` with a note when it cannot.
fn java_trust_store(ca: &CertAuthority, notes: &mut Vec<String>) -> Option<PathBuf> {
    let Some(tool) = on_path("keytool") else {
        notes.push(
            "keytool is not on PATH: JAVA_TOOL_OPTIONS sets the proxy only; import the CA into \
             your JVM's trust store yourself"
                .to_owned(),
        );
        return None;
    };
    let store = ca.dir().join(JAVA_STORE_FILE);
    if newer_than(&store, &ca.ca_path()) {
        // Made for this CA by an earlier run or `intercept-env`.
        return Some(store);
    }
    let _ = std::fs::remove_file(&store);
    let store_text = store.display().to_string();
    let ca_file = ca.ca_path().display().to_string();
    if let Some(cacerts) = jdk_cacerts(&tool) {
        let cacerts = cacerts.display().to_string();
        let copied = keytool(
            &tool,
            &[
                "-importkeystore",
                "-noprompt",
                "-srckeystore",
                &cacerts,
                "-srcstorepass",
                JAVA_STORE_PASSWORD,
                "-destkeystore",
                &store_text,
                "-deststoretype",
                "PKCS12",
                "-deststorepass",
                JAVA_STORE_PASSWORD,
            ],
        );
        if !copied {
            notes.push(
                "the JDK's root certificates could not be copied into the Java trust \
                        store: it holds the run's CA only"
                    .to_owned(),
            );
        }
    }
    let imported = keytool(
        &tool,
        &[
            "-importcert",
            "-noprompt",
            "-alias",
            "addon-conformance-ca",
            "-file",
            &ca_file,
            "-keystore",
            &store_text,
            "-storetype",
            "PKCS12",
            "-storepass",
            JAVA_STORE_PASSWORD,
        ],
    );
    if imported {
        Some(store)
    } else {
        notes.push(format!(
            "keytool could not make {store_text}: JAVA_TOOL_OPTIONS sets the proxy only"
        ));
        None
    }
}
