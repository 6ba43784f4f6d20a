//! The run's certificate authority: a CA key and certificate made for the run (or reused from a
//! directory, so `intercept-env` and a later run agree), and one leaf per intercepted host. The
//! TLS side chooses the leaf by SNI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
    GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use crate::error::HarnessError;

/// The CA certificate alone (PEM).
pub const CA_FILE: &str = "ca.pem";
/// The CA's private key (PEM, mode 0600).
const KEY_FILE: &str = "ca-key.pem";

/// The run's CA and the files it lives in.
pub struct CertAuthority {
    issuer: Issuer<'static, KeyPair>,
    ca_pem: String,
    dir: PathBuf,
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "addon-conformance interception CA");
    name.push(DnType::OrganizationName, "addon-conformance (test only)");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    // Even a copied key can vouch for nothing but the intercepted hosts.
    params.name_constraints = Some(NameConstraints {
        permitted_subtrees: super::HEROKU_HOSTS
            .iter()
            .map(|h| GeneralSubtree::DnsName((*h).to_owned()))
            .collect(),
        excluded_subtrees: Vec::new(),
    });
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> HarnessError {
    let path = path.to_owned();
    move |source| HarnessError::Io {
        action,
        path,
        source,
    }
}

fn tls(e: impl std::fmt::Display) -> HarnessError {
    HarnessError::Internal(format!("interception certificates: {e}"))
}

impl CertAuthority {
    /// Reuses the CA in `dir` when both its files are there, else makes a new one and writes it.
    pub fn load_or_create(dir: &Path) -> Result<Self, HarnessError> {
        std::fs::create_dir_all(dir).map_err(io("create", dir))?;
        let (cert, key) = (dir.join(CA_FILE), dir.join(KEY_FILE));
        if cert.is_file() && key.is_file() {
            let ca_pem = std::fs::read_to_string(&cert).map_err(io("read", &cert))?;
            let key_pem = std::fs::read_to_string(&key).map_err(io("read", &key))?;
            let key_pair = KeyPair::from_pem(&key_pem).map_err(tls)?;
            // The same name and key: leaves issued now chain to the certificate on disk.
            return Ok(Self {
                issuer: Issuer::new(ca_params(), key_pair),
                ca_pem,
                dir: dir.to_owned(),
            });
        }
        Self::create(dir)
    }

    /// Makes a new CA and writes its certificate and key into `dir`.
    pub fn create(dir: &Path) -> Result<Self, HarnessError> {
        std::fs::create_dir_all(dir).map_err(io("create", dir))?;
        let key_pair = KeyPair::generate().map_err(tls)?;
        let params = ca_params();
        let ca_pem = params.self_signed(&key_pair).map_err(tls)?.pem();
        let key = dir.join(KEY_FILE);
        write_private(&key, &key_pair.serialize_pem()).map_err(io("write", &key))?;
        let cert = dir.join(CA_FILE);
        std::fs::write(&cert, &ca_pem).map_err(io("write", &cert))?;
        Ok(Self {
            issuer: Issuer::new(params, key_pair),
            ca_pem,
            dir: dir.to_owned(),
        })
    }

    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The file holding the CA certificate alone.
    pub fn ca_path(&self) -> PathBuf {
        self.dir.join(CA_FILE)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A leaf certificate for `host`, with its key, for rustls.
    pub fn leaf(&self, host: &str) -> Result<CertifiedKey, HarnessError> {
        let mut params = CertificateParams::new(vec![host.to_owned()]).map_err(tls)?;
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, host);
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let key_pair = KeyPair::generate().map_err(tls)?;
        let cert = params.signed_by(&key_pair, &self.issuer).map_err(tls)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pair.serialize_der()));
        let provider = rustls::crypto::ring::default_provider();
        let signing = provider.key_provider.load_private_key(key).map_err(tls)?;
        let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
        Ok(CertifiedKey::new(chain, signing))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Chooses the leaf by the name the client asked for (SNI); no leaf for any other name.
#[derive(Debug)]
pub(crate) struct SniResolver {
    leaves: BTreeMap<String, Arc<CertifiedKey>>,
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let name = hello.server_name()?.to_ascii_lowercase();
        self.leaves.get(&name).cloned()
    }
}

/// The TLS server side for `hosts`, HTTP/1.1 only (the platform speaks HTTP/1.1).
pub(crate) fn server_config(
    ca: &CertAuthority,
    hosts: &[&str],
) -> Result<Arc<rustls::ServerConfig>, HarnessError> {
    let mut leaves = BTreeMap::new();
    for host in hosts {
        leaves.insert((*host).to_owned(), Arc::new(ca.leaf(host)?));
    }
    let resolver = SniResolver { leaves };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
