//! Revalidation against a real directory: edits that keep the size and
//! land in the same clock tick, deletions, creations of files that were
//! looked for, and records old enough to be trusted.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rbake_queries::files::{binary_file, directory, source_file};
use rbake_queries::RootDatabase;

use super::TrackingSystem;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rbake-revalidate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn database() -> (RootDatabase, Arc<TrackingSystem>) {
    let system = Arc::new(TrackingSystem::default());
    (RootDatabase::new(system.clone()), system)
}

/// Moves a file's modification time into the past, so that its record is
/// no longer racy.
fn age(path: &Path) {
    let past = SystemTime::now() - Duration::from_secs(60);
    File::options().write(true).open(path).unwrap().set_modified(past).unwrap();
}

#[test]
fn same_size_edit_in_the_same_tick_is_seen() {
    let dir = scratch("racy");
    let path = dir.join("a.bb");
    std::fs::write(&path, "A = \"1\"\n").unwrap();
    let (mut db, system) = database();
    let file = source_file(&db, &path);
    std::fs::write(&path, "A = \"2\"\n").unwrap();
    let revalidation = system.revalidate(&mut db);
    assert_eq!(revalidation.changed, vec![path.clone()]);
    assert_eq!(file.text(&db), "A = \"2\"\n");
}

#[test]
fn old_unchanged_files_are_not_read_again() {
    let dir = scratch("old");
    let path = dir.join("a.bb");
    std::fs::write(&path, "A = \"1\"\n").unwrap();
    // A file's change time cannot be set, so the window is made short and
    // waited out.
    let system = Arc::new(TrackingSystem::with_racy_window(Duration::from_millis(20)));
    let mut db = RootDatabase::new(system.clone());
    std::thread::sleep(Duration::from_millis(50));
    source_file(&db, &path);
    let revalidation = system.revalidate(&mut db);
    assert_eq!((revalidation.checked, revalidation.reread), (1, 0));
    assert!(revalidation.changed.is_empty());
}

#[test]
fn an_edit_that_keeps_an_old_mtime_is_seen_through_ctime() {
    let dir = scratch("ctime");
    let path = dir.join("a.bb");
    std::fs::write(&path, "A = \"1\"\n").unwrap();
    age(&path);
    // The record is trusted, so only the stat can tell.
    let system = Arc::new(TrackingSystem::with_racy_window(Duration::from_millis(20)));
    let mut db = RootDatabase::new(system.clone());
    std::thread::sleep(Duration::from_millis(50));
    let file = source_file(&db, &path);
    // Same size, and the old modification time put back, as `touch -r` would.
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, "A = \"3\"\n").unwrap();
    File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();
    assert_eq!(system.revalidate(&mut db).changed, vec![path.clone()]);
    assert_eq!(file.text(&db), "A = \"3\"\n");
}

#[test]
fn deleting_and_creating_files_and_directories_is_seen() {
    let dir = scratch("exists");
    let present = dir.join("present.inc");
    let missing = dir.join("missing.inc");
    std::fs::write(&present, "X = \"1\"\n").unwrap();
    let (mut db, system) = database();
    let present_file = source_file(&db, &present);
    let missing_file = source_file(&db, &missing);
    let listing = directory(&db, &dir);
    let patch = binary_file(&db, &dir.join("fix.patch"));
    assert!(!missing_file.exists(&db));

    std::fs::remove_file(&present).unwrap();
    std::fs::write(&missing, "Y = \"2\"\n").unwrap();
    std::fs::write(dir.join("fix.patch"), b"--- a\n").unwrap();
    let changed = system.revalidate(&mut db).changed;
    assert_eq!(changed, vec![dir.clone(), dir.join("fix.patch"), missing.clone(), present.clone()]);
    assert!(!present_file.exists(&db));
    assert!(missing_file.exists(&db));
    assert_eq!(patch.bytes(&db).as_deref(), Some(&b"--- a\n"[..]));
    let names: Vec<&str> =
        listing.entries(&db).as_ref().unwrap().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["fix.patch", "missing.inc"]);
}

#[test]
fn a_rewrite_with_the_same_text_changes_nothing() {
    let dir = scratch("same");
    let path = dir.join("a.conf");
    std::fs::write(&path, "A = \"1\"\n").unwrap();
    let (mut db, system) = database();
    source_file(&db, &path);
    std::fs::write(&path, "A = \"1\"\n").unwrap();
    let revalidation = system.revalidate(&mut db);
    assert_eq!(revalidation.reread, 1);
    assert!(revalidation.changed.is_empty());
}

#[test]
fn an_editor_buffer_wins_over_the_disk_until_it_is_closed() {
    let dir = scratch("overlay");
    let path = dir.join("a.bb");
    std::fs::write(&path, "A = \"disk\"\n").unwrap();
    let (mut db, system) = database();
    let file = source_file(&db, &path);
    system.set_overlaid(&path, true);
    rbake_queries::files::Files::update(&mut db, &path, Some("A = \"buffer\"\n".into()));
    std::fs::write(&path, "A = \"disk, saved\"\n").unwrap();
    assert!(system.revalidate(&mut db).changed.is_empty());
    assert_eq!(file.text(&db), "A = \"buffer\"\n");
    system.set_overlaid(&path, false);
    assert_eq!(system.revalidate(&mut db).changed, vec![path.clone()]);
    assert_eq!(file.text(&db), "A = \"disk, saved\"\n");
}
