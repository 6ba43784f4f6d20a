//! `cargo bench --bench harness`: measured figures of the harness on this machine (not timed
//! tests). Prints a table; the README's performance section records its output.
#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "bench output is its report; a setup failure ends the bench"
)]

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use addon_conformance::platform::inbound::InboundJournal;
use addon_conformance::record::events::Recorder;
use addon_conformance::record::{Inbound, InboundKind};
use addon_conformance::reference::{FaultSet, ReferenceOptions, ReferencePartner};
use addon_conformance::runner::schedule::DEFAULT_JOBS;
use addon_conformance::runner::{RunControls, RunReport, Selection};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn row(what: &str, value: String, target: &str) {
    println!("| {what} | {value} | {target} |");
}

async fn demo_once(jobs: Option<usize>) -> (f64, usize) {
    let started = Instant::now();
    let mut sink = Recorder::default();
    let controls = RunControls {
        jobs,
        ..RunControls::default()
    };
    let outcome = addon_conformance::demo::run_with(
        FaultSet::default(),
        Selection::default(),
        controls,
        &mut sink,
    )
    .await
    .expect("demo runs");
    assert_eq!(
        outcome.report.summary.failed, 0,
        "the conformant demo must pass"
    );
    (
        started.elapsed().as_secs_f64() * 1000.0,
        outcome.report.billable_provisions,
    )
}

/// One full run against a reference partner started with `options`, its config edited by
/// `edits` (text replacements), with `jobs` suites at once (None: the default). Wall ms.
async fn timed_run(
    faults: &[&str],
    options: ReferenceOptions,
    edits: &[(&str, &str)],
    jobs: Option<usize>,
) -> (f64, RunReport) {
    use addon_conformance::config::{Config, Overrides};
    let names: Vec<String> = faults.iter().map(|f| (*f).to_owned()).collect();
    let faults = FaultSet::parse(&names).expect("faults");
    let partner =
        ReferencePartner::start_with(faults, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), options)
            .await
            .expect("reference");
    let mut config_text = partner.config_text();
    for (from, to) in edits {
        assert!(
            config_text.contains(from),
            "the reference config has {from}"
        );
        config_text = config_text.replace(from, to);
    }
    let manifest = addon_conformance::manifest::Manifest::parse(&partner.manifest_text(), "bench")
        .expect("manifest");
    let config = Config::parse(&config_text, "bench").expect("config");
    let started = Instant::now();
    let report = addon_conformance::runner::run(
        addon_conformance::runner::RunInputs {
            manifest,
            config,
            config_source: "bench".into(),
            overrides: Overrides::default(),
            selection: Selection::default(),
            controls: RunControls {
                jobs,
                ..RunControls::default()
            },
        },
        &mut Recorder::default(),
    )
    .await
    .expect("run");
    let wall = started.elapsed().as_secs_f64() * 1000.0;
    partner.stop().await;
    (wall, report)
}

/// One full run against a staging-like partner (200 ms per call, 2 s more per provision) with
/// `jobs` suites at once (None: the default): wall ms and billable provisions. The conformant
/// reference must pass: a failure would wait out a deadline and measure that instead.
async fn staging_like(jobs: Option<usize>) -> (f64, usize) {
    let options = ReferenceOptions {
        call_latency: Duration::from_millis(200),
        provision_latency: Duration::from_secs(2),
        ..ReferenceOptions::default()
    };
    // Budgets of a real partner: the latency is not a finding here, the wall is the figure. The
    // grant lives Heroku's 5 minutes: the reference config's 1 s is shorter than a provision.
    let edits = [
        ("request = \"5s\"", "request = \"30s\""),
        ("warn_after = \"600ms\"", "warn_after = \"3s\""),
        ("fail_after = \"1200ms\"", "fail_after = \"30s\""),
        ("provision_action = \"3s\"", "provision_action = \"10s\""),
        ("callback = \"3s\"", "callback = \"10s\""),
        ("grant_ttl = \"1s\"", "grant_ttl = \"5m\""),
    ];
    let (wall, report) = timed_run(&[], options, &edits, jobs).await;
    assert_eq!(
        (
            report.summary.failed,
            report.summary.warned,
            report.summary.errors
        ),
        (0, 0, 0),
        "the staging-like reference passes: {:?}",
        report.ids(addon_conformance::record::outcome::Outcome::Fail)
    );
    (wall, report.billable_provisions)
}

