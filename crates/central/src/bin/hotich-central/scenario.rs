//! `hotich-central simulate --scenario pilot --db FILE --province CODE`:
//! six months of a province's Justice-Health pilot played into a demo or
//! test registry's database (`hotich_central::pilot_scenario`), with the
//! ledger of what the simulator decided when `--ledger` asks for it.

use std::io::Write as _;

use chrono::NaiveDate;
use hotich_central::pilot_scenario::{play, PilotError, PilotScenario};

use crate::commands::open;
use crate::error::CliError;
use crate::SimulateArgs;

/// The pilot's six months: 1,449 deaths notified.
const PILOT_DEATHS: usize = 1449;

pub(crate) fn run(
    scenario: &str,
    args: &SimulateArgs,
    today: NaiveDate,
) -> Result<String, CliError> {
    if scenario != "pilot" {
        return Err(CliError::Usage {
            vi: format!("không có kịch bản {scenario:?}; chỉ có pilot"),
            en: format!("unknown scenario {scenario:?}; the one scenario is pilot"),
        });
    }
    let (Some(db), Some(province)) = (&args.db, &args.province) else {
        return Err(CliError::Usage {
            vi: "kịch bản pilot cần --db và --province".into(),
            en: "the pilot scenario needs --db and --province".into(),
        });
    };
    let storage = open(db)?;
    let scenario = PilotScenario {
        province: province.trim().to_owned(),
        communes: args.communes,
        deaths: args.deaths.unwrap_or(PILOT_DEATHS),
        days: args.days,
        today,
        seed: args.seed,
    };
    let run = play(storage.as_ref(), &scenario).map_err(|e| match e {
        PilotError::UnknownProvince(code) => CliError::Usage {
            vi: format!(
                "không có tỉnh, thành phố nào mã {code:?} (2 chữ số, danh mục từ 1/7/2025)"
            ),
            en: format!(
                "unknown province code {code:?} (2 digits, list in force since 1 July 2025)"
            ),
        },
        other => CliError::failed(other),
    })?;
    if let Some(path) = &args.ledger {
        let mut text = String::new();
        for entry in &run.ledger {
            text.push_str(&serde_json::to_string(entry).map_err(CliError::failed)?);
            text.push('\n');
        }
        let mut file = std::fs::File::create(path).map_err(|e| CliError::Failed {
            vi: format!("không ghi được {}: {e}", path.display()),
            en: format!("cannot write {}: {e}", path.display()),
        })?;
        file.write_all(text.as_bytes()).map_err(CliError::failed)?;
    }
    Ok(format!(
        "thí điểm / pilot: {} xã / communes, {} thông báo / notices, {} lần liên hệ / attempts, \
         {} đăng ký / registrations, {} nguyên nhân / causes, đến / to {today}",
        run.communes, run.notices, run.attempts, run.registrations, run.causes
    ))
}
