//! How the registry reaches PostgreSQL: over TLS that verifies the server's
//! certificate and name whenever the database is on another machine.
//!
//! - `sslmode=disable`: plain TCP, as the operator asked (a private link
//!   they protect otherwise).
//! - `sslmode=require`, or no `sslmode` with a host that is not this
//!   machine: TLS, the certificate checked against the system's CAs and
//!   the file `PGSSLROOTCERT` names (libpq's variable: the province's or
//!   ministry's own CA), the host name against the certificate. A server
//!   that cannot prove it is the database is refused, so the default is
//!   never plain text to another machine.
//! - No `sslmode` (libpq's `prefer`) on loopback or a Unix socket: plain;
//!   the bytes never leave the machine.

use std::net::IpAddr;
use std::path::PathBuf;

use ::postgres::config::{Host, SslMode};
use openssl::ssl::{SslConnector, SslMethod};
use postgres_openssl::MakeTlsConnector;

use super::super::{Result, StorageError};

/// libpq's variable naming the CA file that signs the server's certificate.
pub const ROOT_CERT_ENV: &str = "PGSSLROOTCERT";

/// What each new connection of the pool goes through.
#[derive(Clone)]
pub(super) enum Connector {
    Plain,
    Verified(MakeTlsConnector),
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Connector::Plain => "Plain",
            Connector::Verified(_) => "Verified",
        })
    }
}

/// Whether every host of the address is this machine.
fn only_this_machine(config: &::postgres::Config) -> bool {
    let addresses_local = config.get_hostaddrs().iter().all(IpAddr::is_loopback);
    let hosts_local = config.get_hosts().iter().all(|host| match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
    });
    addresses_local && hosts_local
}

/// The connector for `config`, which is set to require TLS when it goes to
/// another machine without an `sslmode` (see the module's doc).
pub(super) fn connector(config: &mut ::postgres::Config) -> Result<Connector> {
    let tls = match config.get_ssl_mode() {
        SslMode::Disable => false,
        SslMode::Require => true,
        _ if only_this_machine(config) => false,
        _ => {
            config.ssl_mode(SslMode::Require);
            true
        }
    };
    if !tls {
        return Ok(Connector::Plain);
    }
    let root = std::env::var_os(ROOT_CERT_ENV).map(PathBuf::from);
    let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(tls_error)?;
    if let Some(root) = &root {
        builder.set_ca_file(root).map_err(|e| {
            StorageError::DatabaseTls(format!("{ROOT_CERT_ENV} {}: {e}", root.display()))
        })?;
    }
    Ok(Connector::Verified(MakeTlsConnector::new(builder.build())))
}

fn tls_error(error: openssl::error::ErrorStack) -> StorageError {
    StorageError::DatabaseTls(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> (bool, SslMode) {
        let mut config: ::postgres::Config = url.parse().unwrap();
        let verified = matches!(connector(&mut config).unwrap(), Connector::Verified(_));
        (verified, config.get_ssl_mode())
    }

    #[test]
    fn another_machine_gets_verified_tls_unless_the_operator_disables_it() {
        assert_eq!(
            mode("postgres://h@db.tinh.gov.vn/hotich"),
            (true, SslMode::Require)
        );
        assert_eq!(
            mode("postgres://h@10.0.0.5/hotich?sslmode=prefer"),
            (true, SslMode::Require)
        );
        assert_eq!(
            mode("postgres://h@10.0.0.5/hotich?sslmode=disable"),
            (false, SslMode::Disable)
        );
        assert_eq!(
            mode("postgres://h@127.0.0.1:5432/hotich"),
            (false, SslMode::Prefer)
        );
        assert_eq!(
            mode("host=/run/postgresql user=h dbname=hotich"),
            (false, SslMode::Prefer)
        );
        assert_eq!(
            mode("postgres://h@localhost/hotich?sslmode=require"),
            (true, SslMode::Require)
        );
        // One remote host among local ones is remote.
        assert_eq!(
            mode("host=localhost,db2.tinh.gov.vn user=h"),
            (true, SslMode::Require)
        );
    }
}
