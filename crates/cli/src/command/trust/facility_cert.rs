//! `hotich trust facility-cert add|list|remove`: the signing certificates
//! registered for each health facility (MACSKCB).

use anyhow::Result;
use clap::Subcommand;
use hotich_core::X509Entry;

use super::{AddFile, Listing, Removal};
use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum FacilityCert {
    /// Register a facility's signing certificate (PEM or DER)
    Add {
        /// The facility code (MACSKCB)
        #[arg(long)]
        facility: String,
        #[command(flatten)]
        file: AddFile,
    },
    List(Listing),
    Remove(Removal),
}

impl FacilityCert {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            FacilityCert::Add { facility, file } => file.run(
                ctx,
                |store, actor, bytes, source, now| {
                    store.add_facility_certificate(actor, &facility, bytes, source, now)
                },
                |c| {
                    format!(
                        "Đã đăng ký chứng thư {} cho cơ sở {}: {}",
                        c.id, c.facility_code, c.facts.subject
                    )
                },
            ),
            FacilityCert::List(listing) => {
                let all = ctx.store.facility_certificates()?;
                listing.run(ctx, &all, |c| {
                    format!(
                        "{}  {}  {}  hết hạn {}",
                        c.id, c.facility_code, c.facts.subject, c.facts.not_after
                    )
                })
            }
            FacilityCert::Remove(removal) => removal.run(ctx, X509Entry::FacilityCertificate),
        }
    }
}
