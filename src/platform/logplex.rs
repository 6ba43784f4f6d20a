//! LOG-02's judge, pure: what a partner POSTs to a log input URL must be
//! `Content-Type: application/logplex-1`, carry a `User-Agent` and an exact `Content-Length`,
//! and its body must be octet-counted RFC 5424 frames:
//! `<len> <PRI>1 <timestamp> <host> <app> <procid> <msgid> <structured-data> [<msg>]`, where
//! `<len>` is the exact byte count of what follows the space (RFC 6587 octet counting).
//! Descriptions never quote the message text (it may hold secrets); they give positions.

/// The media type Logplex's HTTP input takes.
pub const CONTENT_TYPE: &str = "application/logplex-1";

/// A log write as the judge reads it.
#[derive(Debug, Clone, Copy)]
pub struct LogPost<'a> {
    pub content_type: Option<&'a str>,
    pub content_length: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub body: &'a [u8],
}

/// One well-formed frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub pri: u8,
    pub timestamp: String,
    pub hostname: String,
    pub app_name: String,
    pub procid: String,
    pub msgid: String,
    pub structured_data: String,
    pub msg: String,
}

/// Why a frame is not a valid octet-counted RFC 5424 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The frame does not start with a positive decimal length and a space.
    NoOctetCount,
    /// The length runs past the end of the body.
    Truncated {
        declared: usize,
        available: usize,
    },
    /// What follows the counted bytes is not the next frame: the length is wrong. `actual` is
    /// the length that would reach the next frame (or the body's end).
    LengthMismatch {
        declared: usize,
        actual: usize,
    },
    /// No `<PRI>` (0 to 191) at the start of the message.
    BadPri,
    /// No version after `<PRI>` (RFC 5424 needs `1`, as in `<190>1`).
    MissingVersion,
    BadVersion(String),
    MissingField(&'static str),
    BadTimestamp,
    BadStructuredData,
}

/// One LOG-02 defect of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    ContentType(Option<String>),
    NoUserAgent,
    /// `declared` is the header as sent (`None`: absent), `actual` the body's size.
    ContentLength {
        declared: Option<String>,
        actual: usize,
    },
    Empty,
    /// The frame at `index` (from 0), starting at byte `offset`.
    Frame {
        index: usize,
        offset: usize,
        error: FrameError,
    },
}

impl Defect {
    /// Partner-facing text.
    pub fn describe(&self) -> String {
        match self {
            Self::ContentType(None) => format!("no Content-Type: send {CONTENT_TYPE}"),
            Self::ContentType(Some(ct)) => format!("Content-Type is {ct}, not {CONTENT_TYPE}"),
            Self::NoUserAgent => "no User-Agent identifying the add-on".into(),
            Self::ContentLength {
                declared: None,
                actual,
            } => format!("no Content-Length (the body has {actual} bytes)"),
            Self::ContentLength {
                declared: Some(d),
                actual,
            } => format!("Content-Length is {d} but the body has {actual} bytes"),
            Self::Empty => "the body holds no log frame".into(),
            Self::Frame {
                index,
                offset,
                error,
            } => format!("frame {} (byte {offset}): {}", index + 1, error.describe()),
        }
    }
}

impl FrameError {
    fn describe(&self) -> String {
        match self {
            Self::NoOctetCount => "does not start with its length in bytes and a space (octet counting, as in `83 <190>1 ...`)".into(),
            Self::Truncated { declared, available } => format!("declares {declared} bytes but only {available} follow"),
            Self::LengthMismatch { declared, actual } => format!("declares {declared} bytes but the frame has {actual}"),
            Self::BadPri => "no <PRI> between 0 and 191 at the start of the message (e.g. <190>)".into(),
            Self::MissingVersion => "no syslog version after <PRI> (RFC 5424 needs 1, as in <190>1)".into(),
            Self::BadVersion(v) => format!("syslog version {v}, not 1"),
            Self::MissingField(f) => format!("no valid {f} field (use - when there is none)"),
            Self::BadTimestamp => "the timestamp is neither - nor RFC 3339 (2026-12-01T10:00:00Z)".into(),
            Self::BadStructuredData => "the structured data is neither - nor [..] elements".into(),
        }
    }
}

