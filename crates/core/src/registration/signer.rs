//! The office's signers: the chairman and deputies who sign the papers,
//! set once by a supervisor and offered in the registration form. The first
//! is the default, filled into a form whose signer is left empty. Stored as
//! a setting (through `store`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, ForbiddenAction, Result};
use crate::officer::Officer;
use crate::problem::{FieldProblem, ProblemRule};
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
        let cleaned: Vec<Signer> = signers
            .iter()
            .map(|signer| Signer {
                full_name: clean(&signer.full_name),
                title: clean(&signer.title),
                on_behalf: signer.on_behalf,
            })
            .collect();
        // Every missing name or title at once, by its line ("signers.2.title").
        let problems: Vec<FieldProblem> = cleaned
            .iter()
            .enumerate()
            .flat_map(|(index, signer)| {
                [("full_name", &signer.full_name), ("title", &signer.title)]
                    .into_iter()
                    .filter(|(_, value)| value.is_empty())
                    .map(move |(field, _)| {
                        FieldProblem::new(
                            &format!("signers.{}.{field}", index + 1),
                            ProblemRule::Required,
                            BTreeMap::new(),
                        )
                    })
            })
            .collect();
        if !problems.is_empty() {
            return Err(CoreError::InvalidForm(problems));
        }
        let json = serde_json::to_string(&cleaned).map_err(|e| CoreError::Corrupt {
            what: "office signers".into(),
            reason: e.to_string(),
        })?;
        self.set_setting(SETTING_SIGNERS, &json)?;
        Ok(cleaned)
    }
}
