//! `hotich officer`: the first supervisor, new accounts, the list.

use std::io::Write;

use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;
use hotich_core::Role;

use crate::args::parse_role;
use crate::context::{password, Ctx, PASSWORD_ENV};

/// The environment variable holding a new account's password.
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
    /// Create an account (supervisors; the new password in $HOTICH_NEW_PASSWORD)
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
                    "Đã tạo tài khoản {} ({}).",
                    officer.username, officer.id
                )?;
            }
            Officer::List { json } => {
                let officers = ctx.store.officers()?;
                ctx.out.emit_rows(json, &officers, None, |o| {
                    format!(
                        "{}  {:<20}  {:<10}  {}",
                        o.id,
                        o.username,
                        o.role.as_str(),
                        o.full_name
                    )
                })?;
            }
        }
        Ok(())
    }
}
