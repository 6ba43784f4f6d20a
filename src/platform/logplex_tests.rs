//! LOG-02's judge on good and bad writes.
use super::*;

const MSG: &str =
    "<190>1 2026-12-01T10:00:00.123456+00:00 0b7c5f2e-uuid app addon - - source=addon count#ok=1";

fn frame(msg: &str) -> String {
    format!("{} {msg}", msg.len())
}

fn post<'a>(body: &'a [u8], ct: Option<&'a str>, len: Option<&'a str>) -> LogPost<'a> {
    LogPost {
        content_type: ct,
        content_length: len,
        user_agent: Some("MyAddon (https://elements.heroku.com/addons/my-addon; Rust)"),
        body,
    }
}

fn good(body: &str) -> Judgement {
    let len = body.len().to_string();
    judge(&post(body.as_bytes(), Some(CONTENT_TYPE), Some(&len)))
}

#[test]
fn batched_frames_pass() {
    let second = "<13>1 2026-12-01T10:00:01Z host app web.1 ID47 [exampleSDID@32473 iut=\"3\" x=\"a\\]b\"][b@1] msg with ] and spaces";
    let body = format!(
        "{}{}{}",
        frame(MSG),
        frame(second),
        frame("<190>1 - h a p - -")
    );
    let j = good(&body);
    assert!(j.ok(), "{:?}", j.defects);
    assert_eq!(j.frames.len(), 3);
    assert_eq!(j.frames[0].pri, 190);
    assert_eq!(j.frames[0].msg, "source=addon count#ok=1");
    assert_eq!(j.frames[1].procid, "web.1");
    assert_eq!(
        j.frames[1].structured_data,
        "[exampleSDID@32473 iut=\"3\" x=\"a\\]b\"][b@1]"
    );
    assert_eq!(j.frames[1].msg, "msg with ] and spaces");
    assert_eq!(j.frames[2].msg, "");
    // Parameters on the media type are fine.
    let body = frame(MSG);
    let len = body.len().to_string();
    assert!(
        judge(&post(
            body.as_bytes(),
            Some("Application/Logplex-1; charset=utf-8"),
            Some(&len)
        ))
        .ok()
    );
}