/// The `--jobs` values the staging-like sweep measures.
const SWEEP: [usize; 6] = [1, 2, 3, 4, 6, 8];

/// Grant lifetime and provision budget of the never-exchanging runs.
const G: &str = "3s";
const P: &str = "4s";

fn never_exchanging_edits() -> [(&'static str, String); 3] {
    [
        ("grant_ttl = \"1s\"", format!("grant_ttl = \"{G}\"")),
        (
            "provision_action = \"3s\"",
            format!("provision_action = \"{P}\""),
        ),
        ("callback = \"3s\"", "callback = \"1s\"".to_owned()),
    ]
}

/// A partner that never exchanges its grants: the wall of a full run (async, or with every
/// plan synchronous), and for the synchronous one when the last result of a suite that does not
/// wait for the grant was judged, beside the grant's deadline (both ms on the run clock).
async fn never_exchanging(sync: bool) -> (f64, Option<(u64, u64)>) {
    let options = ReferenceOptions {
        never_exchange: true,
        ..ReferenceOptions::default()
    };
    let edits = never_exchanging_edits();
    let edits: Vec<(&str, &str)> = edits.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let faults: &[&str] = if sync { &["variant-sync-only"] } else { &[] };
    let (wall, report) = timed_run(faults, options, &edits, None).await;
    if !sync {
        return (wall, None);
    }
    // Suites ordered after the grant's window: async (it is judged there), deprovision (it
    // removes the resource the grant belongs to) and timing (it judges every call).
    let waits = ["async", "deprovision", "timing"];
    let others = report
        .results
        .iter()
        .zip(&report.judged_ms)
        .filter(|(r, _)| !waits.contains(&r.suite.as_str()))
        .map(|(_, ms)| *ms)
        .max()
        .unwrap_or(0);
    let window = report
        .results
        .iter()
        .zip(&report.judged_ms)
        .find(|(r, _)| r.id == "OAUTH-05")
        .map(|(_, ms)| *ms)
        .unwrap_or(0);
    (wall, Some((others, window)))
}

fn entry() -> Inbound {
    Inbound {
        resource: Some("x".into()),
        ..Inbound::new(
            InboundKind::ProvisionAction,
            "POST",
            "/addons/x/actions/provision",
            200,
        )
    }
}

/// From the platform journaling a callback to the waiting check running again.
async fn callback_wake_latency() -> f64 {
    let mut samples = Vec::new();
    for _ in 0..200 {
        let journal = Arc::new(InboundJournal::default());
        let j = journal.clone();
        let waiter = tokio::spawn(async move {
            j.wait_for(Duration::from_secs(5), |i| {
                i.kind == InboundKind::ProvisionAction
            })
            .await
            .ok();
            Instant::now()
        });
        tokio::task::yield_now().await;
        let pushed = Instant::now();
        journal.push(entry());
        let woke = waiter.await.expect("waiter");
        samples.push(woke.duration_since(pushed).as_secs_f64() * 1e6);
    }
    median(samples)
}

/// A run context aimed at the reference partner, through the same parsing as `run`.
async fn reference_ctx(partner: &ReferencePartner) -> addon_conformance::runner::RunCtx {
    use addon_conformance::config::{Config, Settings};
    let text = partner.manifest_text();
    let manifest = addon_conformance::manifest::Manifest::parse(&text, "bench").expect("manifest");
    let config = Config::parse(&partner.config_text(), "bench").expect("config");
    let settings =
        Settings::resolve(&manifest, config, &Default::default(), "bench").expect("settings");
    addon_conformance::runner::RunCtx::start(manifest, settings)
        .await
        .expect("ctx")
}

/// Per-exchange cost: the harness's partner client against a bare reqwest loop, same requests.
async fn overhead_ratio() -> (f64, f64) {
    let partner = ReferencePartner::start(
        FaultSet::default(),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("reference");
    let base = partner.base_url();
    let n = 300;
    let bare = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let auth = addon_conformance::partner::client::basic("conformance-ref", &partner.password);
    let ctx = reference_ctx(&partner).await;
    let client = ctx.partner.clone();
    let mut bare_ms = Vec::new();
    let mut ours_ms = Vec::new();
    for round in 0..5 {
        let t = Instant::now();
        for i in 0..n {
            let url = format!("{base}/unknown-{round}-{i}");
            let r = bare
                .delete(&url)
                .header("Authorization", &auth)
                .header("Accept", "application/vnd.heroku-addons+json; version=3")
                .send()
                .await
                .expect("bare");
            let _ = r.bytes().await;
        }
        bare_ms.push(t.elapsed().as_secs_f64() * 1000.0 / n as f64);
        let t = Instant::now();
        for i in 0..n {
            client
                .deprovision(
                    &format!("unknown-{round}-{i}"),
                    addon_conformance::partner::Credentials::Manifest,
                    "bench",
                )
                .await;
        }
        ours_ms.push(t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    }
    partner.stop().await;
    (median(bare_ms), median(ours_ms))
}

/// 50 identical provision deliveries at once.
async fn storm() -> f64 {
    let partner = ReferencePartner::start(
        FaultSet::default(),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("reference");
    let ctx = reference_ctx(&partner).await;
    let mut samples = Vec::new();
    for _ in 0..5 {
        let probe = ctx.probe("basic");
        let t = Instant::now();
        let _ = probe.send_concurrently(50).await;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    partner.stop().await;
    median(samples)
}

/// Wall time from starting the binary to its first check result line.
fn startup_ms() -> Option<f64> {
    let mut samples = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_addon-conformance"))
            .args(["demo", "--color", "never", "--suite", "manifest"])
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take()?;
        for line in BufReader::new(stdout).lines() {
            if line.ok()?.trim_start().starts_with("PASS") {
                samples.push(t.elapsed().as_secs_f64() * 1000.0);
                break;
            }
        }
        let _ = child.wait();
    }
    Some(median(samples))
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Redaction of a 1 MB body with 20,000 learned values: the first call (which builds the
/// matcher) and the median of 5 later ones, in ms.
fn redaction_ms() -> (f64, f64) {
    let r = addon_conformance::redact::Redactor::new();
    let values: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                "postgres://u{i}:{:x}@db-{i}.example/x",
                i * 2_654_435_761_u64
            )
        })
        .collect();
    for v in &values {
        r.add("config", v);
    }
    let mut body = String::with_capacity(1 << 20);
    let mut i = 0;
    while body.len() < 1 << 20 {
        body.push_str("some ordinary text of a partner page, then a value: ");
        body.push_str(&values[(i * 7) % values.len()]);
        body.push('\n');
        i += 1;
    }
    let started = Instant::now();
    let first = r.text(&body);
    let first_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(!first.contains("postgres://"), "every value is redacted");
    let later = (0..5)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(r.text(&body));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    (first_ms, median(later))
}

/// A partner answer of under 1 MB with 20,000 distinct config values (the hostile
/// answer): learning it (capped per answer) and redacting it as evidence, in ms.
fn hostile_answer_ms() -> f64 {
    let config: serde_json::Map<String, serde_json::Value> = (0..20_000)
        .map(|i| {
            (
                format!("X_{i}"),
                serde_json::json!(format!("value-{i:05}-abcdef")),
            )
        })
        .collect();
    let body = serde_json::json!({ "id": "x", "config": config });
    let started = Instant::now();
    let r = addon_conformance::redact::Redactor::new();
    let learned = r.learn_config(&body);
    assert!(learned.over_cap());
    std::hint::black_box(r.json(&body).to_string());
    std::hint::black_box(r.text(&body.to_string()));
    started.elapsed().as_secs_f64() * 1000.0
}

/// True when the rows of `group` are asked for: `cargo bench --bench harness -- GROUP…` (full,
/// staging, never, process); none named: every row.
fn wants(group: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    named.is_empty() || named.iter().any(|n| n == group)
}

fn main() {
    // `cargo bench` passes --bench; a plain run is fine too.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("| measure | value | target |");
    println!("| --- | --- | --- |");
    runtime.block_on(async {
        if wants("full") {
            full_rows().await;
        }
        if wants("staging") {
            staging_rows().await;
        }
        if wants("never") {
            never_rows().await;
        }
    });
    if wants("process") {
        process_rows();
    }
}

/// Full runs, billable provisions, and the per-exchange figures.
async fn full_rows() {
    demo_once(None).await; // warm-up
    let mut walls = Vec::new();
    let mut billable = 0;
    for _ in 0..9 {
        let (ms, b) = demo_once(None).await;
        walls.push(ms);
        billable = b;
    }
    let mut serial_walls = Vec::new();
    let mut serial_billable = 0;
    for _ in 0..9 {
        let (ms, b) = demo_once(Some(1)).await;
        serial_walls.push(ms);
        serial_billable = b;
    }
    row(
        &format!(
            "full run against the reference partner, default --jobs ({DEFAULT_JOBS}) (median of 9)"
        ),
        format!("{:.0} ms", median(walls)),
        "< 1 s",
    );
    row(
        "the same, --jobs 1 (median of 9)",
        format!("{:.0} ms", median(serial_walls)),
        "< 1 s",
    );
    row(
        &format!(
            "billable provisions per full run, default --jobs ({DEFAULT_JOBS}: changing suites get copies of their own)"
        ),
        billable.to_string(),
        "<= 10",
    );
    row(
        "billable provisions per full run, --jobs 1 (the run's copies shared)",
        serial_billable.to_string(),
        "<= 10",
    );
    row(
        "callback journaled → waiting check resumes (median of 200)",
        format!("{:.0} µs", callback_wake_latency().await),
        "a few ms",
    );
    let (bare, ours) = overhead_ratio().await;
    row(
        "per exchange: bare reqwest loop",
        format!("{bare:.3} ms"),
        "",
    );
    row(
        "per exchange: harness partner client",
        format!("{ours:.3} ms ({:.2}×)", ours / bare),
        "<= 1.2×",
    );
    row(
        "storm of 50 concurrent identical provisions (median of 5)",
        format!("{:.0} ms", storm().await),
        "< 200 ms",
    );
}

/// The staging-like sweep over `--jobs`.
async fn staging_rows() {
    let mut serial = f64::NAN;
    for jobs in SWEEP {
        let (wall, billable) = staging_like(Some(jobs)).await;
        if jobs == 1 {
            serial = wall;
        }
        row(
            &format!(
                "staging-like reference (200 ms per call, 2 s more per provision): full run, --jobs {jobs}"
            ),
            format!(
                "{:.1} s ({:.2}× of --jobs 1; {billable} billable provisions)",
                wall / 1000.0,
                wall / serial
            ),
            "",
        );
    }
    let (parallel, billable) = staging_like(None).await;
    row(
        &format!("the same, default --jobs ({DEFAULT_JOBS})"),
        format!(
            "{:.1} s ({:.2}× of --jobs 1; {billable} billable provisions)",
            parallel / 1000.0,
            parallel / serial
        ),
        "<= 0.4×",
    );
}

/// References that never exchange their grant.
async fn never_rows() {
    let (wall, _) = never_exchanging(false).await;
    row(
        &format!("reference never exchanging its grant, async, G = {G}, P = {P}: full run"),
        format!("{:.1} s", wall / 1000.0),
        "<= max(G, P) + 2 s = 6 s",
    );
    let (wall, judged) = never_exchanging(true).await;
    row(
        &format!("synchronous reference never exchanging, G = {G}: full run"),
        format!("{:.1} s", wall / 1000.0),
        "<= G + 2 s = 5 s",
    );
    if let Some((others, window)) = judged {
        row(
            "… suites not waiting for the grant (all but async, deprovision, timing): last judged",
            format!(
                "{:.1} s (OAUTH-05 judged at {:.1} s)",
                others as f64 / 1000.0,
                window as f64 / 1000.0
            ),
            "before the window closes",
        );
    }
}

/// Start-up, memory and redaction.
fn process_rows() {
    match startup_ms() {
        Some(ms) => row(
            "start-up to the first check result (binary, median of 5)",
            format!("{ms:.0} ms"),
            "< 50 ms",
        ),
        None => row(
            "start-up to the first check result",
            "not measured".into(),
            "< 50 ms",
        ),
    }
    match peak_rss_mb() {
        Some(mb) => row(
            "peak resident memory of this process after the full runs above",
            format!("{mb:.1} MB"),
            "< 50 MB",
        ),
        None => row("peak resident memory", "not measured".into(), "< 50 MB"),
    }
    // After the memory row: its figure is this process's peak so far.
    let (first, later) = redaction_ms();
    row(
        "redaction of a 1 MB body, 20,000 learned values: first call (builds the matcher)",
        format!("{first:.0} ms"),
        "well under 1 s",
    );
    row(
        "redaction of a 1 MB body, 20,000 learned values: later calls (median of 5)",
        format!("{later:.0} ms"),
        "well under 1 s",
    );
    row(
        "hostile answer with 20,000 config values: learn (capped) and redact",
        format!("{:.0} ms", hostile_answer_ms()),
        "well under 1 s",
    );
}
