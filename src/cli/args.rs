//! The arguments many verbs share, declared once with their help (clap's `flatten` puts them where
//! a verb names them, so `--help` lists them in the same place), and `--json`'s one printing rule:
//! a JSON document, else a table.

use clap::Args;
use serde::Serialize;

use super::{CliResult, print_json};

/// `--app` and `--account` that narrow a list (or a lookup) when given.
#[derive(Args, Debug)]
pub struct Filter {
    /// The Zoom app: its [[zoom.apps]] id in the config.
    #[arg(long)]
    pub app: Option<String>,
    /// The Zoom account ID (as `events list` and `tenants list` show it).
    #[arg(long)]
    pub account: Option<String>,
}

impl Filter {
    pub fn app(&self) -> Option<&str> {
        self.app.as_deref()
    }

    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }
}

/// [`Filter`] as the delivery verbs ask for it: the account first.
#[derive(Args, Debug)]
pub struct FilterAccountFirst {
    /// The Zoom account ID (as `events list` and `tenants list` show it).
    #[arg(long)]
    pub account: Option<String>,
    /// The Zoom app: its [[zoom.apps]] id in the config.
    #[arg(long)]
    pub app: Option<String>,
}

/// The one account a verb is about, of the `default` app unless `--app` says otherwise.
#[derive(Args, Debug)]
pub struct Tenant {
    /// The Zoom app: its [[zoom.apps]] id in the config.
    #[arg(long, default_value = "default")]
    pub app: String,
    /// The Zoom account ID (as `events list` and `tenants list` show it).
    #[arg(long)]
    pub account: String,
}

/// [`Tenant`] as the template, wording and destination verbs ask for it: the account first.
#[derive(Args, Debug)]
pub struct TenantAccountFirst {
    /// The Zoom account ID (as `events list` and `tenants list` show it).
    #[arg(long)]
    pub account: String,
    /// The Zoom app: its [[zoom.apps]] id in the config.
    #[arg(long, default_value = "default")]
    pub app: String,
}

// A list narrowed by `--app` and `--account`, printed as a table or with `--json`.
#[derive(Args, Debug)]
pub struct FilteredList {
    #[command(flatten)]
    pub filter: Filter,
    #[command(flatten)]
    pub table: Table,
}

/// `--json` of a verb that prints a table.
#[derive(Args, Debug)]
pub struct Table {
    /// Print one JSON document on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl Table {
    /// `rows` as one JSON document with `--json`; else `empty` when there are none, or the
    /// `header` line (when the table has one) and a `line` per row.
    pub fn print<T: Serialize>(
        &self,
        rows: &[T],
        empty: &str,
        header: Option<&str>,
        line: impl Fn(&T) -> String,
    ) -> CliResult {
        if self.json {
            return print_json(rows);
        }
        if rows.is_empty() {
            println!("{empty}");
            return Ok(());
        }
        if let Some(h) = header {
            println!("{h}");
        }
        for r in rows {
            println!("{}", line(r));
        }
        Ok(())
    }

    /// [`Table::print`] of a table with a heading per column: the headings and each row's
    /// `cells` are laid out by the same `cols`, so a width is written once.
    pub fn columns<T: Serialize>(
        &self,
        rows: &[T],
        empty: &str,
        cols: &[Col],
        cells: impl Fn(&T) -> Vec<String>,
    ) -> CliResult {
        let heads: Vec<String> = cols.iter().map(|c| c.head.to_string()).collect();
        let header = Col::line(cols, &heads);
        self.print(rows, empty, Some(&header), |r| Col::line(cols, &cells(r)))
    }
}

/// A column of a printed table: its heading, its width, and whether it is a number (aligned
/// right). The last column is not padded, so a long value there does not push a row wider.
pub struct Col {
    head: &'static str,
    width: usize,
    right: bool,
}

impl Col {
    /// Text, padded on the right to `width`.
    pub const fn text(head: &'static str, width: usize) -> Col {
        Col {
            head,
            width,
            right: false,
        }
    }

    /// A number, padded on the left to `width`.
    pub const fn num(head: &'static str, width: usize) -> Col {
        Col {
            head,
            width,
            right: true,
        }
    }

    /// One line of `cells` under `cols`, two spaces apart.
    fn line(cols: &[Col], cells: &[String]) -> String {
        let last = cols.len().saturating_sub(1);
        let cell = |(i, (c, v)): (usize, (&Col, &String))| match (i == last, c.right) {
            (true, _) => v.clone(),
            (false, true) => format!("{v:>w$}", w = c.width),
            (false, false) => format!("{v:<w$}", w = c.width),
        };
        cols.iter()
            .zip(cells)
            .enumerate()
            .map(cell)
            .collect::<Vec<_>>()
            .join("  ")
    }
}

/// The cells of one table row, each value as it prints (`Display`).
macro_rules! cells {
    ($($v:expr),* $(,)?) => { vec![$(::std::string::ToString::to_string(&$v)),*] };
}
pub(crate) use cells;

/// A template's (or a wording's) source as it is, ending in a newline; with `--json`, `doc`: the
/// source and which one it is.
pub fn print_source(doc: Option<serde_json::Value>, source: &str) -> CliResult {
    if let Some(doc) = doc {
        return print_json(&doc);
    }
    print!("{source}");
    if !source.ends_with('\n') {
        println!();
    }
    Ok(())
}