/// What the judge found: the frames that parsed and every defect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Judgement {
    pub frames: Vec<Frame>,
    pub defects: Vec<Defect>,
}

impl Judgement {
    pub fn ok(&self) -> bool {
        self.defects.is_empty()
    }
}

/// Judges one write against LOG-02.
pub fn judge(post: &LogPost<'_>) -> Judgement {
    let mut defects = Vec::new();
    let media = post
        .content_type
        .map(|ct| ct.split(';').next().unwrap_or_default().trim());
    if !media.is_some_and(|m| m.eq_ignore_ascii_case(CONTENT_TYPE)) {
        defects.push(Defect::ContentType(post.content_type.map(str::to_owned)));
    }
    if post.user_agent.is_none_or(|ua| ua.trim().is_empty()) {
        defects.push(Defect::NoUserAgent);
    }
    let actual = post.body.len();
    if post
        .content_length
        .and_then(|d| d.trim().parse::<usize>().ok())
        != Some(actual)
    {
        defects.push(Defect::ContentLength {
            declared: post.content_length.map(str::to_owned),
            actual,
        });
    }
    let (frames, error) = parse_frames(post.body);
    if let Some((index, offset, error)) = error {
        defects.push(Defect::Frame {
            index,
            offset,
            error,
        });
    } else if frames.is_empty() {
        defects.push(Defect::Empty);
    }
    Judgement { frames, defects }
}

/// Splits a body into frames; stops at the first bad one (index, byte offset, why): after a
/// wrong length nothing further can be framed.
pub fn parse_frames(body: &[u8]) -> (Vec<Frame>, Option<(usize, usize, FrameError)>) {
    let mut frames = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let index = frames.len();
        let fail = |e| Some((index, at, e));
        let Some((declared, start)) = octet_count(body, at) else {
            return (frames, fail(FrameError::NoOctetCount));
        };
        let available = body.len() - start;
        if declared > available {
            return (
                frames,
                fail(FrameError::Truncated {
                    declared,
                    available,
                }),
            );
        }
        let end = start + declared;
        if end < body.len() && !frame_at(body, end) {
            // What follows is no frame that fits. A frame that fits nearby means this length is
            // wrong; a frame start that does not fit, with none nearby, is the next frame's own
            // fault (reported as truncated next).
            let near = boundary_near(body, start, end);
            if near < body.len() || !looks_like_frame(body, end) {
                let actual = near - start;
                return (
                    frames,
                    fail(FrameError::LengthMismatch { declared, actual }),
                );
            }
        }
        match parse_message(&body[start..end]) {
            Ok(frame) => frames.push(frame),
            Err(e) => return (frames, fail(e)),
        }
        at = end;
    }
    (frames, None)
}

/// `<nonzero digit><digits> ` at `at`: the length and where the message starts.
fn octet_count(body: &[u8], at: usize) -> Option<(usize, usize)> {
    let digits = body[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 9 || body[at] == b'0' || body.get(at + digits) != Some(&b' ') {
        return None;
    }
    let n = std::str::from_utf8(&body[at..at + digits])
        .ok()?
        .parse()
        .ok()?;
    Some((n, at + digits + 1))
}

/// Whether a frame that fits the body starts at `at`: `<len> <` with `len` bytes available.
fn frame_at(body: &[u8], at: usize) -> bool {
    octet_count(body, at).is_some_and(|(n, s)| body.get(s) == Some(&b'<') && s + n <= body.len())
}

/// A frame that fits and parses starts at `at`.
fn good_frame_at(body: &[u8], at: usize) -> bool {
    frame_at(body, at)
        && octet_count(body, at).is_some_and(|(n, s)| parse_message(&body[s..s + n]).is_ok())
}

/// `<len> <` at `at`, whether or not it fits.
fn looks_like_frame(body: &[u8], at: usize) -> bool {
    octet_count(body, at).is_some_and(|(_, s)| body.get(s) == Some(&b'<'))
}

/// Where the frame that starts at `start` really ends, given that `end` is not a frame start:
/// the frame start nearest to `end`, else the end of the body.
fn boundary_near(body: &[u8], start: usize, end: usize) -> usize {
    (1..body.len())
        .flat_map(|d| [end.checked_add(d), end.checked_sub(d)])
        .flatten()
        .filter(|&p| p > start && p < body.len())
        .find(|&p| good_frame_at(body, p))
        .unwrap_or(body.len())
}

/// A printable-ASCII header field of at most `max` bytes.
fn field<'a>(
    it: &mut std::str::SplitN<'a, char>,
    name: &'static str,
    max: usize,
) -> Result<&'a str, FrameError> {
    it.next()
        .filter(|f| !f.is_empty() && f.len() <= max && f.bytes().all(|b| (33..=126).contains(&b)))
        .ok_or(FrameError::MissingField(name))
}

