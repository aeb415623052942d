//! `hotich office`: the commune this workstation registers for.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use crate::context::Ctx;

/// The commune this workstation registers for
#[derive(Args, Debug)]
pub struct Office {
    /// Set the 5-digit commune code
    #[arg(long, value_name = "CODE")]
    set: Option<String>,
}

impl Office {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let office = match self.set {
            Some(code) => Some(ctx.store.set_commune(&code)?),
            None => ctx.store.office()?,
        };
        match office {
            Some(o) => writeln!(
                ctx.out,
                "{} {}, {}",
                o.commune_code, o.commune_name, o.province_name
            )?,
            None => writeln!(ctx.out, "Chưa chọn xã (hotich office --set MÃ_XÃ).")?,
        }
        Ok(())
    }
}
