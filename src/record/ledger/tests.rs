use super::*;

fn ledger_with(uuid: &str) -> Ledger {
    let l = Ledger::default();
    l.plan(uuid, "provision", true);
    l
}

fn state(l: &Ledger, uuid: &str) -> EntryState {
    l.entry(uuid)
        .map(|e| e.state)
        .unwrap_or(EntryState::Planned)
}

#[test]
fn a_provision_that_never_reached_the_partner_is_neither_billable_nor_outstanding() {
    let l = ledger_with("a");
    assert_eq!(l.outstanding().len(), 1, "planned: may be in flight");
    l.provisioned("a", ProvisionResult::NotSent);
    assert_eq!(state(&l, "a"), EntryState::NeverReached);
    assert_eq!((l.billable_count(), l.outstanding().len()), (0, 0));
}

#[test]
fn refusals_are_free_answers_and_unknowns_are_billable_upper_bounds() {
    let l = Ledger::default();
    for (uuid, result) in [
        ("refused", ProvisionResult::Status(422, None)),
        ("broken", ProvisionResult::Status(500, None)),
        ("made", ProvisionResult::Status(200, Some("7"))),
        ("pending", ProvisionResult::Status(202, None)),
        ("lost", ProvisionResult::NoAnswer),
        ("gateway", ProvisionResult::Status(504, None)),
    ] {
        l.plan(uuid, uuid, true);
        l.provisioned(uuid, result);
    }
    let mut out: Vec<String> = l.outstanding().into_iter().map(|e| e.uuid).collect();
    out.sort();
    assert_eq!(out, ["gateway", "lost", "made", "pending"]);
    assert_eq!(l.billable_count(), 4);
    assert_eq!(l.entry("made").unwrap().provider_id.as_deref(), Some("7"));
}

#[test]
fn a_refused_repeat_does_not_undo_a_creation_and_a_recreation_counts() {
    let l = ledger_with("a");
    l.provisioned("a", ProvisionResult::Status(200, None));
    l.plan("a", "again", true);
    l.provisioned("a", ProvisionResult::Status(409, None));
    assert_eq!(state(&l, "a"), EntryState::Answered);
    l.removal_answered("a", Some(204), true);
    assert_eq!(state(&l, "a"), EntryState::Removed);
    // Delivered again after the removal: planned, and recreated.
    l.plan("a", "again", true);
    assert_eq!(state(&l, "a"), EntryState::Planned);
    l.provisioned("a", ProvisionResult::Status(200, None));
    assert_eq!(state(&l, "a"), EntryState::Answered);
    assert_eq!(l.billable_count(), 1, "one entry per uuid");
}

#[test]
fn a_404_proves_removal_only_of_what_was_never_accepted_or_already_removed() {
    let l = ledger_with("accepted");
    l.provisioned("accepted", ProvisionResult::Status(200, Some("7")));
    l.removal_answered("accepted", Some(404), true);
    let e = l.entry("accepted").unwrap();
    assert_eq!(e.state, EntryState::Answered);
    assert!(e.why.as_deref().unwrap().contains("no proof"), "{e:?}");
    let line = e.leftover_line();
    assert!(line.contains("$ADDON_BASE_URL/accepted\""), "{line}");
    assert!(line.contains("$ADDON_BASE_URL/7\""), "{line}");
    l.removal_answered("accepted", Some(204), false);
    assert_eq!(state(&l, "accepted"), EntryState::Removed);
    // Already removed, then 410: still removed.
    l.removal_answered("accepted", Some(410), true);
    assert_eq!(state(&l, "accepted"), EntryState::Removed);

    // A 5xx that may have removed it, then a 404: proven. A 410 says it is gone.
    l.plan("flaky", "probe", true);
    l.provisioned("flaky", ProvisionResult::Status(200, None));
    l.removal_answered("flaky", Some(500), true);
    assert_eq!(state(&l, "flaky"), EntryState::Answered);
    l.removal_answered("flaky", Some(404), true);
    assert_eq!(state(&l, "flaky"), EntryState::Removed);
    l.plan("gone", "probe", true);
    l.provisioned("gone", ProvisionResult::Status(200, None));
    l.removal_answered("gone", Some(410), true);
    assert_eq!(state(&l, "gone"), EntryState::Removed);

    l.plan("refused", "probe", true);
    l.provisioned("refused", ProvisionResult::Status(422, None));
    l.removal_answered("refused", Some(404), true);
    assert_eq!(state(&l, "refused"), EntryState::Removed);
    assert!(l.outstanding().is_empty());
}

