//! `zoom-relay store copy`: moving an install between backends (a sled directory and a PostgreSQL
//! database, either way). The work is `store::backup::copy`; this file parses the two stores and
//! prints what was copied.

use std::path::Path;

use super::access::runtime;
use super::{CliError, CliResult, load_config};
use crate::store::backup::{self, Location};

#[derive(clap::Subcommand)]
pub enum StoreCommand {
    /// Copy every record of one store into another (sled into PostgreSQL, or back) and check that
    /// the target holds as many records of every kind as the source. Stop the relays first.
    Copy(CopyArgs),
}

#[derive(clap::Args)]
pub struct CopyArgs {
    /// The store to copy: sled:PATH or postgres:URL. Default: the store of the config.
    #[arg(long)]
    pub from: Option<String>,
    /// Where to copy it: sled:PATH, or postgres:URL where URL may also be ${ENV_VAR} (read from the
    /// environment) or file:PATH (read from a file), as store.url and store.url_file.
    #[arg(long)]
    pub to: String,
    /// Copy into a target that holds data: a sled directory's contents are moved aside, a
    /// database's rows are deleted.
    #[arg(long)]
    pub force: bool,
}

pub fn run(config_path: Option<&Path>, command: StoreCommand) -> CliResult {
    match command {
        StoreCommand::Copy(args) => copy(config_path, args),
    }
}

fn copy(config_path: Option<&Path>, args: CopyArgs) -> CliResult {
    let config = load_config(config_path)?;
    let from = match &args.from {
        Some(spec) => Location::parse(spec).map_err(|e| CliError::Usage(format!("--from: {e}")))?,
        None => Location::of_config(&config),
    };
    let to = Location::parse(&args.to).map_err(|e| CliError::Usage(format!("--to: {e}")))?;
    let report = runtime()?
        .block_on(backup::copy(&from, &to, args.force, &config.store))
        .map_err(|e| CliError::Failed(e.to_string()))?;
    let total: u64 = report.counts.values().sum();
    println!(
        "copied {} into {}: {total} records; the target holds as many of every kind as the source:",
        from.describe(),
        to.describe()
    );
    for (kind, n) in report.counts.iter().filter(|(_, n)| **n > 0) {
        println!("  {n:>8} {}", backup::kind_label(kind));
    }
    if let Some(prev) = &report.restore.previous {
        println!(
            "The previous contents of the target directory are in {}.",
            prev.display()
        );
    }
    if report.restore.replaced {
        println!("The rows the target database held before were replaced.");
    }
    let next = match &to {
        Location::Sled(dir) => format!(
            "set store.backend = \"sled\" and server.data_dir = \"{}\"",
            dir.display()
        ),
        Location::Postgres { .. } => {
            "set store.backend = \"postgres\" and store.url to that database".to_string()
        }
    };
    println!(
        "To run on the copy, {next}, keep the same security.data_key (stored tokens stay \
         encrypted with it), and start the relay."
    );
    Ok(())
}
