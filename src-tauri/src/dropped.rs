//! Files dropped on the queue window: each is imported through the same core
//! call as the file dialog's (`Store::import_file`), their summaries added
//! up. A folder, a file that cannot be read, and a file the core refuses
//! whole are named beside the summary instead of stopping the others.

use std::path::Path;

use chrono::{DateTime, Utc};
use hotich_core::{CoreError, ImportProgress, ImportSummary, Store};
use serde::Serialize;

use crate::error::CommandError;

/// Why a dropped item was not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum DropProblem {
    /// A folder: only files are imported.
    Folder,
    /// The file could not be read (gone, no permission).
    Unreadable,
    /// The core refused the file whole (`error` says why).
    Refused,
}

/// A dropped item that was not imported, by its file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DropRefusal {
    pub name: String,
    pub problem: DropProblem,
    pub error: Option<CommandError>,
}

/// What a drop did: the summary of every file taken in, and what was not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DroppedImport {
    pub summary: ImportSummary,
    pub refused: Vec<DropRefusal>,
}

fn add(total: &mut ImportSummary, one: ImportSummary) {
    total.imported += one.imported;
    total.unchanged += one.unchanged;
    total.updated += one.updated;
    total.voided += one.voided;
    total.quarantined += one.quarantined;
}

/// Imports every dropped path in turn. Only a failure of the store itself
/// (not of one file) ends the drop with an error.
pub fn import_paths(
    store: &mut Store,
    paths: &[String],
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<DroppedImport, CommandError> {
    let mut dropped = DroppedImport::default();
    for path in paths {
        let path = Path::new(path);
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let refuse = |problem, error: Option<CommandError>| DropRefusal {
            name: name.clone(),
            problem,
            error,
        };
        if path.is_dir() {
            dropped.refused.push(refuse(DropProblem::Folder, None));
            continue;
        }
        match store.import_file(path, now, progress) {
            Ok(summary) => add(&mut dropped.summary, summary),
            Err(error @ CoreError::Io(_)) => dropped
                .refused
                .push(refuse(DropProblem::Unreadable, Some(error.into()))),
            Err(error @ CoreError::InvalidFile { .. }) => dropped
                .refused
                .push(refuse(DropProblem::Refused, Some(error.into()))),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DEMO_BIRTHS, DEMO_COMMUNE, DEMO_DEATHS};

    #[test]
    fn a_drop_imports_its_files_and_names_a_folder_an_unreadable_file_and_a_refused_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(
            &dir.path().join("hotich.db"),
            &hotich_core::StoreKey::demo(),
        )
        .expect("store");
        let today = hotich_core::time::office_today();
        crate::demo::open(&mut store, today).expect("demo seeded");
        // The demo's own notifications again: the same as a re-import by the file dialog.
        let until = today.pred_opt().expect("yesterday");
        let sim = hotich_sim::simulate(&hotich_sim::SimConfig::new(
            DEMO_COMMUNE,
            DEMO_BIRTHS,
            DEMO_DEATHS,
            until,
        ))
        .expect("simulated");
        let envelopes = dir.path().join("thong-bao.json");
        let first_five = &sim.notifications[..5];
        std::fs::write(&envelopes, serde_json::to_vec(first_five).expect("json")).expect("written");
        let folder = dir.path().join("mot-thu-muc");
        std::fs::create_dir(&folder).expect("folder");
        let numbers = dir.path().join("so.json");
        std::fs::write(&numbers, b"[1, 2, 3]").expect("written");
        let missing = dir.path().join("khong-co.json");
        let paths: Vec<String> = [&folder, &envelopes, &missing, &numbers]
            .iter()
            .map(|p| p.display().to_string())
            .collect();

        let dropped =
            import_paths(&mut store, &paths, chrono::Utc::now(), &mut |_| {}).expect("dropped");

        assert_eq!(
            dropped.summary,
            ImportSummary {
                unchanged: 5,
                ..ImportSummary::default()
            }
        );
        let refused: Vec<(&str, DropProblem)> = dropped
            .refused
            .iter()
            .map(|r| (r.name.as_str(), r.problem))
            .collect();
        assert_eq!(
            refused,
            [
                ("mot-thu-muc", DropProblem::Folder),
                ("khong-co.json", DropProblem::Unreadable),
                ("so.json", DropProblem::Refused),
            ]
        );
        let refused_whole = dropped.refused[2].error.as_ref().expect("why");
        assert_eq!(refused_whole.code, hotich_core::ErrorCode::InvalidFile);
    }
}
