//! Stdout for subcommands: each prints either JSON (`--json`, for scripts)
//! or its human table, through one helper, so none repeats the fork.

use std::io::{StdoutLock, Write};

use anyhow::Result;
use serde::Serialize;

/// How a subcommand writes `value` for people: a table, a line, a record.
pub trait Human<T>: FnOnce(&mut dyn Write, &T) -> Result<()> {}
impl<T, F: FnOnce(&mut dyn Write, &T) -> Result<()>> Human<T> for F {}

/// How JSON is laid out: one line for scripts, or indented.
#[derive(Clone, Copy)]
pub enum Layout {
    Line,
    Indented,
}

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
        human: impl Human<T>,
    ) -> Result<()> {
        self.emit_as(Layout::Line, json, value, human)
    }

    /// The one JSON-or-human fork every subcommand goes through;
    /// [`Layout::Indented`] for a record read by people too.
    pub fn emit_as<T: Serialize>(
        &mut self,
        layout: Layout,
        json: bool,
        value: &T,
        human: impl Human<T>,
    ) -> Result<()> {
        match (json, layout) {
            (false, _) => human(&mut self.out, value),
            (true, Layout::Line) => self.json(value),
            (true, Layout::Indented) => self.json_pretty(value),
        }
    }

    /// A list: JSON, or one line a row as `line` words it, then, when
    /// `counted` names the rows ("hồ sơ"), how many there are ("12 hồ sơ").
    pub fn emit_rows<T: Serialize>(
        &mut self,
        json: bool,
        rows: &[T],
        counted: Option<&str>,
        line: impl Fn(&T) -> String,
    ) -> Result<()> {
        self.emit(json, &rows, |out, rows| {
            for row in rows.iter() {
                writeln!(out, "{}", line(row))?;
            }
            if let Some(noun) = counted {
                writeln!(out, "{} {noun}", rows.len())?;
            }
            Ok(())
        })
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