fn parse_message(raw: &[u8]) -> Result<Frame, FrameError> {
    let text = String::from_utf8_lossy(raw);
    let rest = text.strip_prefix('<').ok_or(FrameError::BadPri)?;
    let (pri, rest) = rest.split_once('>').ok_or(FrameError::BadPri)?;
    let pri: u8 = (!pri.is_empty() && pri.len() <= 3 && pri.bytes().all(|b| b.is_ascii_digit()))
        .then(|| pri.parse().ok())
        .flatten()
        .filter(|p| *p <= 191)
        .ok_or(FrameError::BadPri)?;
    let (version, rest) = rest.split_once(' ').ok_or(FrameError::MissingVersion)?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FrameError::MissingVersion);
    }
    if version != "1" {
        return Err(FrameError::BadVersion(version.to_owned()));
    }
    let mut it = rest.splitn(6, ' ');
    let timestamp = field(&mut it, "timestamp", 64)?;
    if timestamp != "-" && !is_rfc3339(timestamp) {
        return Err(FrameError::BadTimestamp);
    }
    let hostname = field(&mut it, "hostname", 255)?;
    let app_name = field(&mut it, "app-name", 48)?;
    let procid = field(&mut it, "procid", 128)?;
    let msgid = field(&mut it, "msgid", 32)?;
    let tail = it
        .next()
        .ok_or(FrameError::MissingField("structured-data"))?;
    let (sd, msg) = split_sd(tail)?;
    Ok(Frame {
        pri,
        timestamp: timestamp.to_owned(),
        hostname: hostname.to_owned(),
        app_name: app_name.to_owned(),
        procid: procid.to_owned(),
        msgid: msgid.to_owned(),
        structured_data: sd.to_owned(),
        msg: msg.to_owned(),
    })
}

/// Structured data (`-` or `[...]` elements, quotes and escapes honoured), then the message.
fn split_sd(tail: &str) -> Result<(&str, &str), FrameError> {
    let end = if tail.starts_with('-') {
        1
    } else if tail.starts_with('[') {
        sd_end(tail).ok_or(FrameError::BadStructuredData)?
    } else {
        return Err(FrameError::BadStructuredData);
    };
    let (sd, rest) = tail.split_at(end);
    match rest.strip_prefix(' ') {
        Some(msg) => Ok((sd, msg)),
        None if rest.is_empty() => Ok((sd, "")),
        None => Err(FrameError::BadStructuredData),
    }
}

/// The byte after the last `]` of consecutive SD elements.
fn sd_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let (mut i, mut quoted) = (0, false);
    while i < bytes.len() {
        match (bytes[i], quoted) {
            (b'\\', true) => i += 1,
            (b'"', _) => quoted = !quoted,
            (b']', false) if bytes.get(i + 1) != Some(&b'[') => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_rfc3339(t: &str) -> bool {
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(digits(0..4) && at(4, b'-') && digits(5..7) && at(7, b'-') && digits(8..10))
        || !(at(10, b'T') && digits(11..13) && at(13, b':') && digits(14..16) && at(16, b':'))
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        let frac = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=6).contains(&frac) {
            return false;
        }
        i += 1 + frac;
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && digits(i + 1..i + 3) && at(i + 3, b':') && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "logplex_tests.rs"]
mod tests;