fn frame_error(body: &str) -> (usize, usize, FrameError) {
    let j = good(body);
    match j.defects.as_slice() {
        [
            Defect::Frame {
                index,
                offset,
                error,
            },
        ] => (*index, *offset, error.clone()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_wrong_length_is_found_and_measured() {
    let one = frame(MSG);
    // One short: the leftover byte is not the next frame.
    let short = format!("{} {MSG}{one}", MSG.len() - 1);
    assert_eq!(
        frame_error(&short),
        (
            0,
            0,
            FrameError::LengthMismatch {
                declared: MSG.len() - 1,
                actual: MSG.len()
            }
        )
    );
    // A newline after each frame, not counted.
    let newline = format!("{one}\n{one}\n");
    assert_eq!(
        frame_error(&newline),
        (
            0,
            0,
            FrameError::LengthMismatch {
                declared: MSG.len(),
                actual: MSG.len() + 1
            }
        )
    );
    // Too long on the last frame.
    let long = format!("{one}{} {MSG}", MSG.len() + 5);
    assert_eq!(
        frame_error(&long),
        (
            1,
            one.len(),
            FrameError::Truncated {
                declared: MSG.len() + 5,
                available: MSG.len()
            }
        )
    );
}

#[test]
fn frames_without_octet_counts_or_a_version_fail() {
    assert_eq!(frame_error(MSG).2, FrameError::NoOctetCount);
    assert_eq!(frame_error(&format!("{MSG}\n")).2, FrameError::NoOctetCount);
    assert_eq!(
        frame_error(&format!("0{}", frame(MSG))).2,
        FrameError::NoOctetCount
    );
    let no_version = MSG.replacen("<190>1 ", "<190> ", 1);
    assert_eq!(
        frame_error(&frame(&no_version)).2,
        FrameError::MissingVersion
    );
    let rfc3164 = "<190>Dec  1 10:00:00 host app: hello";
    assert_eq!(frame_error(&frame(rfc3164)).2, FrameError::MissingVersion);
    let v2 = MSG.replacen("<190>1 ", "<190>2 ", 1);
    assert_eq!(
        frame_error(&frame(&v2)).2,
        FrameError::BadVersion("2".into())
    );
    assert_eq!(
        frame_error(&frame("190>1 - h a p - -")).2,
        FrameError::BadPri
    );
    assert_eq!(
        frame_error(&frame("<192>1 - h a p - -")).2,
        FrameError::BadPri
    );
    assert_eq!(
        frame_error(&frame("<190>1 yesterday h a p - -")).2,
        FrameError::BadTimestamp
    );
    assert_eq!(
        frame_error(&frame("<190>1 - h a p -")).2,
        FrameError::MissingField("structured-data")
    );
    assert_eq!(
        frame_error(&frame("<190>1 - h a p - [unclosed msg")).2,
        FrameError::BadStructuredData
    );
}

#[test]
fn headers_are_judged() {
    let body = frame(MSG);
    let len = body.len().to_string();
    let j = judge(&post(body.as_bytes(), Some("text/plain"), Some(&len)));
    assert_eq!(j.defects, [Defect::ContentType(Some("text/plain".into()))]);
    let j = judge(&post(body.as_bytes(), None, Some(&len)));
    assert_eq!(j.defects, [Defect::ContentType(None)]);
    let j = judge(&post(body.as_bytes(), Some(CONTENT_TYPE), None));
    assert_eq!(
        j.defects,
        [Defect::ContentLength {
            declared: None,
            actual: body.len()
        }]
    );
    let j = judge(&post(body.as_bytes(), Some(CONTENT_TYPE), Some("3")));
    assert!(matches!(
        j.defects.as_slice(),
        [Defect::ContentLength { .. }]
    ));
    let mut p = post(body.as_bytes(), Some(CONTENT_TYPE), Some(&len));
    p.user_agent = None;
    assert_eq!(judge(&p).defects, [Defect::NoUserAgent]);
    assert_eq!(good("").defects, [Defect::Empty]);
}

#[test]
fn descriptions_never_quote_the_message() {
    let secret = "password=hunter2-very-secret";
    let bad = format!("{} <190>1 - h a p - - {secret}", 3);
    let j = good(&bad);
    for d in &j.defects {
        assert!(!d.describe().contains("hunter2"), "{}", d.describe());
    }
    assert!(!j.ok());
}

/// The two-frame request of Heroku's log-integration article (2014 version): 130 bytes, each
/// frame counted as 62.
#[test]
fn the_dev_center_example_passes_and_its_later_typo_fails() {
    let frame =
        |m: &str| format!("62 <190>1 2013-03-27T20:02:24+00:00 hostname t.123 procid - - {m}");
    let body = format!("{}{}", frame("foo"), frame("bar"));
    assert_eq!(body.len(), 130);
    let j = judge(&post(body.as_bytes(), Some(CONTENT_TYPE), Some("130")));
    assert!(j.ok(), "{:?}", j.defects);
    assert_eq!(
        (j.frames[0].app_name.as_str(), j.frames[1].msg.as_str()),
        ("t.123", "bar")
    );
    // A later revision put a long token in the first frame but kept its count of 62.
    let long = body.replacen("t.123", "t.01234567-89ab-cdef-0123-456789abcdef", 1);
    let len = long.len().to_string();
    let j = judge(&post(long.as_bytes(), Some(CONTENT_TYPE), Some(&len)));
    assert!(
        matches!(
            j.defects.as_slice(),
            [Defect::Frame {
                index: 0,
                error: FrameError::LengthMismatch {
                    declared: 62,
                    actual: 95
                },
                ..
            }]
        ),
        "{:?}",
        j.defects
    );
}

/// A newline counted inside the frame is part of the message, not an error.
#[test]
fn a_counted_trailing_newline_is_part_of_the_message() {
    let msg = format!("{MSG}\n");
    let j = good(&format!("{}{}", frame(&msg), frame(&msg)));
    assert!(j.ok(), "{:?}", j.defects);
    assert!(j.frames[0].msg.ends_with('\n'));
}
