//! File modes at rest: the data dir is 0700 and every file in it 0600, backups 0600.
//!
//! Why: the store holds webhook signing secrets, sealed OAuth tokens, session and API-token hashes,
//! and members' chat ids and email addresses. Another local user must not read it. sled creates its
//! files with the process umask, so the umask is set to 077 when the store opens, and files left
//! looser by an older version are tightened on open.

use std::path::Path;

/// Mode of the data dir and of directories inside it.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file the relay writes at rest (store files, backups).
pub const FILE_MODE: u32 = 0o600;

/// Makes files created from now on by this process owner-only (umask 077).
pub fn restrict_umask() {
    #[cfg(unix)]
    // SAFETY: umask only swaps the process's file mode mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` (0700) if missing and tightens it and everything below it: directories to 0700,
/// files to 0600. Only ever removes permission bits.
pub fn secure_tree(dir: &Path) -> std::io::Result<()> {
    restrict_umask();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)?;
    tighten(dir, DIR_MODE)?;
    walk(dir)
}

/// Tightens everything below `dir`. An entry that vanishes while it is walked is skipped: the tree
/// may belong to a running relay (the CLI walks it before it finds sled's lock held), and sled and
/// the intake journal remove files of their own at any moment. Failing on that race told the user
/// the data dir could not be created.
fn walk(dir: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other?,
    };
    for entry in entries {
        let one = |entry: std::io::Result<std::fs::DirEntry>| -> std::io::Result<()> {
            let entry = entry?;
            let ty = entry.file_type()?;
            let path = entry.path();
            if ty.is_dir() {
                tighten(&path, DIR_MODE)?;
                walk(&path)?;
            } else if ty.is_file() {
                tighten(&path, FILE_MODE)?;
            }
            Ok(())
        };
        match one(entry) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}

/// Clears every bit of `path`'s mode outside `max` (group and other bits), keeping the rest.
pub fn tighten(path: &Path, max: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o777 & !max != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & max & 0o777))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, max);
    Ok(())
}

/// Opens `path` for writing as a new owner-only file (0600), truncating an existing one and
/// tightening its mode.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    let f = o.open(path)?;
    tighten(path, FILE_MODE)?;
    Ok(f)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn loose_trees_are_tightened() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("data");
        std::fs::create_dir_all(d.join("blobs")).unwrap();
        std::fs::write(d.join("db"), b"x").unwrap();
        std::fs::write(d.join("blobs/1"), b"x").unwrap();
        for p in [&d, &d.join("blobs")] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for p in [d.join("db"), d.join("blobs/1")] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        secure_tree(&d).unwrap();
        assert_eq!(mode(&d), 0o700);
        assert_eq!(mode(&d.join("blobs")), 0o700);
        assert_eq!(mode(&d.join("db")), 0o600);
        assert_eq!(mode(&d.join("blobs/1")), 0o600);
        let f = d.join("backup.zrb");
        std::fs::write(&f, b"old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(create_private(&f).unwrap());
        assert_eq!(mode(&f), 0o600);
    }
}