#[test]
fn an_asynchronous_removal_stays_outstanding_until_confirmed() {
    let l = ledger_with("a");
    l.provisioned("a", ProvisionResult::Status(200, None));
    l.removal_answered("a", Some(202), true);
    assert_eq!(state(&l, "a"), EntryState::RemovalRequested);
    assert_eq!(l.outstanding().len(), 1);
    l.removed("a");
    assert!(l.outstanding().is_empty());
}

#[test]
fn the_file_holds_every_change_and_reads_back_the_last_state() {
    let dir = std::env::temp_dir().join(format!("ledger-test-{}", uuid::Uuid::new_v4()));
    let path = dir.join("sub").join("ledger.jsonl");
    let run = RunInfo {
        run: "r1".into(),
        addon: "addon".into(),
        base_url: "http://127.0.0.1:1/heroku/resources".into(),
        started_unix_ms: 1,
    };
    let l = Ledger::on_disk(&path, &run).unwrap();
    assert_eq!(l.path().as_deref(), Some(path.as_path()));
    l.plan("a", "provision a", true);
    // Written before anything is sent.
    let (read_run, entries) = read_file(&path).unwrap();
    assert_eq!(read_run, run);
    assert_eq!(entries[0].state, EntryState::Planned);
    l.provisioned("a", ProvisionResult::Status(200, Some("x")));
    l.plan("b", "provision b", true);
    l.provisioned("b", ProvisionResult::NotSent);
    // A torn last line is ignored.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"entry\":{\"uu")
        .unwrap();
    let (resumed, _) = Ledger::resume(&path).unwrap();
    let states: Vec<EntryState> = resumed.entries().iter().map(|e| e.state).collect();
    assert_eq!(states, [EntryState::Answered, EntryState::NeverReached]);
    assert!(
        Ledger::on_disk(&path, &run).is_err(),
        "never overwrites a ledger"
    );
    let _ = std::fs::remove_dir_all(dir);
}

use std::io::Write;

#[test]
fn an_asynchronous_removal_ends_only_with_its_action() {
    let l = ledger_with("r");
    l.provisioned("r", ProvisionResult::Status(200, None));
    l.removal_answered("r", Some(202), true);
    // A repeated DELETE answered 410 is no proof: the action is.
    l.removal_answered("r", Some(410), true);
    assert_eq!(l.outstanding().len(), 1);
    l.removed("r");
    assert!(l.outstanding().is_empty());
    assert_eq!(l.billable_count(), 1);
}

#[test]
fn a_202_for_a_refused_provision_changes_nothing() {
    let l = ledger_with("refused");
    l.provisioned("refused", ProvisionResult::Status(422, None));
    l.removal_answered("refused", Some(202), true);
    assert_eq!(state(&l, "refused"), EntryState::Refused);
    assert!(l.outstanding().is_empty());
}

#[test]
fn a_reopened_removal_is_proven_by_the_next_answer() {
    for (status, proven) in [
        (404, true),
        (410, true),
        (204, true),
        (202, false),
        (500, false),
    ] {
        let l = ledger_with("r");
        l.provisioned("r", ProvisionResult::Status(200, None));
        l.removal_answered("r", Some(202), true);
        l.reopen_removal("r");
        l.removal_answered("r", Some(status), true);
        assert_eq!(l.outstanding().is_empty(), proven, "{status}");
    }
}
