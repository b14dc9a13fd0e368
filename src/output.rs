//! Writing output files safely.
//!
//! - Atomic: the bytes go to a temporary file beside the target (random name, exclusive create,
//!   so a link planted under a guessable name is never followed), then a rename. A failed write
//!   never leaves a partial file and never harms an existing one.
//! - A symlink is written through: the file it points at is replaced and the link stays.
//! - A path naming one of the process's open descriptors (`/dev/stdout`, `/dev/fd/N`,
//!   `/proc/self/fd/N`) is written to that descriptor, never replaced: `-o /dev/stdout >> log`
//!   appends.
//! - A replaced file keeps its permissions (a 0600 file stays 0600).
//! - The program's own inputs are never overwritten (`-o scenario.toml` is refused).
//! - Temporary files are removed on error, and on SIGINT/SIGTERM/SIGHUP once
//!   [`clean_up_on_signals`] has been called.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use crate::error::InputError;

/// Temporary files being written now, removed by the signal handler (which can only reach
/// them through a global).
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// A file's device and inode, so hard links match.
type FileId = Option<(u64, u64)>;

/// The files a run reads, which none of its outputs may replace. Whoever reads them passes
/// them to [`write_atomic`].
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Canonical path and identity of each.
    files: Vec<(PathBuf, FileId)>,
}

impl Inputs {
    /// No inputs: nothing is protected.
    pub fn none() -> Inputs {
        Inputs::default()
    }

    /// These files.
    pub fn of<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Inputs {
        let mut inputs = Inputs::none();
        for p in paths {
            inputs.add(p);
        }
        inputs
    }

    /// Adds `path`.
    pub fn add(&mut self, path: &Path) {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let id = std::fs::metadata(path).ok().and_then(|m| file_id(&m));
        self.files.push((canonical, id));
    }

    fn contains(&self, canonical: Option<&Path>, id: FileId) -> bool {
        self.files
            .iter()
            .any(|(p, i)| canonical == Some(p.as_path()) || (id.is_some() && *i == id))
    }
}

#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Checks a run's output files before any work: none may be one of `inputs`, and no two may
/// be the same file, and each must be writable by the user we run as (see [`cannot_write`]).
/// Each is given with the flag that names it (`--out`, `--data`), which the refusal names.
pub fn check_outputs(outputs: &[(&str, &Path)], inputs: &Inputs) -> Result<()> {
    let mut seen: Vec<(&str, PathBuf, FileId)> = Vec::new();
    for &(flag, path) in outputs {
        #[cfg(unix)]
        if open_descriptor(path).is_some() {
            continue;
        }
        let target = match std::fs::canonicalize(path) {
            Ok(p) => p,
            Err(_) => {
                let end = resolve_links(path).map_err(|e| {
                    InputError::new(flag, "", e.to_string()).with_value(path.display().to_string())
                })?;
                std::path::absolute(&end).unwrap_or(end)
            }
        };
        refuse_inputs_as(flag, path, &target, inputs)?;
        // A path that cannot be written is an I/O failure (exit 1), as it was when found at
        // the write, but found before any work and named by its option.
        if let Some(problem) = cannot_write(&target) {
            anyhow::bail!("{flag}: {}: {problem}", path.display());
        }
        let id = std::fs::metadata(&target).ok().and_then(|m| file_id(&m));
        if let Some((other, _, _)) = seen
            .iter()
            .find(|(_, p, i)| *p == target || (id.is_some() && *i == id))
        {
            return Err(InputError::new(
                flag,
                "",
                format!("names the same file as {other}; give each output its own file"),
            )
            .with_value(path.display().to_string())
            .into());
        }
        seen.push((flag, target, id));
    }
    Ok(())
}

/// Refuses `target` (a resolved path) when it is one of `inputs`, naming the flag the path was
/// given with.
fn refuse_inputs_as(
    flag: &str,
    asked: &Path,
    target: &Path,
    inputs: &Inputs,
) -> Result<(), InputError> {
    let canonical = std::fs::canonicalize(target).ok();
    let id = std::fs::metadata(target).ok().and_then(|m| file_id(&m));
    if inputs.contains(canonical.as_deref(), id) {
        return Err(InputError::new(
            flag,
            "",
            "refusing to write over an input of this run; choose another output file",
        )
        .with_value(asked.display().to_string()));
    }
    Ok(())
}

