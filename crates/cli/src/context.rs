//! What every subcommand shares: the open store, the day deadlines count
//! from, the officer named on the command line, and stdout.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::{NaiveDate, Utc};
use hotich_core::{Officer, Store};

use crate::output::Output;

/// The environment variable naming the acting officer (`--user` wins).
const USER_ENV: &str = "HOTICH_USER";
/// The environment variable holding the acting officer's password.
pub const PASSWORD_ENV: &str = "HOTICH_PASSWORD";

#[derive(Debug)]
pub struct Ctx {
    pub store: Store,
    /// Office time's today (Vietnam), or `--today`.
    pub today: NaiveDate,
    user: Option<String>,
    pub out: Output,
}

impl Ctx {
    /// Opens the database (`--db`, else `hotich_core::paths::default_database`),
    /// creating its folder first.
    pub fn open(
        db: Option<PathBuf>,
        today: Option<NaiveDate>,
        user: Option<String>,
    ) -> Result<Ctx> {
        let db = database(db)?;
        hotich_core::paths::create_database_dir(&db)
            .with_context(|| format!("không tạo được thư mục của {}", db.display()))?;
        let store = hotich_core::store_key::open_workstation(&db, &mut encryption_progress())
            .with_context(|| format!("không mở được {}", db.display()))?;
        Ok(Ctx {
            store,
            today: today.unwrap_or_else(hotich_core::time::office_today),
            user,
            out: Output::stdout(),
        })
    }

    /// The username given by --user / $HOTICH_USER.
    pub fn username(&self) -> Result<String> {
        self.user
            .clone()
            .or_else(|| std::env::var(USER_ENV).ok())
            .context("cần --user TÊN_ĐĂNG_NHẬP (hoặc $HOTICH_USER) cho thao tác này")
    }

    /// The officer named by --user / $HOTICH_USER, signed in with
    /// $HOTICH_PASSWORD (the core's sign-in: lockout and all). A password a
    /// supervisor set must first be changed (`hotich officer password`).
    pub fn acting(&mut self) -> Result<Officer> {
        let username = self.username()?;
        let password = password(PASSWORD_ENV)?;
        let officer = self.store.sign_in(&username, &password, Utc::now())?;
        if officer.must_change_password {
            return Err(hotich_core::CoreError::PasswordChangeRequired.into());
        }
        Ok(officer)
    }

    /// The id of the officer `username`.
    pub fn officer_id(&self, username: &str) -> Result<String> {
        Ok(self
            .store
            .officer_by_username(username)?
            .ok_or_else(|| hotich_core::CoreError::OfficerNotFound(username.to_owned()))?
            .id)
    }
}

/// Prints on stderr how far the encryption of a plain database (an earlier
/// version's, at its first open by this one) has got, every tenth.
fn encryption_progress() -> impl FnMut(hotich_core::EncryptionProgress) + Send {
    let mut shown = None;
    move |progress| {
        let tenths = (progress.done * 10)
            .checked_div(progress.total)
            .unwrap_or(10);
        if shown != Some(tenths) {
            shown = Some(tenths);
            eprintln!(
                "Đang mã hóa cơ sở dữ liệu (một lần, sau khi nâng cấp): {}%",
                tenths * 10
            );
        }
    }
}

/// The database file: `--db`, else `hotich_core::paths::default_database`.
pub fn database(db: Option<PathBuf>) -> Result<PathBuf> {
    match db {
        Some(db) => Ok(db),
        None => hotich_core::paths::default_database()
            .context("không tìm thấy thư mục dữ liệu của máy; dùng --db TỆP"),
    }
}

/// A password from the environment variable `name`.
pub fn password(name: &str) -> Result<String> {
    std::env::var(name).with_context(|| match name {
        PASSWORD_ENV => "cần mật khẩu trong biến môi trường HOTICH_PASSWORD".to_owned(),
        _ => format!("cần mật khẩu của tài khoản mới trong {name}"),
    })
}
