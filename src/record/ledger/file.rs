//! The ledger on disk: JSON lines, appended and synced one change at a time. The first line says
//! which run wrote it and where its requests went; every later line is the whole entry after a
//! change, so the last line for a uuid is what is known of it.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Entry;

/// Which run a ledger file belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RunInfo {
    /// The run's id (also in the default file name).
    pub run: String,
    /// The add-on's id from the manifest.
    pub addon: String,
    /// Where the run sent its provisions (`{base_url}/{uuid}` removes one).
    pub base_url: String,
    pub started_unix_ms: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Run(RunInfo),
    Entry(Entry),
}

/// An open ledger file.
#[derive(Debug)]
pub struct LedgerFile {
    path: PathBuf,
    file: File,
}

impl LedgerFile {
    /// Creates the file (and its directory) and writes the run line.
    pub fn create(path: &Path, run: &RunInfo) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(path)?;
        let mut f = Self {
            path: path.to_path_buf(),
            file,
        };
        f.line(&Line::Run(run.clone()))?;
        Ok(f)
    }

    /// Opens an existing file for further changes.
    pub fn append_to(path: &Path) -> std::io::Result<Self> {
        let torn = std::fs::read(path)?.last().is_some_and(|b| *b != b'\n');
        let mut file = OpenOptions::new().append(true).open(path)?;
        if torn {
            // A kill during a write left half a line: end it, so the next change reads back.
            file.write_all(b"\n")?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        self.line(&Line::Entry(entry.clone()))
    }

    fn line(&mut self, line: &Line) -> std::io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(std::io::Error::other)?;
        text.push('\n');
        self.file.write_all(text.as_bytes())?;
        self.file.sync_data()
    }
}

/// Reads a ledger file: the run it belongs to and the last state of each entry, in the order
/// they were first written. A torn last line (a kill during a write) is ignored.
pub fn read(path: &Path) -> std::io::Result<(RunInfo, Vec<Entry>)> {
    let reader = BufReader::new(File::open(path)?);
    let mut run = None;
    let mut entries: Vec<Entry> = Vec::new();
    for line in reader.lines() {
        let line = line?;
        match serde_json::from_str::<Line>(&line) {
            Ok(Line::Run(r)) => run = Some(r),
            Ok(Line::Entry(e)) => match entries.iter_mut().find(|x| x.uuid == e.uuid) {
                Some(known) => *known = e,
                None => entries.push(e),
            },
            Err(_) => {}
        }
    }
    let run = run.ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not a ledger file: its first line does not name the run",
        )
    })?;
    Ok((run, entries))
}
