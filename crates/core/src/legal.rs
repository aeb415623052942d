//! The legal rules of registration deadlines, from the protocol crate (the
//! registry's pilot scenario plays workstations and needs the same
//! deadlines): `hotich_protocol::legal`. Pure rules, no table.

pub use hotich_protocol::legal::*;
