//! The audit trail in Quản trị: a supervisor reads it filtered, checks it
//! whole, and exports it (`hotich_core::audit`).

use std::path::Path;

use chrono::Utc;
use hotich_core::{AuditFilter, AuditLine, AuditReport};

guarded_commands! {
    acting fn audit_entries(filter: AuditFilter) -> Vec<AuditLine> =
        |(actor, store)| store.audit_entries(&actor, &filter);
    /// The same check as `hotich audit verify`; supervisors, as reading is.
    acting fn verify_audit() -> AuditReport = |(actor, store)| {
        actor
            .require_supervisor(hotich_core::ForbiddenAction::ReadAudit)
            .and_then(|()| store.verify_audit_log())
    };
    acting fn export_audit(filter: AuditFilter, path: String) -> u32 = |(actor, store)| {
        store
            .export_audit(&actor, &filter, Path::new(&path), Utc::now())
            .map(|rows| u32::try_from(rows).unwrap_or(u32::MAX))
    };
}