/// Why the user we run as cannot write `target` (a path with its links followed), if it is
/// plain: a directory, a missing directory, or an existing file or a directory the shell's `>`
/// would be refused, as access(2) judges it with our effective ids. Root may write any file,
/// as the shell's `>` may. Devices and pipes are left to the write itself.
fn cannot_write(target: &Path) -> Option<String> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match std::fs::metadata(target) {
        Ok(meta) if meta.is_dir() => return Some("it is a directory".into()),
        Ok(meta) if meta.is_file() => {
            if let Err(e) = may_write(target) {
                return Some(format!(
                    "the file exists and cannot be written by this user (mode {}; {e}); the \
                     shell's `>` would refuse it too: make it writable (chmod u+w) or choose \
                     another name",
                    mode_of(&meta)
                ));
            }
        }
        Ok(_) => return None,
        Err(_) => {}
    }
    if !dir.is_dir() {
        return Some(format!("directory {} does not exist", dir.display()));
    }
    if let Err(e) = may_write(dir) {
        return Some(format!(
            "cannot create a file in directory {} ({e})",
            dir.display()
        ));
    }
    None
}

/// access(`path`, W_OK) with the effective user and groups (`AT_EACCESS`).
#[cfg(unix)]
fn may_write(path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let Ok(name) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        // A path with a NUL byte cannot be opened at all; the write says so.
        return Ok(());
    };
    // SAFETY: `name` is a valid NUL-terminated string that faccessat only reads.
    let r = unsafe { libc::faccessat(libc::AT_FDCWD, name.as_ptr(), libc::W_OK, libc::AT_EACCESS) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn may_write(path: &Path) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.permissions().readonly() => Err(std::io::ErrorKind::PermissionDenied.into()),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::PermissionsExt;
    format!("{:04o}", meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(meta: &std::fs::Metadata) -> String {
    if meta.permissions().readonly() {
        "read-only".into()
    } else {
        "writable".into()
    }
}

/// Follows a chain of symlinks to the path that will really be written (which may not exist
/// yet: a dangling link is written through to its target).
fn resolve_links(path: &Path) -> Result<PathBuf> {
    let mut chain = link_chain(path)?;
    Ok(chain.pop().unwrap_or_else(|| path.to_path_buf()))
}

/// Every step of a path's chain of symlinks: the path itself, then what each link names, to
/// the end (which may not exist).
fn link_chain(path: &Path) -> Result<Vec<PathBuf>> {
    let mut chain = vec![path.to_path_buf()];
    // The kernel's own limit on link chains is 40.
    while chain.len() <= 40 {
        let current = &chain[chain.len() - 1];
        match std::fs::symlink_metadata(current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(current)
                    .with_context(|| format!("cannot read link {}", current.display()))?;
                let next = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
                chain.push(next);
            }
            _ => return Ok(chain),
        }
    }
    anyhow::bail!(
        "cannot write {}: too many levels of symbolic links",
        path.display()
    )
}

/// The descriptor of this process a path names, at any step of its link chain: `/dev/stdout`,
/// `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N` or `/proc/<our pid>/fd/N`.
#[cfg(unix)]
fn open_descriptor(path: &Path) -> Option<i32> {
    let own = format!("/proc/{}/fd/", std::process::id());
    link_chain(path)
        .ok()?
        .iter()
        .filter_map(|step| step.to_str())
        .find_map(|name| match name {
            "/dev/stdout" => Some(1),
            "/dev/stderr" => Some(2),
            _ => ["/dev/fd/", "/proc/self/fd/", own.as_str()]
                .iter()
                .find_map(|prefix| name.strip_prefix(prefix))
                .and_then(|n| n.parse().ok()),
        })
}

/// Writes to one of this process's open descriptors where it stands: `-o /dev/stdout >> log`
/// appends to the log as the shell opened it, where a rename over the file it names would
/// replace the log.
#[cfg(unix)]
fn write_to_descriptor(path: &Path, fd: i32, bytes: &[u8]) -> Result<()> {
    use std::os::fd::FromRawFd;
    // SAFETY: dup only reads the descriptor table; a bad descriptor gives -1, handled below.
    let own = unsafe { libc::dup(fd) };
    if own < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("cannot write {}", path.display()));
    }
    // SAFETY: `own` is a new descriptor that nothing else holds; the File closes it.
    let mut f = unsafe { std::fs::File::from_raw_fd(own) };
    f.write_all(bytes)
        .and_then(|_| f.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `bytes` to `path` as the module says, refusing any of `inputs`; a refusal names
/// the path as given with `--out`.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &Inputs) -> Result<()> {
    write_atomic_as("--out", path, bytes, inputs)
}

