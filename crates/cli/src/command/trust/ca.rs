//! `hotich trust ca add|list|remove`: trust anchors and intermediates.

use anyhow::Result;
use clap::Subcommand;
use hotich_core::X509Entry;

use super::{AddFile, Listing, Removal};
use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum Ca {
    /// Add the certificates of a PEM or DER file (self-signed: anchor; else intermediate)
    Add(AddFile),
    List(Listing),
    Remove(Removal),
}

impl Ca {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Ca::Add(file) => file.run(
                ctx,
                |store, actor, bytes, source, now| {
                    store.add_trust_certificates(actor, bytes, source, now)
                },
                |added| format!("Đã thêm {} chứng thư.", added.len()),
            ),
            Ca::List(listing) => {
                let all = ctx.store.trust_certificates()?;
                listing.run(ctx, &all, |c| {
                    format!(
                        "{}  {}  {}  hết hạn {}  sha256 {}",
                        c.id, c.role, c.facts.subject, c.facts.not_after, c.facts.sha256
                    )
                })
            }
            Ca::Remove(removal) => removal.run(ctx, X509Entry::TrustCertificate),
        }
    }
}
