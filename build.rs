//! Stamps the binary with the git commit it was built from ("unknown" outside a git checkout)
//! and a version of the requirement catalogue (a hash of `suites/`), for `--version`.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// FNV-1a over the suite files, in name order: changes whenever a requirement or suite does.
fn catalogue_version() -> String {
    let mut names: Vec<_> = std::fs::read_dir("suites")
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in names {
        println!("cargo:rerun-if-changed={}", path.display());
        for byte in std::fs::read(&path).unwrap_or_default() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn main() {
    println!("cargo:rerun-if-changed=suites");
    for path in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&["rev-parse", "--git-path", &reference])
        && Path::new(&p).exists()
    {
        println!("cargo:rerun-if-changed={p}");
    }
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=ADDON_CONFORMANCE_GIT_COMMIT={commit}");
    println!(
        "cargo:rustc-env=ADDON_CONFORMANCE_CATALOGUE_VERSION={}",
        catalogue_version()
    );
}