/// [`write_atomic`] for a path given with `flag` (`--data`, `--write-scenario`), which its
/// refusals name.
pub fn write_atomic_as(flag: &str, path: &Path, bytes: &[u8], inputs: &Inputs) -> Result<()> {
    #[cfg(unix)]
    if let Some(fd) = open_descriptor(path) {
        return write_to_descriptor(path, fd, bytes);
    }
    // What the path finally names, as the kernel sees it (every link followed, including
    // /dev/stdout's, which names a pipe that no path reaches).
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            anyhow::bail!("cannot write {}: it is a directory", path.display());
        }
        // Devices and pipes (/dev/stdout, /dev/full, a FIFO) are written in place: renaming
        // a temporary file over them would replace the device.
        if !meta.is_file() {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            return f
                .write_all(bytes)
                .and_then(|_| f.flush())
                .with_context(|| format!("cannot write {}", path.display()));
        }
    }
    // The file to replace: an existing file's real path, or for a new name or a dangling
    // link, the end of the link chain, so that links stay links.
    let target = match &existing {
        Some(_) => std::fs::canonicalize(path)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => resolve_links(path)?,
    };
    refuse_inputs_as(flag, path, &target, inputs)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // A file the shell's `>` could not write is not replaced behind its owner's back.
    if let Some(problem) = cannot_write(&target) {
        anyhow::bail!("cannot write {}: {problem}", path.display());
    }
    // A short random name whatever the target's length, so a 250-byte name still fits.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".safetech-").suffix(".tmp");
    // A new file gets the usual mode (0666 less the umask, as any program's would), not the
    // 0600 of a temporary file. A replaced file's mode is given at creation, before a byte is
    // written (so a 0600 file's new contents are never readable by others, even for a
    // moment), and set exactly below (the umask may have narrowed it).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = existing
            .as_ref()
            .map_or(0o666, |m| m.permissions().mode() & 0o777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    // The list is held while the file is made, so a signal between the two cannot miss it:
    // the handler waits for the lock, then finds the file listed.
    let mut pending = lock(&PENDING);
    let tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let tmp_path = tmp.path().to_path_buf();
    pending.push(tmp_path.clone());
    drop(pending);
    let result = (|| -> std::io::Result<()> {
        let mut tmp = tmp;
        if let Some(meta) = &existing {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
        tmp.write_all(bytes)?;
        test_pause();
        tmp.as_file().sync_all()?;
        // On error the temporary file is dropped, which removes it.
        tmp.persist(&target).map_err(|e| e.error)?;
        Ok(())
    })();
    lock(&PENDING).retain(|p| p != &tmp_path);
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Creates `path` as a new file holding `bytes`: for names the program chooses itself (the
/// view's saved scenario and exports), where the user asked for no particular file. Anything
/// already under the name, a dangling link included, is left alone and the write fails with
/// [`std::io::ErrorKind::AlreadyExists`], so a link planted under a guessable name is never
/// followed (the caller takes the next free name). The bytes go to a temporary file beside it
/// (exclusive create), which a rename that refuses an existing name moves into place
/// (`RENAME_NOREPLACE`, or a hard link): a failed write leaves nothing.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists", path.display()),
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".safetech-").suffix(".tmp");
    // The usual mode of a new file (0666 less the umask), from the start.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // On error the temporary file is dropped, which removes it.
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Debug builds only: hold a written temporary file for a while before the rename, so tests
/// can signal the program mid-write and read the file's mode while it holds the new contents.
fn test_pause() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("SAFETECH_TEST_WRITE_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// On SIGINT, SIGTERM or SIGHUP, removes any temporary file being written, then ends the
/// program as the signal would have. For the commands that do not run the interactive view
/// (which handles signals itself, restoring the terminal).
pub fn clean_up_on_signals() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .context("cannot install signal handlers")?;
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            for p in lock(&PENDING).drain(..) {
                let _ = std::fs::remove_file(p);
            }
            let _ = signal_hook::low_level::emulate_default_handler(sig);
            std::process::exit(128 + sig);
        }
    });
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn an_input_given_to_the_writer_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("scenario.toml");
        std::fs::write(&input, "keep").unwrap();
        let link = dir.path().join("hard.toml");
        std::fs::hard_link(&input, &link).unwrap();
        let inputs = Inputs::of([input.as_path()]);
        for target in [&input, &link] {
            let err = write_atomic(target, b"new", &inputs).unwrap_err();
            assert!(format!("{err:#}").contains("input of this run"), "{err:#}");
        }
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "keep");
        // The same file is written when it is not among the inputs.
        write_atomic(&input, b"new", &Inputs::none()).unwrap();
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "new");
    }

    /// A new output file gets 0666 less the umask, like any program's, not a temporary
    /// file's 0600 (a chart to share must be readable by others where the umask allows).
    #[test]
    fn a_new_file_gets_the_usual_mode() {
        // SAFETY: umask only swaps the process's file-creation mask; it is put back at once.
        let umask = unsafe {
            let old = libc::umask(0o022);
            libc::umask(old);
            old
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.txt");
        write_atomic(&path, b"x", &Inputs::none()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask);
    }
}
