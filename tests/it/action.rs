//! The GitHub Action (`action.yml`): its shell steps, run here as GitHub would run them (inputs
//! through the environment, `GITHUB_OUTPUT` a file) against the reference partner. The install
//! step (`cargo install --path`) is not run: it builds what this test already uses.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_addon-conformance");
const ACTION: &str = include_str!("../../action.yml");

/// One step of the composite action, as far as the test needs it.
#[derive(Debug, Default)]
struct Step {
    name: String,
    env: BTreeMap<String, String>,
    run: Option<String>,
}

/// The inputs with their defaults, and the steps (a small reader for this one file's layout).
fn parse() -> (BTreeMap<String, String>, Vec<Step>) {
    let mut inputs = BTreeMap::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut section = "";
    let mut input = String::new();
    let mut in_env = false;
    let mut script: Option<String> = None;
    for line in ACTION.lines() {
        if let Some(s) = script.as_mut() {
            if line.starts_with("        ") || line.trim().is_empty() {
                s.push_str(line.get(8..).unwrap_or_default());
                s.push('\n');
                continue;
            }
            steps.last_mut().unwrap().run = script.take();
        }
        if !line.starts_with(' ') && line.ends_with(':') {
            section = line.trim_end_matches(':');
            continue;
        }
        let trimmed = line.trim();
        match section {
            "inputs" if line.starts_with("  ") && !line.starts_with("    ") => {
                input = trimmed.trim_end_matches(':').to_owned();
            }
            "inputs" if trimmed.starts_with("default:") => {
                let value = trimmed["default:".len()..].trim().trim_matches('"');
                inputs.insert(input.clone(), value.to_owned());
            }
            "runs" if trimmed.starts_with("- name:") => {
                steps.push(Step {
                    name: trimmed["- name:".len()..].trim().to_owned(),
                    ..Step::default()
                });
                in_env = false;
            }
            "runs" if trimmed == "env:" => in_env = true,
            "runs" if trimmed == "run: |" => {
                in_env = false;
                script = Some(String::new());
            }
            "runs" if in_env && line.starts_with("        ") => {
                let (k, v) = trimmed.split_once(": ").unwrap();
                steps
                    .last_mut()
                    .unwrap()
                    .env
                    .insert(k.to_owned(), v.to_owned());
            }
            "runs" if line.starts_with("      ") && !line.starts_with("        ") => {
                in_env = false;
            }
            _ => {}
        }
    }
    if let Some(s) = script {
        steps.last_mut().unwrap().run = Some(s);
    }
    (inputs, steps)
}

fn step<'a>(steps: &'a [Step], name: &str) -> &'a Step {
    steps
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no step {name}"))
}

/// The environment GitHub gives a step: each `${{ inputs.x }}` replaced by the input's value.
fn step_env(step: &Step, inputs: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    step.env
        .iter()
        .map(|(k, v)| {
            let expr = v
                .trim()
                .strip_prefix("${{")
                .and_then(|v| v.strip_suffix("}}"))
                .unwrap_or_else(|| panic!("{k}: {v} is not one expression"))
                .trim();
            let value = match expr.strip_prefix("inputs.") {
                Some(name) => inputs
                    .get(name)
                    .unwrap_or_else(|| panic!("{k} names unknown input {name}"))
                    .clone(),
                None => String::new(),
            };
            (k.clone(), value)
        })
        .collect()
}

/// Runs a step's script with bash in `dir`; returns its exit code and what it wrote to
/// `GITHUB_OUTPUT`.
fn run_step(
    step: &Step,
    inputs: &BTreeMap<String, String>,
    dir: &Path,
    extra_env: &[(&str, &str)],
) -> (i32, String, String) {
    let output = dir.join(format!("github-output-{}", uuid::Uuid::new_v4()));
    std::fs::write(&output, "").unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(step.run.as_deref().unwrap())
        .current_dir(dir)
        .envs(step_env(step, inputs))
        .envs(extra_env.iter().copied())
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        std::fs::read_to_string(&output).unwrap(),
        log,
    )
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve-reference` writing its manifest and config into `dir`.
fn serve_reference(dir: &Path) -> Server {
    let mut child = Command::new(BIN)
        .args([
            "serve-reference",
            "--write-manifest",
            "addon-manifest.json",
            "--write-config",
            "conformance.toml",
        ])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if line.starts_with("reference partner listening on") {
            break;
        }
    }
    Server(child)
}

fn tmp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ac-action-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn scripts_take_inputs_only_from_the_environment() {
    let (inputs, steps) = parse();
    assert!(inputs.contains_key("manifest") && inputs.contains_key("partition"));
    let scripts: Vec<&Step> = steps.iter().filter(|s| s.run.is_some()).collect();
    assert_eq!(scripts.len(), 4, "{steps:?}");
    for s in scripts {
        assert!(
            !s.run.as_deref().unwrap().contains("${{"),
            "{}: an expression inside a script can inject shell code",
            s.name
        );
        step_env(s, &inputs);
    }
    assert!(ACTION.contains("uses: actions/upload-artifact@v4"));
    assert!(ACTION.contains("cargo install --locked --quiet --path \"$ACTION_PATH\""));
}

#[test]
fn the_run_step_writes_every_report_and_the_last_step_carries_the_exit_code() {
    let (mut inputs, steps) = parse();
    let dir = tmp_dir();
    let _server = serve_reference(&dir);
    inputs.insert("suites".into(), "auth manifest".into());
    inputs.insert("args".into(), "--quiet".into());
    let (code, output, log) = run_step(step(&steps, "Run addon-conformance"), &inputs, &dir, &[]);
    assert_eq!(code, 0, "{log}");
    assert!(output.contains("exit-code=0\n"), "{output} {log}");
    assert!(
        output.contains("artifact-name=addon-conformance-reports\n"),
        "{output}"
    );
    let reports = dir.join("conformance-reports");
    for file in ["report.json", "junit.xml", "report.html", "exchanges.har"] {
        assert!(reports.join(file).is_file(), "{file} missing: {log}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(reports.join("report.json")).unwrap()).unwrap();
    let suites: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["suite"].as_str().unwrap())
        .collect();
    assert!(
        suites.iter().all(|s| ["auth", "manifest"].contains(s)),
        "{suites:?}"
    );

    let (code, _, log) = run_step(
        step(&steps, "Clean up what the run left behind"),
        &inputs,
        &dir,
        &[],
    );
    assert_eq!(code, 0, "{log}");

    let last = step(&steps, "Fail the job when the run failed");
    assert_eq!(run_step(last, &inputs, &dir, &[("EXIT_CODE", "0")]).0, 0);
    assert_eq!(run_step(last, &inputs, &dir, &[("EXIT_CODE", "1")]).0, 1);
}

#[test]
fn a_partition_names_its_artifact_and_a_failing_run_is_reported_not_hidden() {
    let (mut inputs, steps) = parse();
    let dir = tmp_dir();
    let _server = serve_reference(&dir);
    inputs.insert("partition".into(), "1/2".into());
    inputs.insert("suites".into(), "no-such-suite".into());
    let (code, output, log) = run_step(step(&steps, "Run addon-conformance"), &inputs, &dir, &[]);
    assert_eq!(
        code, 0,
        "the run step records the code and lets upload and cleanup run: {log}"
    );
    assert!(output.contains("exit-code=2\n"), "{output} {log}");
    assert!(
        output.contains("artifact-name=addon-conformance-reports-1-of-2\n"),
        "{output}"
    );
}
