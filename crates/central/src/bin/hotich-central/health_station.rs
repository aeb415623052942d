//! `hotich-central health-station set|list`: which commune health station
//! each commune's registered deaths are shared with (Justice → Health,
//! issue 18, item 1). The station reads them with its facility token
//! (`facility-sender add`) and returns causes signed with its facility key.

use std::io::Write as _;

use chrono::Utc;
use clap::Subcommand;

use crate::commands::open;
use crate::error::CliError;
use crate::DbFile;

#[derive(Debug, Subcommand)]
pub(crate) enum HealthStationCommand {
    /// Chia sẻ các ca tử vong đã đăng ký của một xã với trạm y tế / share a commune's registered deaths with its health station.
    Set {
        #[command(flatten)]
        db: DbFile,
        /// Mã xã (5 chữ số) / the commune (5 digits).
        commune: String,
        /// Mã cơ sở khám chữa bệnh của trạm y tế / the station's facility code (MACSKCB).
        facility: String,
    },
    /// Các xã và trạm y tế của mỗi xã / every commune and its station.
    List(DbFile),
    /// Mô phỏng trạm y tế: đọc các ca tử vong được chia sẻ, gửi nguyên nhân đã ký bằng khóa mẫu /
    /// simulate the station: read the deaths shared with it, return a cause for each signed with its
    /// demo key (the demo and the tests; never a real station's key).
    Answer {
        /// Địa chỉ máy chủ trung tâm / the registry's address.
        #[arg(long, value_name = "URL")]
        registry: String,
        /// Mã xác thực của trạm (facility-sender add) / the station's facility token.
        #[arg(long, value_name = "TOKEN")]
        token: String,
        /// Mã cơ sở của trạm / the station's facility code (MACSKCB).
        #[arg(long, value_name = "MACSKCB")]
        facility: String,
        /// Gửi dạng thông điệp FHIR VRDR mã hóa nguyên nhân tử vong (vẫn ký số) /
        /// return each cause as a VRDR cause-of-death coding message (still signed).
        #[arg(long)]
        fhir: bool,
    },
}

pub(crate) fn run(command: HealthStationCommand) -> Result<String, CliError> {
    match command {
        HealthStationCommand::Set {
            db,
            commune,
            facility,
        } => {
            let (commune, facility) = (commune.trim(), facility.trim());
            if !hotich_protocol::verify::is_commune_code(commune) {
                return Err(CliError::Usage {
                    vi: "mã xã phải có 5 chữ số".into(),
                    en: "a commune code has 5 digits".into(),
                });
            }
            if facility.is_empty() || facility.chars().count() > 16 {
                return Err(CliError::Usage {
                    vi: "mã cơ sở khám chữa bệnh (MACSKCB) trống hoặc quá dài".into(),
                    en: "the facility code (MACSKCB) is empty or too long".into(),
                });
            }
            open(&db)?
                .set_health_station(commune, facility, Utc::now())
                .map_err(CliError::failed)?;
            Ok(format!(
                "xã {commune}: trạm y tế {facility} / commune {commune}: health station {facility}"
            ))
        }
        HealthStationCommand::Answer {
            registry,
            token,
            facility,
            fhir,
        } => {
            let totals =
                hotich_central::simulate::answer_deaths(&registry, &token, &facility, fhir)
                    .map_err(CliError::failed)?;
            Ok(format!(
                "{} ca tử vong: {} nguyên nhân mới, {} không đổi, {} bị từ chối / {} deaths: {} causes stored, {} unchanged, {} refused",
                totals.deaths, totals.stored, totals.unchanged, totals.refused,
                totals.deaths, totals.stored, totals.unchanged, totals.refused
            ))
        }
        HealthStationCommand::List(DbFile { db }) => {
            let stations = open(&db)?.health_stations().map_err(CliError::failed)?;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "commune\tfacility\tset_at").map_err(CliError::failed)?;
            for s in &stations {
                writeln!(stdout, "{}\t{}\t{}", s.commune, s.facility_id, s.set_at)
                    .map_err(CliError::failed)?;
            }
            Ok(format!("{} xã / communes", stations.len()))
        }
    }
}
