//! Unit tests of interception: decisions, request heads, the rewritten head, refusals, the CA
//! and the environment.

use super::env::{InterceptEnv, Java, quote};
use super::proxy::{read_head, split_authority};
use super::*;
use crate::record::InboundKind;

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("ac-intercept-unit-{}", uuid::Uuid::new_v4()))
}

#[test]
fn heroku_hosts_are_intercepted_loopback_and_the_pass_list_pass_the_rest_is_refused() {
    let pass = vec!["Partner-Upstream.example".to_owned()];
    let cases = [
        ("id.heroku.com", 443, true, Decision::Intercept),
        ("API.heroku.com.", 443, true, Decision::Intercept),
        ("api.heroku.com", 80, false, Decision::Intercept),
        ("api.heroku.com", 8443, true, Decision::Refuse),
        ("api.heroku.com", 80, true, Decision::Refuse),
        ("dashboard.heroku.com", 443, true, Decision::Refuse),
        ("api.heroku.com.evil.example", 443, true, Decision::Refuse),
        ("127.0.0.1", 5000, false, Decision::Pass),
        ("127.9.9.9", 443, true, Decision::Pass),
        ("[::1]", 443, true, Decision::Pass),
        ("localhost", 3000, false, Decision::Pass),
        ("app.localhost", 3000, false, Decision::Pass),
        ("127.0.0.1.nip.io", 443, true, Decision::Refuse),
        ("10.0.0.1", 443, true, Decision::Refuse),
        ("partner-upstream.example", 443, true, Decision::Pass),
        ("api.stripe.com", 443, true, Decision::Refuse),
    ];
    for (host, port, https, expected) in cases {
        assert_eq!(decide(host, port, https, &pass), expected, "{host}:{port}");
    }
}

#[tokio::test]
async fn a_head_is_read_with_the_bytes_after_it() {
    let mut input: &[u8] = b"CONNECT api.heroku.com:443 HTTP/1.1\r\nHost: x\r\n\r\n\x16\x03\x01";
    let head = read_head(&mut input).await.unwrap();
    assert_eq!(
        (head.method.as_str(), head.target.as_str()),
        ("CONNECT", "api.heroku.com:443")
    );
    assert_eq!(&head.bytes[head.len..], b"\x16\x03\x01");
    assert_eq!(
        split_authority(&head.target),
        Some(("api.heroku.com".into(), 443))
    );
    assert_eq!(split_authority("[::1]:8080"), Some(("::1".into(), 8080)));
    assert_eq!(split_authority("no-port"), None);
}

