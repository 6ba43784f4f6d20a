//! An auto-submitting SSO page, submitted the way a browser would.

/// The action and the hidden inputs of an auto-submitting page.
pub fn parse_form(page: &str) -> (String, Vec<(String, String)>) {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let form_tag = page.split("<form").nth(1).expect("a form");
    let action = attr(form_tag, "action").expect("a form action");
    let fields = page
        .split("<input")
        .skip(1)
        .map(|tag| {
            (
                attr(tag, "name").expect("name"),
                attr(tag, "value").expect("value"),
            )
        })
        .collect();
    (action, fields)
}

/// Posts the login form; expects a redirect with a session. Returns the session cookie
/// (`name=value`) and the redirect's location.
pub async fn sign_in(
    http: &reqwest::Client,
    action: &str,
    fields: &[(String, String)],
) -> (String, String) {
    let login = http
        .post(action)
        .form(fields)
        .send()
        .await
        .expect("login answers");
    assert_eq!(login.status(), 302);
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("cookie pair")
        .to_owned();
    let location = login.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    (cookie, location)
}
