//! Operations verbs: `backup` and `restore` (`doctor` and `healthcheck` are `doctor.rs`).
//!
//! `backup` goes through a running relay's admin API when one holds the store (DESIGN section 6), and
//! reads the store directly otherwise; `restore` refuses to run while a relay holds it (or, on
//! PostgreSQL, is connected to it). The file format, the same on both backends, and the restore
//! procedure live in `store::backup`.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use super::access::{Access, Remote, runtime};
use super::{CliError, CliResult, load_config};
use crate::config::StoreBackend;
use crate::store::{BackupInfo, backup};

#[derive(clap::Args)]
pub struct BackupArgs {
    /// Where to write the backup file (replaced atomically if it exists).
    pub file: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// A file written by `zoom-relay backup`.
    pub file: PathBuf,
    /// Replace a store that is not empty. A sled data directory's contents are moved to
    /// `data_dir/.pre-restore-<time>/`; a PostgreSQL database's rows are deleted.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed(e.to_string())
}

fn describe(info: &BackupInfo) -> String {
    let when = chrono::DateTime::from_timestamp_millis(info.created_at_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "an unknown time".into());
    format!(
        "{} trees, {} entries, {} bytes, store schema {}, made {when} by zoom-relay {}",
        info.trees, info.entries, info.bytes, info.schema_version, info.relay_version
    )
}

// ---------------------------------------------------------------------------------------------
// backup

pub fn backup(config_path: Option<&Path>, args: BackupArgs) -> CliResult {
    let config = load_config(config_path)?;
    let dir = config.server.data_dir.clone();
    // Opening a missing store would create an empty one and back that up.
    let sled = matches!(config.store_backend, StoreBackend::Sled);
    if sled && !dir.join("db").exists() {
        return Err(CliError::Failed(format!(
            "there is no store at {} (server.data_dir), so there is nothing to back up. Fix: use the \
             relay's own config (--config)",
            dir.display()
        )));
    }
    runtime()?.block_on(async {
        let (info, via) = match Access::open(&config).await? {
            Access::Local(db) => {
                let res = db.backup_to_file(&args.file).await;
                db.close().await.map_err(failed)?;
                let at = match sled {
                    true => dir.display().to_string(),
                    false => config.store_backend.describe(),
                };
                (res.map_err(failed)?, format!("the store at {at}"))
            }
            Access::Remote(remote) => (
                download(&remote, &args.file).await?,
                format!("the running relay at {}", remote.base()),
            ),
        };
        println!(
            "backup written to {} from {via}: {}",
            args.file.display(),
            describe(&info)
        );
        println!(
            "Keep it as safe as the data directory. Stored tokens stay encrypted in it: restoring it is \
             only useful with the same security.data_key."
        );
        Ok(())
    })
}

/// Streams `GET /api/v1/backup` into a temporary file, verifies it, then moves it into place.
async fn download(remote: &Remote, file: &Path) -> Result<BackupInfo, CliError> {
    let mut resp = remote
        .raw(&crate::http::api::ops::BACKUP)
        .send()
        .await
        .map_err(|e| {
            failed(format!(
                "a running relay holds the store, but its API at {} did not answer: {e}",
                remote.base()
            ))
        })?;
    let status = resp.status();
    if !status.is_success() {
        let body = resp.text().await.unwrap_or_default();
        let msg = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
            .unwrap_or(body);
        return Err(failed(format!(
            "the running relay refused the backup ({status}): {msg}"
        )));
    }
    let tmp = backup::temp_path_for(file);
    let res = async {
        // Owner-only, like the store it copies.
        let mut f = crate::store::perms::create_private(&tmp)
            .map(tokio::fs::File::from_std)
            .map_err(|e| failed(format!("cannot create {}: {e}", tmp.display())))?;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| failed(format!("the backup stream from the relay broke off: {e}")))?
        {
            f.write_all(&chunk)
                .await
                .map_err(|e| failed(format!("cannot write {}: {e}", tmp.display())))?;
        }
        f.sync_all()
            .await
            .map_err(|e| failed(format!("cannot write {}: {e}", tmp.display())))?;
        drop(f);
        let t = tmp.clone();
        let info = tokio::task::spawn_blocking(move || backup::verify(&t))
            .await
            .map_err(failed)?
            .map_err(|e| {
                failed(format!(
                    "the backup received from the relay is not complete ({e}); see the relay's log"
                ))
            })?;
        backup::persist_file(&tmp, file).map_err(failed)?;
        Ok(info)
    }
    .await;
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

// ---------------------------------------------------------------------------------------------
// restore

pub fn restore(config_path: Option<&Path>, args: RestoreArgs) -> CliResult {
    let config = load_config(config_path)?;
    let to = backup::Location::of_config(&config);
    let report = runtime()?
        .block_on(backup::restore_into(
            &args.file,
            &to,
            args.force,
            &config.store,
        ))
        .map_err(failed)?;
    println!(
        "restored {} into {}: {}",
        args.file.display(),
        to.describe(),
        describe(&report.info)
    );
    if let Some(prev) = &report.previous {
        println!(
            "The previous contents of the data directory are in {}; delete it once the restored \
             relay runs well.",
            prev.display()
        );
    }
    if report.replaced {
        println!("The rows the database held before were replaced.");
    }
    println!(
        "Start the relay with the security.data_key it had when the backup was made, or stored tokens \
         cannot be read."
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// doctor
