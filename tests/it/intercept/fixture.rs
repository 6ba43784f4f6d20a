//! A platform with one provision registered, and an interception in front of it.

use std::sync::Arc;
use std::time::Duration;

use addon_conformance::heroku::App;
use addon_conformance::intercept::env::Java;
use addon_conformance::intercept::{HEROKU_API_ORIGIN, InterceptSettings, Interceptor, Upstream};
use addon_conformance::platform::{Platform, PlatformSettings, ServiceInfo};
use addon_conformance::redact::Redactor;

pub const SECRET: &str = "client-secret-for-interception";
pub const CONFIG_VAR: &str = "FAST_DB_URL";
pub const V3: &str = "application/vnd.heroku+json; version=3";

pub struct Fixture {
    pub platform: Platform,
    pub interceptor: Interceptor,
    pub uuid: String,
    pub code: String,
    /// The platform's redactor (it learns the tokens it issues).
    pub redactor: Arc<Redactor>,
    pub dir: std::path::PathBuf,
}

/// A fresh directory under the system's temporary directory.
pub fn scratch_dir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ac-{label}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub async fn start(configure: impl FnOnce(&mut InterceptSettings)) -> Fixture {
    let redactor = Arc::new(Redactor::new());
    let settings = PlatformSettings {
        bind: "127.0.0.1:0".parse().unwrap(),
        url: Some(HEROKU_API_ORIGIN.to_owned()),
        client_secret: Some(SECRET.to_owned()),
        token_ttl: Duration::from_secs(600),
        grant_ttl: Duration::from_secs(600),
        max_body_bytes: 64 * 1024,
        admin: false,
    };
    let service = ServiceInfo {
        slug: "fast-db".into(),
        prefix: "FAST_DB".into(),
        config_vars: Some(vec![CONFIG_VAR.into()]),
        password: None,
        log_input: false,
    };
    let platform = Platform::start(settings, service, redactor.clone())
        .await
        .expect("platform");
    let uuid = uuid::Uuid::new_v4().to_string();
    let (code, _) = platform.register_provision(&uuid, "fast-db-1", "basic", "us", &App::random());
    let dir = scratch_dir("intercept");
    let mut intercept = InterceptSettings::new(dir.clone());
    intercept.java = Java::Skip;
    configure(&mut intercept);
    let interceptor = Interceptor::start(intercept, Upstream::platform(&platform))
        .await
        .expect("interceptor");
    Fixture {
        platform,
        interceptor,
        uuid,
        code,
        redactor,
        dir,
    }
}

impl Fixture {
    /// The kinds and statuses of every inbound call so far.
    pub fn inbound(&self) -> Vec<(String, u16)> {
        self.platform
            .journal()
            .all()
            .iter()
            .map(|i| (i.kind.to_string(), i.status))
            .collect()
    }

    /// The config the platform holds for the provision.
    pub fn config(&self) -> Option<String> {
        let uuid = self.uuid.clone();
        self.platform.with_model(|m| {
            m.addons
                .get(&uuid)
                .and_then(|a| a.config.get(CONFIG_VAR).cloned())
        })
    }

    pub async fn stop(self) {
        self.interceptor.stop().await;
        self.platform.stop().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
