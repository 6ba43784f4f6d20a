//! Unit tests of the launcher (`mod.rs`) and its log (`log.rs`).

use super::*;

fn redactor() -> Arc<Redactor> {
    Arc::new(Redactor::new())
}

fn spec(command: &str) -> LaunchSpec {
    let mut spec = LaunchSpec::new(command);
    spec.grace = Duration::from_secs(5);
    spec
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn log_lines_are_redacted_with_the_secrets_it_was_given() {
    let mut spec = spec(
        r#"echo "connecting with $DB_PASSWORD"; echo "Authorization: Bearer tok-abcdef123456" >&2; echo '{"password": "p4ss-literal-xyz"}'"#,
    );
    spec.secret_env
        .insert("DB_PASSWORD".into(), "hunter2-very-secret".into());
    let process = PartnerProcess::start(&spec, Instant::now(), redactor()).unwrap();
    let exit = process.wait_exit(Duration::from_secs(10)).await.unwrap();
    assert_eq!(exit.status, Some(0));
    let log = process.log().clone();
    process.stop().await;
    let text: Vec<String> = log.all().into_iter().map(|l| l.text).collect();
    let joined = text.join("\n");
    for secret in [
        "hunter2-very-secret",
        "tok-abcdef123456",
        "p4ss-literal-xyz",
    ] {
        assert!(!joined.contains(secret), "{secret} leaked: {joined}");
    }
    assert!(
        joined.contains("connecting with [REDACTED:partner env]"),
        "{joined}"
    );
    assert_eq!(log.all().len(), 3);
    assert!(log.all().iter().any(|l| l.stream == Stream::Stderr));
}

#[tokio::test]
async fn a_secret_learned_later_is_masked_in_lines_read_later() {
    let r = redactor();
    let log = PartnerLog::new(Instant::now(), LogLimits::default(), r.clone());
    log.push(
        Stream::Stdout,
        b"generated postgres://u:generated-pw-123@db/x\n",
    );
    r.add("config", "generated-pw-123");
    assert!(
        !log.all()[0].text.contains("generated-pw-123"),
        "{:?}",
        log.all()
    );
}

#[tokio::test]
async fn the_log_is_bounded_in_lines_and_in_total() {
    let mut spec = spec(
        r#"i=0; while [ $i -lt 200 ]; do echo "line-$i-padding-padding"; i=$((i+1)); done; head -c 100000 /dev/zero | tr '\0' x"#,
    );
    spec.limits = LogLimits {
        total_bytes: 2000,
        line_bytes: 100,
    };
    let process = PartnerProcess::start(&spec, Instant::now(), redactor()).unwrap();
    process.wait_exit(Duration::from_secs(10)).await.unwrap();
    let log = process.log().clone();
    process.stop().await;
    let lines = log.all();
    assert!(log.bytes() <= 2000, "{} bytes kept", log.bytes());
    assert!(log.dropped() > 0);
    let last = lines.last().unwrap();
    assert!(
        last.text.starts_with("xxxx") && last.text.ends_with("…[cut]"),
        "{last:?}"
    );
    assert!(last.text.len() < 120, "{}", last.text.len());
    assert_eq!(lines[lines.len() - 2].text, "line-199-padding-padding");
}

#[test]
fn lines_between_two_instants() {
    let log = PartnerLog::new(Instant::now(), LogLimits::default(), redactor());
    log.push(Stream::Stdout, b"first");
    let first = log.all()[0].at;
    std::thread::yield_now();
    log.push(Stream::Stderr, b"second");
    let second = log.all()[1].at;
    let before_second = log.between(first, second);
    assert!(before_second.iter().any(|l| l.text == "first"));
    assert!(
        log.between(second, second + Duration::from_secs(1))
            .iter()
            .all(|l| l.text != "first" || first == second)
    );
    assert_eq!(log.last(1)[0].text, "second");
    assert!(log.last(1)[0].display().ends_with(" stderr | second"));
}

#[test]
fn the_interception_environment_is_added() {
    let dir = std::env::temp_dir().join(format!("ac-launch-{}", uuid::Uuid::new_v4()));
    let ca = crate::intercept::CertAuthority::create(&dir).unwrap();
    let env = crate::intercept::env::InterceptEnv::prepare(
        &ca,
        "127.0.0.1:8089".parse().unwrap(),
        crate::intercept::env::Java::Skip,
    )
    .unwrap();
    let spec = spec("true").intercepted(&env);
    assert_eq!(spec.env["HTTPS_PROXY"], "http://127.0.0.1:8089");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_exit_before_ready_is_reported_with_its_last_lines() {
    let process = PartnerProcess::start(
        &spec("echo 'booting'; echo 'fatal: no DATABASE_URL' >&2; exit 3"),
        Instant::now(),
        redactor(),
    )
    .unwrap();
    let addr = closed_port();
    let not_ready = process.wait_ready(addr).await.unwrap_err();
    let NotReady::Exited { exit, last } = &not_ready else {
        panic!("{not_ready:?}")
    };
    assert_eq!(exit.status, Some(3));
    assert!(
        last.iter()
            .any(|l| l.text.contains("fatal: no DATABASE_URL")),
        "{last:?}"
    );
    assert!(
        not_ready.message(addr).contains("exited with status 3"),
        "{}",
        not_ready.message(addr)
    );
    assert_eq!(process.exited(), Some(*exit));
    process.stop().await;
}

#[tokio::test]
async fn ready_once_the_port_accepts_and_stop_ends_the_whole_group() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let process = PartnerProcess::start(
        &spec("sleep 60 & echo started; wait"),
        Instant::now(),
        redactor(),
    )
    .unwrap();
    process.wait_ready(addr).await.unwrap();
    assert!(process.exited().is_none());
    let drained = process.drained.clone();
    let exit = process.stop().await.expect("stopped");
    assert_eq!(exit.signal, Some(15), "{exit:?}");
    // The background `sleep` holds the output pipes: they reach their end only once it is gone.
    assert!(*drained.borrow(), "the background child outlived stop");
}

#[tokio::test]
async fn a_port_that_never_opens_times_out() {
    let mut spec = spec("sleep 60");
    spec.ready_timeout = Duration::from_millis(200);
    let process = PartnerProcess::start(&spec, Instant::now(), redactor()).unwrap();
    let addr = closed_port();
    let not_ready = process.wait_ready(addr).await.unwrap_err();
    assert!(
        matches!(not_ready, NotReady::Timeout { .. }),
        "{not_ready:?}"
    );
    assert!(
        not_ready
            .message(addr)
            .contains("did not accept connections")
    );
    process.stop().await;
}

#[test]
fn the_harness_secrets_are_withheld_unless_configured() {
    let mut spec = spec("true");
    spec.pass_harness_secrets = vec!["ADDON_SSO_SALT".into()];
    let cmd = command(&spec);
    let removed: Vec<String> = cmd
        .as_std()
        .get_envs()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .collect();
    assert!(removed.contains(&"ADDON_PASSWORD".to_owned()));
    assert!(removed.contains(&"ADDON_OAUTH_CLIENT_SECRET".to_owned()));
    assert!(!removed.contains(&"ADDON_SSO_SALT".to_owned()));
}

#[test]
fn the_command_shown_is_redacted() {
    let r = redactor();
    r.add("password", "hunter2-very-secret");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let process =
            PartnerProcess::start(&spec("true # hunter2-very-secret"), Instant::now(), r).unwrap();
        assert!(
            !process.command().contains("hunter2"),
            "{}",
            process.command()
        );
        process.stop().await;
    });
}

#[test]
fn a_failure_block_shows_the_last_lines_and_counts_the_rest() {
    let line = |i: u64| LogLine {
        at: Duration::from_millis(1000 + i),
        stream: if i.is_multiple_of(2) {
            Stream::Stdout
        } else {
            Stream::Stderr
        },
        text: format!("line {i}"),
    };
    let lines: Vec<LogLine> = (0..7).map(line).collect();
    let text = log::excerpt(&lines, 5);
    let shown: Vec<&str> = text.lines().collect();
    assert_eq!(
        shown,
        [
            "(2 earlier lines in the JSON, HTML and JUnit reports)",
            "+1.002s stdout | line 2",
            "+1.003s stderr | line 3",
            "+1.004s stdout | line 4",
            "+1.005s stderr | line 5",
            "+1.006s stdout | line 6",
        ]
    );
    assert_eq!(log::excerpt(&lines[..2], 5).lines().count(), 2);
}
