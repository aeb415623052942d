//! `hotich recover`: the database opened with its recovery key (another
//! PC, a lost keyring), which is then kept in this PC's keyring, through
//! `hotich_core::store_key::recover`.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use crate::context::database;

/// Open the database with its recovery key (written down at set-up) and
/// keep the key in this computer's keyring; a wrong key changes nothing
#[derive(Args, Debug)]
pub struct Recover {
    /// The 56 letters and digits, in groups of four (dashes and spaces optional)
    #[arg(long, value_name = "KEY")]
    recovery_key: String,
}

impl Recover {
    pub fn run(self, db: Option<PathBuf>) -> Result<()> {
        let db = database(db)?;
        let store = hotich_core::store_key::recover(&db, &self.recovery_key)
            .with_context(|| format!("không mở được {}", db.display()))?;
        let head = store.audit_head()?;
        println!(
            "Đã mở {} bằng khóa khôi phục và lưu khóa vào kho khóa của máy này (nhật ký {} mục).",
            db.display(),
            head.map_or(0, |head| head.seq)
        );
        Ok(())
    }
}
