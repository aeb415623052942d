//! Stdout for subcommands: each prints either JSON (`--json`, for scripts)
//! or its human table, through one helper, so none repeats the fork.

use std::io::{StdoutLock, Write};

use anyhow::Result;
use serde::Serialize;

#[derive(Debug)]
pub struct Output {
    out: StdoutLock<'static>,
}

impl Output {
    pub fn stdout() -> Output {
        Output {
            out: std::io::stdout().lock(),
        }
    }

    /// `value` as one line of JSON when `json`, else as `human` writes it.
    pub fn emit<T: Serialize>(
        &mut self,
        json: bool,
        value: &T,
        human: impl FnOnce(&mut dyn Write, &T) -> Result<()>,
    ) -> Result<()> {
        if json {
            self.json(value)
        } else {
            human(&mut self.out, value)
        }
    }

    /// [`Output::emit`] with indented JSON (a record read by people too).
    pub fn emit_pretty<T: Serialize>(
        &mut self,
        json: bool,
        value: &T,
        human: impl FnOnce(&mut dyn Write, &T) -> Result<()>,
    ) -> Result<()> {
        if json {
            self.json_pretty(value)
        } else {
            human(&mut self.out, value)
        }
    }

    /// One line of JSON.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        writeln!(self.out)?;
        Ok(())
    }

    /// Indented JSON.
    pub fn json_pretty<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.out, value)?;
        writeln!(self.out)?;
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
