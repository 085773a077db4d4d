//! Stamps: the files that say a task has run for its current hash, named
//! and checked as BitBake's signature handler and runqueue name and check
//! them, and written atomically.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rbake_queries::recipe::RecipeInfo;

use crate::workspace::write_atomically;

/// How the configured signature handler names stamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StampNaming {
    /// `noop` and `basic`: `STAMP.do_task[.extra]`.
    Plain,
    /// `basichash` and its subclasses (OpenEmbedded's handlers):
    /// `STAMP.do_task.HASH[.extra]`.
    Hashed,
}

impl StampNaming {
    /// The naming of the handler BB_SIGNATURE_HANDLER names.
    pub fn for_handler(handler: &str) -> StampNaming {
        match handler.trim() {
            "" | "noop" | "basic" => StampNaming::Plain,
            _ => StampNaming::Hashed,
        }
    }
}

/// Where one task's stamp goes.
#[derive(Clone, Debug)]
pub struct StampSite {
    /// STAMP, the recipe's stamp prefix; empty when the recipe has none.
    pub base: String,
    pub task: String,
    /// The task's `stamp-extra-info` flag.
    pub extra: String,
    /// The hash stamps of this task are named by (its unihash).
    pub hash: String,
}

impl StampSite {
    /// Where `task` of the recipe `info` describes keeps its stamps, for
    /// `hash` (empty when only the taint file is wanted).
    pub fn for_task(info: Option<&RecipeInfo>, task: &str, hash: String) -> StampSite {
        let base = info.map(|info| info.stamp.clone()).unwrap_or_default();
        let extra = info
            .and_then(|info| info.task(task))
            .and_then(|task| task.flag("stamp-extra-info"))
            .unwrap_or_default()
            .to_owned();
        StampSite { base, task: task.to_owned(), extra, hash }
    }

    /// The stamp's path, or `None` for a recipe without STAMP.
    pub fn path(&self, naming: StampNaming) -> Option<PathBuf> {
        if self.base.is_empty() {
            return None;
        }
        let name = match naming {
            StampNaming::Plain => format!("{}.{}.{}", self.base, self.task, self.extra),
            StampNaming::Hashed => {
                format!("{}.{}.{}.{}", self.base, self.task, self.hash, self.extra)
            }
        };
        Some(PathBuf::from(name.trim_end_matches('.')))
    }

    /// The path of the task's setscene stamp.
    pub fn setscene_path(&self, naming: StampNaming) -> Option<PathBuf> {
        let setscene = StampSite { task: format!("{}_setscene", self.task), ..self.clone() };
        setscene.path(naming)
    }

    /// The taint file a forced run leaves: `STAMP.do_task.taint`.
    pub fn taint_path(&self) -> Option<PathBuf> {
        (!self.base.is_empty()).then(|| PathBuf::from(format!("{}.{}.taint", self.base, self.task)))
    }
}

/// A file's modification time, in whole seconds as BitBake compares them,
/// if it exists.
pub fn timestamp(path: &Path) -> Option<u64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(modified.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs())
}

/// Writes an empty stamp atomically, making its directory first.
pub fn write_stamp(path: &Path) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    write_atomically(path, b"")
}

/// Writes a fresh random taint for a forced task, as BitBake's
/// `invalidate_task` does (its contents only need to differ every time).
pub fn write_taint(path: &Path) -> std::io::Result<String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let taint = random_uuid();
    write_atomically(path, taint.as_bytes())?;
    Ok(taint)
}

/// A version 4 UUID from the kernel's random source.
fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom")
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut bytes));
    if read.is_err() {
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        bytes = (nanos.as_nanos() ^ u128::from(std::process::id())).to_le_bytes();
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(extra: &str) -> StampSite {
        StampSite {
            base: "/b/stamps/hello-1.0-r0".into(),
            task: "do_compile".into(),
            extra: extra.into(),
            hash: "abc".into(),
        }
    }

    #[test]
    fn stamp_names_follow_the_handler() {
        let hashed = site("").path(StampNaming::Hashed).unwrap();
        assert_eq!(hashed, PathBuf::from("/b/stamps/hello-1.0-r0.do_compile.abc"));
        let plain = site("").path(StampNaming::Plain).unwrap();
        assert_eq!(plain, PathBuf::from("/b/stamps/hello-1.0-r0.do_compile"));
        let extra = site("qemux86").path(StampNaming::Hashed).unwrap();
        assert_eq!(extra, PathBuf::from("/b/stamps/hello-1.0-r0.do_compile.abc.qemux86"));
        let setscene = site("").setscene_path(StampNaming::Hashed).unwrap();
        assert_eq!(setscene, PathBuf::from("/b/stamps/hello-1.0-r0.do_compile_setscene.abc"));
        assert_eq!(StampNaming::for_handler("OEEquivHash"), StampNaming::Hashed);
        assert_eq!(StampNaming::for_handler("noop"), StampNaming::Plain);
    }

    #[test]
    fn a_recipe_without_stamp_has_no_stamp_path() {
        let site = StampSite { base: String::new(), ..site("") };
        assert_eq!(site.path(StampNaming::Hashed), None);
        assert_eq!(site.taint_path(), None);
    }

    #[test]
    fn taints_are_random_uuids() {
        let (a, b) = (random_uuid(), random_uuid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }
}
