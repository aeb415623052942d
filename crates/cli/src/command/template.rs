//! `hotich template`: the outreach texts (call scripts, messages,
//! checklists), read or replaced by a supervisor.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::Utc;
use clap::Args;
use hotich_core::templates::TemplateKey;

use crate::context::Ctx;

/// Outreach texts: call scripts, messages, checklists (minijinja)
#[derive(Args, Debug)]
pub struct Template {
    /// call_script_birth, call_script_death, message_birth, message_death, checklist_birth, checklist_death
    key: String,
    /// Replace it with this file's text (supervisors); an empty file restores the default
    #[arg(long, value_name = "FILE")]
    set: Option<PathBuf>,
}

impl Template {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let key = &self.key;
        let template = TemplateKey::parse(key).with_context(|| {
            let known: Vec<_> = TemplateKey::all().iter().map(|k| k.name()).collect();
            format!("không có mẫu {key}; dùng một trong: {}", known.join(", "))
        })?;
        if let Some(file) = self.set {
            let actor = ctx.acting()?;
            let body = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được {}", file.display()))?;
            ctx.store
                .set_template(&actor, template, &body, Utc::now())?;
        }
        let text = ctx.store.template(template)?;
        write!(ctx.out, "{text}")?;
        Ok(())
    }
}
