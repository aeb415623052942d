//! `hotich officer`: the first supervisor, new accounts, the list, and the
//! account life cycle (own password, reset, deactivate, reactivate, role).

use std::io::Write;

use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;
use hotich_core::{OfficerUpdate, Role};

use crate::args::parse_role;
use crate::context::{password, Ctx, PASSWORD_ENV};

/// The environment variable holding a new account's password, or the
/// officer's own new password.
const NEW_PASSWORD_ENV: &str = "HOTICH_NEW_PASSWORD";

#[derive(Subcommand, Debug)]
pub enum Officer {
    /// Create the first supervisor account (password in $HOTICH_PASSWORD)
    Init {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
    },
    /// Create an account (supervisors; the first password in
    /// $HOTICH_NEW_PASSWORD, to be changed at the first sign-in)
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role, default_value = "registrar")]
        role: Role,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change your own password (--user; current in $HOTICH_PASSWORD, new in
    /// $HOTICH_NEW_PASSWORD): at least 12 characters, not a common password
    Password,
    /// Reset an officer's password to a one-time one, printed once (supervisors)
    Reset { username: String },
    /// Deactivate an account: no more sign-in; open cases need a new assignee (supervisors)
    Deactivate { username: String },
    /// Reactivate a deactivated account (supervisors)
    Reactivate { username: String },
    /// Change an officer's role (supervisors)
    Role {
        username: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
}

impl Officer {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Officer::Init { username, name } => {
                let password = password(PASSWORD_ENV)?;
                let officer =
                    ctx.store
                        .create_first_supervisor(&username, &name, &password, Utc::now())?;
                writeln!(ctx.out, "Đã tạo tài khoản lãnh đạo {}.", officer.username)?;
            }
            Officer::Add {
                username,
                name,
                role,
            } => {
                let actor = ctx.acting()?;
                let password = password(NEW_PASSWORD_ENV)?;
                let officer = ctx.store.create_officer(
                    &actor,
                    &username,
                    &name,
                    role,
                    &password,
                    Utc::now(),
                )?;
                writeln!(
                    ctx.out,
                    "Đã tạo tài khoản {} ({}); cán bộ phải đổi mật khẩu khi đăng nhập lần đầu.",
                    officer.username, officer.id
                )?;
            }
            Officer::List { json } => {
                let officers = ctx.store.officers()?;
                ctx.out.emit_rows(json, &officers, None, |o| {
                    format!(
                        "{}  {:<20}  {:<10}  {:<16}  {}",
                        o.id,
                        o.username,
                        o.role.as_str(),
                        match (o.active, o.must_change_password) {
                            (false, _) => "ngừng hoạt động",
                            (true, true) => "chờ đổi mật khẩu",
                            (true, false) => "hoạt động",
                        },
                        o.full_name
                    )
                })?;
            }
            Officer::Password => {
                let username = ctx.username()?;
                let current = password(PASSWORD_ENV)?;
                let new = password(NEW_PASSWORD_ENV)?;
                let id = ctx.officer_id(&username)?;
                let officer = ctx
                    .store
                    .change_own_password(&id, &current, &new, Utc::now())?;
                writeln!(ctx.out, "Đã đổi mật khẩu của {}.", officer.username)?;
            }
            Officer::Reset { username } => {
                let actor = ctx.acting()?;
                let id = ctx.officer_id(&username)?;
                let reset = ctx.store.reset_password(&actor, &id, Utc::now())?;
                writeln!(
                    ctx.out,
                    "Mật khẩu dùng một lần của {}: {}\nChỉ hiện lần này; cán bộ phải đổi khi đăng nhập.",
                    reset.officer.username, reset.one_time_password
                )?;
            }
            Officer::Deactivate { username } => set_active(ctx, &username, false)?,
            Officer::Reactivate { username } => set_active(ctx, &username, true)?,
            Officer::Role { username, role } => {
                let actor = ctx.acting()?;
                let id = ctx.officer_id(&username)?;
                let officer =
                    ctx.store
                        .update_officer(&actor, &id, OfficerUpdate::Role(role), Utc::now())?;
                writeln!(
                    ctx.out,
                    "{} giờ có vai trò {}.",
                    officer.username,
                    officer.role.as_str()
                )?;
            }
        }
        Ok(())
    }
}

fn set_active(ctx: &mut Ctx, username: &str, active: bool) -> Result<()> {
    let actor = ctx.acting()?;
    let id = ctx.officer_id(username)?;
    let officer =
        ctx.store
            .update_officer(&actor, &id, OfficerUpdate::Active(active), Utc::now())?;
    let state = if officer.active {
        "hoạt động trở lại"
    } else {
        "đã ngừng hoạt động"
    };
    writeln!(ctx.out, "Tài khoản {} {state}.", officer.username)?;
    Ok(())
}
