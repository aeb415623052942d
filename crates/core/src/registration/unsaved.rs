//! A registration or amendment form as an officer typed it, kept until it is
//! saved or discarded: leaving the case, a lock or a restart loses nothing.
//! Each officer has their own, per case and per form. The body is the
//! window's own shape of the form (JSON), which the core keeps and does not
//! read; saving the registration or the amendment clears it in the same
//! transaction.
//!
//! The only writer of `unsaved_form`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{invalid, invalid_with, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::store::Store;

/// The largest form kept: a death registration with every field filled is
/// about 4 KiB of JSON.
pub const MAX_UNSAVED_FORM_BYTES: usize = 256 * 1024;

/// Which form of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum FormMode {
    /// The registration of the case.
    Register,
    /// An amendment of its registration.
    Amend,
}

impl FormMode {
    fn as_str(self) -> &'static str {
        match self {
            FormMode::Register => "register",
            FormMode::Amend => "amend",
        }
    }
}

impl Store {
    /// The form `actor` left unsaved on `case_id`, if any.
    pub fn unsaved_form(
        &self,
        actor: &Officer,
        case_id: &str,
        mode: FormMode,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT body FROM unsaved_form WHERE officer_id = ?1 AND case_id = ?2 AND mode = ?3",
                params![actor.id, case_id, mode.as_str()],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Keeps what `actor` has typed in the form (a JSON object), replacing
    /// what was kept before.
    pub fn keep_unsaved_form(
        &mut self,
        actor: &Officer,
        case_id: &str,
        mode: FormMode,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if body.len() > MAX_UNSAVED_FORM_BYTES {
            return Err(invalid_with(
                InputField::UnsavedForm,
                InputReason::TooLong,
                [("max", MAX_UNSAVED_FORM_BYTES.to_string())],
            ));
        }
        let is_object =
            serde_json::from_str::<serde_json::Value>(body).is_ok_and(|value| value.is_object());
        if !is_object {
            return Err(invalid(InputField::UnsavedForm, InputReason::NotJsonObject));
        }
        let case_exists: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM case_file WHERE id = ?1)",
            [case_id],
            |row| row.get(0),
        )?;
        if !case_exists {
            return Err(crate::CoreError::CaseNotFound(case_id.to_owned()));
        }
        self.conn.execute(
            "INSERT INTO unsaved_form (officer_id, case_id, mode, body, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (officer_id, case_id, mode) DO UPDATE SET body = ?4, updated_at = ?5",
            params![actor.id, case_id, mode.as_str(), body, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Drops what `actor` kept of the form (nothing kept: nothing changes).
    pub fn discard_unsaved_form(
        &mut self,
        actor: &Officer,
        case_id: &str,
        mode: FormMode,
    ) -> Result<()> {
        clear(&self.conn, Some(&actor.id), case_id, mode)
    }
}

/// Clears the kept form of `officer_id` (or of every officer) on `case_id`:
/// called inside the transaction that saves the registration or amendment.
pub(crate) fn clear(
    conn: &Connection,
    officer_id: Option<&str>,
    case_id: &str,
    mode: FormMode,
) -> Result<()> {
    conn.execute(
        "DELETE FROM unsaved_form
         WHERE case_id = ?1 AND mode = ?2 AND (?3 IS NULL OR officer_id = ?3)",
        params![case_id, mode.as_str(), officer_id],
    )?;
    Ok(())
}