#[tokio::test]
async fn bad_and_oversized_heads_are_rejected() {
    let mut garbage: &[u8] = b"\x16\x03\x01 not http\r\n\r\n";
    assert!(read_head(&mut garbage).await.is_none());
    let big = format!(
        "GET http://x/ HTTP/1.1\r\nX: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let mut big = big.as_bytes();
    assert!(read_head(&mut big).await.is_none());
    let mut cut: &[u8] = b"GET http://x/ HTTP/1.1\r\n";
    assert!(read_head(&mut cut).await.is_none());
}

#[test]
fn a_refusal_names_the_target_and_the_way_to_pass_it() {
    let refusal = Refusal {
        target: "api.stripe.com:443".into(),
        method: "CONNECT".into(),
        via: Via::Connect,
    };
    assert_eq!(refusal.host(), "api.stripe.com");
    let message = refusal.message();
    assert!(message.starts_with("your add-on tried to reach api.stripe.com:443"));
    assert!(message.contains("--intercept-pass api.stripe.com"));
    let inbound = Evidence::Refused(refusal).to_inbound();
    assert_eq!(
        (inbound.status, inbound.kind),
        (403, InboundKind::RefusedOutbound)
    );
    assert!(!inbound.ok());
}

#[test]
fn the_ca_is_reused_from_its_directory() {
    crate::tls::install_provider();
    let dir = scratch();
    let first = CertAuthority::load_or_create(&dir).unwrap();
    let again = CertAuthority::load_or_create(&dir).unwrap();
    assert_eq!(first.ca_pem(), again.ca_pem());
    assert!(first.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(again.leaf("api.heroku.com").is_ok());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("ca-key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the CA key is readable by others");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_environment_names_the_proxy_the_bundle_and_loopback() {
    let dir = scratch();
    let ca = CertAuthority::create(&dir).unwrap();
    let proxy: SocketAddr = "127.0.0.1:8089".parse().unwrap();
    let env = InterceptEnv::prepare(&ca, proxy, Java::Skip).unwrap();
    let vars = env.map();
    for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
        assert_eq!(vars[name], "http://127.0.0.1:8089", "{name}");
    }
    assert_eq!(vars["NO_PROXY"], "localhost,127.0.0.1,::1");
    let bundle = dir.join(env::BUNDLE_FILE).display().to_string();
    for name in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"] {
        assert_eq!(vars[name], bundle, "{name}");
    }
    assert_eq!(
        vars["NODE_EXTRA_CA_CERTS"],
        ca.ca_path().display().to_string()
    );
    assert!(vars["JAVA_TOOL_OPTIONS"].contains("-Dhttps.proxyPort=8089"));
    let text = std::fs::read_to_string(&bundle).unwrap();
    assert!(
        text.starts_with(ca.ca_pem().trim_end()),
        "the run's CA comes first"
    );
    let certs = text.matches("BEGIN CERTIFICATE").count();
    let no_roots = env.notes.iter().any(|n| n.contains("no system root"));
    assert!(no_roots || certs > 1, "the system roots are in the bundle");
    let exports = env.exports();
    assert!(
        exports.contains("export NO_PROXY='localhost,127.0.0.1,::1'\n"),
        "{exports}"
    );
    assert_eq!(quote("it's"), r"'it'\''s'");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_java_trust_store_is_made_when_keytool_is_there() {
    let has_keytool = std::process::Command::new("sh")
        .args(["-c", "command -v keytool"])
        .output()
        .is_ok_and(|o| o.status.success());
    let dir = scratch();
    let ca = CertAuthority::create(&dir).unwrap();
    let env =
        InterceptEnv::prepare(&ca, "127.0.0.1:8089".parse().unwrap(), Java::TrustStore).unwrap();
    let options = &env.map()["JAVA_TOOL_OPTIONS"];
    if has_keytool {
        let store = dir.join(env::JAVA_STORE_FILE);
        assert!(options.contains(&format!("-Djavax.net.ssl.trustStore={}", store.display())));
        let listed = std::process::Command::new("keytool")
            .args(["-list", "-keystore"])
            .arg(&store)
            .args(["-storepass", "changeit", "-alias", "addon-conformance-ca"])
            .output()
            .unwrap();
        assert!(
            listed.status.success(),
            "{}",
            String::from_utf8_lossy(&listed.stdout)
        );
    } else {
        assert!(!options.contains("trustStore"));
        assert!(env.notes.iter().any(|n| n.contains("keytool")));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn intercept_env_wants_a_loopback_proxy_address() {
    let args = command::InterceptEnvArgs {
        dir: scratch(),
        proxy: "192.0.2.1:8089".parse().unwrap(),
        no_java: true,
    };
    assert!(command::run(&args).is_err());
    let args = command::InterceptEnvArgs {
        proxy: "127.0.0.1:8089".parse().unwrap(),
        ..args
    };
    let out = command::run(&args).unwrap();
    assert!(
        out.contains("export HTTPS_PROXY='http://127.0.0.1:8089'"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(args.dir);
}

#[test]
fn the_ca_vouches_only_for_the_intercepted_hosts() {
    use rustls::client::danger::ServerCertVerifier;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime, pem::PemObject};
    crate::tls::install_provider();
    let dir = scratch();
    let ca = CertAuthority::create(&dir).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca.ca_pem().as_bytes()).unwrap())
        .unwrap();
    let verifier = rustls::client::WebPkiServerVerifier::builder(Arc::new(roots))
        .build()
        .unwrap();
    let verify = |host: &str| {
        let leaf = ca.leaf(host).unwrap();
        let name = ServerName::try_from(host.to_owned()).unwrap();
        verifier.verify_server_cert(&leaf.cert[0], &[], &name, &[], UnixTime::now())
    };
    assert!(verify("api.heroku.com").is_ok());
    assert!(verify("id.heroku.com").is_ok());
    assert!(
        verify("example.com").is_err(),
        "a leaf for another host verified"
    );
    let _ = std::fs::remove_dir_all(dir);
}
