//! `hotich trust crl add|list`: certificate revocation lists. Adding one
//! re-checks the notifications taken in without a revocation check.

use anyhow::Result;
use clap::Subcommand;

use super::{AddFile, Listing};
use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum Crl {
    /// Import a CRL (PEM or DER) and re-check what waited for it
    Add(AddFile),
    List(Listing),
}

impl Crl {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Crl::Add(file) => file.run(
                ctx,
                |store, actor, bytes, source, now| store.add_crl(actor, bytes, source, now),
                |a| {
                    format!(
                        "Đã nhập danh sách thu hồi {} của {}. Kiểm tra lại: {} hợp lệ, {} đã bị thu hồi, {} vẫn chưa kiểm tra được.",
                        a.crl.id, a.crl.issuer, a.recheck.cleared, a.recheck.revoked, a.recheck.still_unchecked
                    )
                },
            ),
            Crl::List(listing) => {
                let all = ctx.store.crls()?;
                listing.run(ctx, &all, |c| {
                    let next = c.next_update.as_deref().unwrap_or("?");
                    format!("{}  {}  từ {}  đến {}", c.id, c.issuer, c.this_update, next)
                })
            }
        }
    }
}
