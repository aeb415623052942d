//! `hotich audit`: the hash-chained log of registrations and amendments.

use anyhow::Result;
use clap::Subcommand;

use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum Audit {
    /// Check the hash chain and every row it records; exit 1 at the first broken link
    Verify {
        #[arg(long)]
        json: bool,
    },
}

impl Audit {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let Audit::Verify { json } = self;
        let report = ctx.store.verify_audit_log()?;
        ctx.out.emit(json, &report, |out, report| {
            if report.broken.is_none() {
                writeln!(out, "Nhật ký toàn vẹn: {} mục.", report.entries)?;
            }
            Ok(())
        })?;
        match &report.broken {
            None => Ok(()),
            Some(broken) => Err(anyhow::anyhow!(
                "nhật ký bị phá vỡ tại mục {} ({} {}): {}",
                broken.seq,
                broken.action,
                broken.entity_id,
                broken.reason
            )),
        }
    }
}
