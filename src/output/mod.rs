//! Printing: tables for people, JSON and YAML for machines. Color only on a terminal, never in json/yaml.

pub mod report;

use std::io::{IsTerminal, Write};

use anyhow::Result;
use colored::Colorize;
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style;
use unicode_width::UnicodeWidthStr;

/// When to color output (`--color`): auto means a terminal with NO_COLOR unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Decides once whether colors are used: `--color`, then NO_COLOR, then whether stdout is a terminal.
pub fn init_color(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    };
    colored::control::set_override(on);
}

pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn write_yaml<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    let text = yaml_serde::to_string(value)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// A kubectl-style table: upper-case headers, columns separated by spaces, no borders.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut b = Builder::default();
    b.push_record(headers.iter().map(|h| h.to_string()));
    for r in rows {
        b.push_record(r);
    }
    let mut t = b.build();
    t.with(Style::blank());
    // Style::blank pads each cell by one space on both sides; kubectl's tables start at column 0.
    t.with(tabled::settings::Padding::new(0, 3, 0, 0));
    t.to_string().lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

/// [`table`]'s layout written row by row, for tables of a hundred thousand rows (`audit -A` on a large cluster):
/// tabled renders a whole table into one String first. Cells must be single-line and uncolored.
pub fn write_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut line = String::new();
    let mut write_row = |cells: &mut dyn Iterator<Item = &str>| {
        line.clear();
        for (cell, w) in cells.zip(&widths) {
            line.push_str(cell);
            // Padding::new(0, 3, ..) plus Style::blank's one-space column separator.
            line.extend(std::iter::repeat_n(' ', w - cell.width() + 4));
        }
        writeln!(out, "{}", line.trim_end())
    };
    write_row(&mut headers.iter().copied())?;
    for row in rows {
        write_row(&mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

pub fn heading(s: &str) -> String {
    s.bold().to_string()
}

pub fn yes(s: &str) -> String {
    s.green().bold().to_string()
}

pub fn no(s: &str) -> String {
    s.red().bold().to_string()
}

pub fn warn(s: &str) -> String {
    s.yellow().to_string()
}

pub fn dim(s: &str) -> String {
    s.dimmed().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(headers: &[&str], rows: &[Vec<String>]) -> String {
        let mut out = Vec::new();
        write_table(&mut out, headers, rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn streamed_tables_have_the_layout_of_tabled_ones() {
        let cases: Vec<Vec<Vec<String>>> = vec![
            vec![],
            vec![vec!["xyz".into(), "y".into(), "".into()], vec!["".into(), "long one".into(), "z".into()]],
            vec![vec!["ünïcödé".into(), "日本語".into(), "a,b".into()], vec!["x".into(), "".into(), "".into()]],
        ];
        for rows in cases {
            let headers = ["ID", "SERVICEACCOUNT", "C"];
            assert_eq!(streamed(&headers, &rows), format!("{}\n", table(&headers, rows.clone())), "rows {rows:?}");
        }
    }
}
