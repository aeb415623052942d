//! The central registry's address, parsed once. Every front end (the desktop
//! settings, `hotich sync login`, the sync engine, the keyring entry) takes a
//! [`ServerUrl`], so they accept and refuse the same addresses.

use std::fmt;

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ServerUrlError {
    #[error("must start with http:// or https://")]
    Scheme,
    #[error("is not a valid address: {0}")]
    Invalid(String),
}

/// A registry address: `http` or `https`, with a host, no trailing slash.
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
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(ServerUrlError::Invalid("no host".into()));
        }
        Ok(ServerUrl(trimmed.to_owned()))
    }

    /// The address without a trailing slash, ready for `format!("{url}/v1/...")`.
    pub fn as_str(&self) -> &str {
        &self.0
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
}
