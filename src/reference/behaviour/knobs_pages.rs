//! Knobs of the behaviours Heroku's pages ask partners to test: which users SSO
//! admits, what it makes of attachments, the log line, asynchronous removal.

/// Which users a valid login opens the dashboard for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserAccess {
    Everyone,
    /// Only the user who signed in to the resource first.
    FirstUser,
}

/// What a login carrying both tokens is verified by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserToken {
    /// The user-scoped token (over user_id and email).
    Verified,
    /// The resource token only, so user_id and email are taken on trust.
    Ignored,
}

/// How SSO treats the resource's attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttachmentView {
    /// They do not matter: the login names the resource.
    Ignored,
    /// Two attachments on one app are taken for a broken install: the login is refused.
    OnePerApp,
    /// Fewer attachments than seen before are taken for a removal: the login is refused.
    NeverFewer,
}

/// How the reference writes its line to the app's log after provisioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogBehaviour {
    pub content_type: &'static str,
    /// Added to each frame's octet count (0: exact).
    pub count_error: usize,
    /// Writes a line after provisioning (otherwise only when the admin endpoint asks).
    pub after_provision: bool,
    /// Frames per write: a batching logger sends several in one POST.
    pub frames: usize,
}

/// Which DELETEs remove a resource asynchronously.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Removal {
    /// None: every removal is done at once and answered with `done`.
    Immediate,
    /// Resources on the plans it also provisions asynchronously (their teardown takes time).
    AsyncPlans,
    /// Every removal.
    Asynchronous,
}
