//! `hotich amendment`: the amendments waiting for a supervisor, and the
//! supervisor's decision on one (`Store::pending_amendments`,
//! `Store::decide_amendment`).

use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;

use super::registration::print_registration;
use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum Amendment {
    /// The amendments waiting for a supervisor, oldest first (supervisors, --user)
    Pending {
        #[arg(long)]
        json: bool,
    },
    /// Approve an amendment: it takes effect (supervisors, --user)
    Approve {
        /// The amendment's id (see `pending`)
        id: String,
        /// A note kept with the decision
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Reject an amendment: the register stays as it was (supervisors, --user)
    Reject {
        id: String,
        /// Why it is rejected (required)
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

impl Amendment {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let (id, approve, note, json) = match self {
            Amendment::Pending { json } => {
                let pending = ctx.store.pending_amendments(&actor)?;
                return ctx.out.emit_rows(
                    json,
                    &pending,
                    Some("cải chính chờ duyệt"),
                    |p| {
                        format!(
                            "{}  số {:>5}  quyển {}  {:<28}  bởi {}: {}",
                            p.amendment.id,
                            p.number,
                            p.book,
                            p.name,
                            p.amendment.officer_name,
                            p.amendment.reason
                        )
                    },
                );
            }
            Amendment::Approve { id, note, json } => (id, true, note, json),
            Amendment::Reject { id, reason, json } => (id, false, reason, json),
        };
        let registration = ctx
            .store
            .decide_amendment(&actor, &id, approve, &note, Utc::now())?;
        print_registration(ctx, &registration, json)
    }
}
