//! `hotich trust crl add|list|fetch`: certificate revocation lists. Adding
//! or fetching one re-checks the notifications taken in without a
//! revocation check.

use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;
use hotich_core::Lang;

use super::{AddFile, Listing};
use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum Crl {
    /// Import a CRL (PEM or DER) and re-check what waited for it
    Add(AddFile),
    List(Listing),
    /// Download the CRLs named by the held certificates' distribution points
    /// where none is in force (what the background sync also does when online)
    Fetch {
        #[arg(long)]
        json: bool,
    },
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
                    let source = match &c.source_url {
                        Some(url) => format!("tải từ điểm phân phối CRL {url}"),
                        None => "nhập tay".to_owned(),
                    };
                    format!(
                        "{}  {}  từ {}  đến {}  ({source})",
                        c.id, c.issuer, c.this_update, next
                    )
                })
            }
            Crl::Fetch { json } => {
                let report = hotich_sync::crl::fetch_crls_blocking(&mut ctx.store, Utc::now())?;
                ctx.out.emit(json, &report, |out, r| {
                    for crl in &r.added {
                        let url = crl.source_url.as_deref().unwrap_or("?");
                        writeln!(out, "Đã tải danh sách thu hồi {} của {} từ {url}.", crl.id, crl.issuer)?;
                    }
                    for url in &r.not_newer {
                        writeln!(out, "{url}: không mới hơn danh sách đang có.")?;
                    }
                    for failure in &r.failed {
                        writeln!(out, "{}: không dùng được ({}).", failure.url, failure.message(Lang::Vi))?;
                    }
                    writeln!(
                        out,
                        "Tải {} danh sách. Kiểm tra lại: {} hợp lệ, {} đã bị thu hồi, {} vẫn chưa kiểm tra được.",
                        r.added.len(), r.recheck.cleared, r.recheck.revoked, r.recheck.still_unchecked
                    )?;
                    Ok(())
                })
            }
        }
    }
}
