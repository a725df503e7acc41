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

    /// [`Table::print`] of a table with a heading per column, laid out by `layout`: the
    /// columns as `HEADING<width` (text, padded on the right) or `HEADING>width` (a number, padded
    /// on the left), separated by `|`, the last one without a width (it is not padded, so a long
    /// value there does not push a row wider). The headings and each row's `cells` go through the
    /// same layout, so a width is written once: `"ID>8|STATE<8|DETAIL"`.
    pub fn columns<T: Serialize>(
        &self,
        rows: &[T],
        empty: &str,
        layout: &str,
        cells: impl Fn(&T) -> Vec<String>,
    ) -> CliResult {
        let cols: Vec<Col> = layout.split('|').map(Col::parse).collect();
        let heads: Vec<String> = cols.iter().map(|c| c.head.to_string()).collect();
        let header = Col::line(&cols, &heads);
        self.print(rows, empty, Some(&header), |r| Col::line(&cols, &cells(r)))
    }
}

/// A column of a printed table (see [`Table::columns`]).
struct Col<'a> {
    head: &'a str,
    width: usize,
    right: bool,
}

impl<'a> Col<'a> {
    /// `HEADING<width`, `HEADING>width` or, for the last column, `HEADING`.
    fn parse(spec: &'a str) -> Col<'a> {
        let (head, width, right) = match spec.find(['<', '>']) {
            Some(i) => (&spec[..i], &spec[i + 1..], &spec[i..=i] == ">"),
            None => (spec, "0", false),
        };
        let width = width
            .parse()
            .unwrap_or_else(|_| panic!("bad column width in {spec:?}"));
        Col { head, width, right }
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

#[cfg(test)]
mod tests {
    use super::Col;

    #[test]
    fn a_layout_pads_text_right_numbers_left_and_not_the_last_column() {
        let cols: Vec<Col> = "ID>4|NAME<6|NOTE".split('|').map(Col::parse).collect();
        let heads: Vec<String> = cols.iter().map(|c| c.head.to_string()).collect();
        assert_eq!(Col::line(&cols, &heads), "  ID  NAME    NOTE");
        let row = ["7", "ab", "a long note"].map(String::from);
        assert_eq!(Col::line(&cols, &row), "   7  ab      a long note");
    }
}
