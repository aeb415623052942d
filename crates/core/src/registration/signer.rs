//! The office's signers: the chairman and deputies who sign the papers,
//! set once by a supervisor and offered in the registration form. The first
//! is the default, filled into a form whose signer is left empty. Stored as
//! a setting (through `store`).

use serde::{Deserialize, Serialize};

use crate::error::{invalid_with, CoreError, ForbiddenAction, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::store::Store;
use crate::text::clean;

const SETTING_SIGNERS: &str = "office_signers";

/// One person who signs the office's papers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Signer {
    pub full_name: String,
    /// "Chủ tịch", "Phó Chủ tịch".
    pub title: String,
    /// Signs for the chairman: "KT. CHỦ TỊCH" above the title.
    pub on_behalf: bool,
}

impl Store {
    /// The office's signers, the default first; empty until a supervisor sets them.
    pub fn signers(&self) -> Result<Vec<Signer>> {
        match self.setting(SETTING_SIGNERS)? {
            None => Ok(Vec::new()),
            Some(json) => serde_json::from_str(&json).map_err(|e| CoreError::Corrupt {
                what: "office signers".into(),
                reason: e.to_string(),
            }),
        }
    }

    /// The signer a form left empty gets.
    pub fn default_signer(&self) -> Result<Option<Signer>> {
        Ok(self.signers()?.into_iter().next())
    }

    /// A supervisor sets the office's signers, the default first; each needs
    /// a name and a title.
    pub fn set_signers(&self, actor: &Officer, signers: &[Signer]) -> Result<Vec<Signer>> {
        actor.require_supervisor(ForbiddenAction::SetSigners)?;
        let mut cleaned = Vec::with_capacity(signers.len());
        for (index, signer) in signers.iter().enumerate() {
            let signer = Signer {
                full_name: clean(&signer.full_name),
                title: clean(&signer.title),
                on_behalf: signer.on_behalf,
            };
            if signer.full_name.is_empty() || signer.title.is_empty() {
                return Err(invalid_with(
                    InputField::Signers,
                    InputReason::Empty,
                    [("line", (index + 1).to_string())],
                ));
            }
            cleaned.push(signer);
        }
        let json = serde_json::to_string(&cleaned).map_err(|e| CoreError::Corrupt {
            what: "office signers".into(),
            reason: e.to_string(),
        })?;
        self.set_setting(SETTING_SIGNERS, &json)?;
        Ok(cleaned)
    }
}
