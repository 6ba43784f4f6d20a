//! One suite's run: its checks in order, each turned into a result and its events, through the
//! run's stream. Several suites may run at once (`--jobs`); a shared stop (interrupt,
//! `--fail-fast`) ends each after its current check.

use std::sync::Mutex;

use super::stream::{Stream, SuiteSink};
use super::{
    PlannedSuite, RunControls, RunCtx, blocked_reason, result, run_one, suite_skip_reason, traffic,
};
use crate::catalogue::Catalogue;
use crate::check::{Blocker, Stop};
use crate::record::events::Event;
use crate::record::outcome::{CheckResult, Outcome};

/// What stops the run early, shared by the suites running at once.
#[derive(Default)]
pub(super) struct StopFlag(Mutex<Option<String>>);

impl StopFlag {
    pub fn set(&self, why: String) {
        if let Ok(mut s) = self.0.lock() {
            s.get_or_insert(why);
        }
    }

    pub fn get(&self) -> Option<String> {
        self.0.lock().ok().and_then(|s| s.clone())
    }

    /// True when the run must stop (recording an interrupt as the reason).
    pub fn stopping(&self, controls: &RunControls) -> bool {
        if controls.interrupt.is_triggered() {
            self.set("interrupted".to_owned());
        }
        self.get().is_some()
    }
}

pub(super) struct SuiteRun<'a, 's> {
    pub ctx: &'a RunCtx,
    pub catalogue: Option<&'static Catalogue>,
    pub controls: &'a RunControls,
    pub stream: &'a Stream<'s>,
    pub stop: &'a StopFlag,
    /// Whether the add-on's exit was noted already (once per run).
    pub exit_noted: &'a std::sync::atomic::AtomicBool,
    /// Whether suites that change a shared resource get copies of their own.
    pub ownership: crate::check::Ownership,
}

impl SuiteRun<'_, '_> {
    /// Runs suite `index` of the plan; its results in order, each with when it was judged.
    pub async fn run(&self, index: usize, suite: &PlannedSuite) -> Vec<(CheckResult, u64)> {
        let (ctx, catalogue) = (self.ctx, self.catalogue);
        let mut sink = SuiteSink {
            stream: self.stream,
            suite: index,
        };
        let mut results = Vec::new();
        if self.stop.stopping(self.controls) {
            return results;
        }
        self.stream.emit(
            index,
            &Event::SuiteStarted {
                name: suite.suite.name.clone(),
                title: suite.suite.title.clone(),
            },
        );
        let skip = suite_skip_reason(ctx, suite);
        for planned in &suite.checks {
            if self.stop.stopping(self.controls) {
                break;
            }
            self.stream.emit(
                index,
                &Event::CheckStarted {
                    id: planned.check.id.to_owned(),
                    suite: suite.suite.name.clone(),
                    title: planned.check.title.to_owned(),
                },
            );
            // A trigger from the sink (a test) or a signal during the event stops before the check.
            if self.stop.stopping(self.controls) {
                break;
            }
            let mark = traffic::Mark::now(ctx);
            let early = |stop| result::finish(ctx, catalogue, suite, planned, Err(stop), 0, 0.0);
            let result = match (&skip, blocked_reason(ctx, suite)) {
                // Nothing answers: the checks that talk to the partner are not run.
                (None, None) if suite.suite.network && ctx.contact.unreachable().is_some() => {
                    let cause = ctx.contact.unreachable();
                    let why = format!(
                        "not run: {}",
                        cause.as_ref().map(|c| c.text.as_str()).unwrap_or_default()
                    );
                    early(Stop::Blocked(Blocker { why, cause }))
                }
                (Some(why), _) => early(Stop::Skip(why.clone())),
                (None, Some(blocker)) => early(Stop::Blocked(blocker)),
                (None, None) => {
                    let scope = suite.suite.scope(self.ownership);
                    let interrupt = &self.controls.interrupt;
                    let check = run_one(ctx, catalogue, suite, planned, interrupt, scope);
                    traffic::waiting(ctx, check, planned.check.id, &mut sink).await
                }
            };
            ctx.record_outcome(&result.id, result.outcome);
            self.stream.emit(
                index,
                &Event::CheckFinished {
                    result: Box::new(result.clone()),
                },
            );
            // What the check found out about the partner, said once, after the check's line.
            let notes = ctx.contact.take_notes(&result.id).into_iter();
            for text in notes.chain(ctx.own_ids.take_notes(&result.id)) {
                self.stream.emit(index, &Event::Note { text });
            }
            let failed = result.outcome == Outcome::Fail
                || (self.controls.strict && result.outcome == Outcome::Warn);
            let id = result.id.clone();
            if let Some(traffic) = mark.traffic(ctx, self.stream, &id) {
                self.stream.emit(index, &traffic);
            }
            results.push((result, ctx.journal.clock().elapsed_ms()));
            if let Some(note) = super::target::exit_note(ctx, self.exit_noted) {
                self.stream.emit(index, &Event::Note { text: note });
            }
            if self.controls.fail_fast && failed {
                self.stop.set(format!("--fail-fast: stopped after {id}"));
                break;
            }
        }
        results
    }
}
