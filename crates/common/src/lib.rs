//! What the workstation (`hotich-core`) and the central registry
//! (`hotich-central`) both need, written once: SQLite opened with the
//! project's pragmas and migrations ([`sqlite`]), the office's clock and
//! calendar day in Vietnam ([`time`]), hex digests ([`hex`]), password
//! hashes ([`password`]) and the registry's address ([`url`]). No domain
//! rules live here.

pub mod hex;
pub mod password;
pub mod sqlite;
pub mod time;
pub mod url;
