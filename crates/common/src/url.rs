//! The central registry's address, parsed once. Every front end (the desktop
//! settings, `hotich sync login`, the sync engine, the keyring entry) takes a
//! [`ServerUrl`], so they accept and refuse the same addresses: `https://`,
//! or `http://` to this computer only (the loopback addresses and
//! `localhost`), since a workstation sends its token and civil-registration
//! data over the connection.

use std::fmt;

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ServerUrlError {
    #[error("must start with http:// or https://")]
    Scheme,
    #[error("is not a valid address: {0}")]
    Invalid(String),
    /// `http://` to another computer: the token and data would cross the
    /// network in clear.
    #[error("http:// is allowed only to this computer (127.0.0.1, localhost); use https://")]
    PlainHttpNotLoopback,
}

/// A registry address: `https`, or `http` to a loopback host; with a host,
/// no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerUrl(String);

impl ServerUrl {
    pub fn parse(text: &str) -> Result<ServerUrl, ServerUrlError> {
        let trimmed = text.trim().trim_end_matches('/');
        if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
            return Err(ServerUrlError::Scheme);
        }
        let parsed =
            ::url::Url::parse(trimmed).map_err(|e| ServerUrlError::Invalid(e.to_string()))?;
        let host = match parsed.host() {
            Some(::url::Host::Domain("")) | None => {
                return Err(ServerUrlError::Invalid("no host".into()))
            }
            Some(host) => host,
        };
        if parsed.scheme() == "http" && !is_loopback(&host) {
            return Err(ServerUrlError::PlainHttpNotLoopback);
        }
        Ok(ServerUrl(trimmed.to_owned()))
    }

    /// Whether the connection is TLS (`https://`).
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// The address without a trailing slash, ready for `format!("{url}/v1/...")`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// This computer: 127.0.0.0/8, ::1, or `localhost` (which resolves to them).
fn is_loopback(host: &::url::Host<&str>) -> bool {
    match host {
        ::url::Host::Ipv4(ip) => ip.is_loopback(),
        ::url::Host::Ipv6(ip) => ip.is_loopback(),
        ::url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ServerUrl {
    type Err = ServerUrlError;
    fn from_str(text: &str) -> Result<ServerUrl, ServerUrlError> {
        ServerUrl::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_spaces_and_trailing_slashes() {
        let url = ServerUrl::parse("  https://registry.example:8443/ ").unwrap();
        assert_eq!(url.as_str(), "https://registry.example:8443");
        assert_eq!(
            ServerUrl::parse("http://127.0.0.1:9000")
                .unwrap()
                .to_string(),
            "http://127.0.0.1:9000"
        );
    }

    #[test]
    fn refuses_other_schemes_and_hostless_addresses() {
        assert_eq!(ServerUrl::parse("ftp://x"), Err(ServerUrlError::Scheme));
        assert_eq!(
            ServerUrl::parse("registry.example"),
            Err(ServerUrlError::Scheme)
        );
        assert!(ServerUrl::parse("http://").is_err());
        assert!(matches!(
            ServerUrl::parse("http://registry example"),
            Err(ServerUrlError::Invalid(_))
        ));
    }

    #[test]
    fn plain_http_is_only_for_this_computer() {
        for local in [
            "http://127.0.0.1:8787",
            "http://127.3.4.5",
            "http://localhost:9000/",
            "http://LOCALHOST",
            "http://[::1]:8787",
            "https://10.0.0.5",
            "https://registry.example.vn",
        ] {
            assert!(ServerUrl::parse(local).is_ok(), "{local}");
        }
        for remote in [
            "http://10.0.0.5:8787",
            "http://192.168.1.20",
            "http://registry.example.vn",
            "http://localhost.example.vn",
            "http://[2001:db8::1]",
            "http://0.0.0.0:8787",
        ] {
            assert_eq!(
                ServerUrl::parse(remote),
                Err(ServerUrlError::PlainHttpNotLoopback),
                "{remote}"
            );
        }
        assert!(ServerUrl::parse("https://x.example").unwrap().is_https());
        assert!(!ServerUrl::parse("http://127.0.0.1").unwrap().is_https());
    }
}
