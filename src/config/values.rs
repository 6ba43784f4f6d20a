//! Typed values of the config and the command line, checked when they are read.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An absolute http(s) URL, kept exactly as written: requests are built by appending paths to
/// it, so `http://host:3000` must not become `http://host:3000/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(String);

impl HttpUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for HttpUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match url::Url::parse(text) {
            Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Ok(Self(text.to_owned())),
            Ok(_) | Err(_) => Err(format!(
                "`{text}` is not an absolute http(s) URL such as http://127.0.0.1:3000/heroku/resources"
            )),
        }
    }
}

impl Deref for HttpUrl {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for HttpUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Parses a listen address such as 127.0.0.1:0 (a clap value parser and the config's form).
pub fn parse_socket_addr(text: &str) -> Result<std::net::SocketAddr, String> {
    text.parse().map_err(|_| {
        format!("`{text}` is not an address such as 127.0.0.1:0 (an IP address and a port; 0 picks a free one)")
    })
}

pub(crate) mod socket_addr {
    use std::net::SocketAddr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Option<SocketAddr>, D::Error> {
        let text = String::deserialize(de)?;
        super::parse_socket_addr(&text)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }

    pub fn serialize<S: Serializer>(addr: &Option<SocketAddr>, s: S) -> Result<S::Ok, S::Error> {
        match addr {
            Some(a) => s.collect_str(a),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_their_text_and_refuse_other_schemes() {
        let u: HttpUrl = "http://127.0.0.1:3000".parse().unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:3000");
        assert!("ftp://x.example".parse::<HttpUrl>().is_err());
        assert!("localhost:3000".parse::<HttpUrl>().is_err());
        assert!(parse_socket_addr("127.0.0.1:0").is_ok());
        assert!(
            parse_socket_addr("localhost")
                .unwrap_err()
                .contains("127.0.0.1:0")
        );
    }
}
