//! The checksums of a task's local files (its `file-checksums` flag), as
//! BitBake's `get_file_checksums` computes them: md5 of each existing file,
//! of every file under a listed directory (marked `DIR/./name`, so that a
//! file moving within it changes the hash), and of what a glob matches;
//! sorted by checksum. The bytes come from file inputs, so editing a patch
//! changes exactly the taskhashes that read it.

use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

use crate::files::{binary_file, directory, path_kind, Db, PathKind};
use crate::glob::glob;

/// The md5 of a file's bytes, or `None` if it cannot be read.
#[salsa::tracked]
pub fn file_md5(db: &dyn Db, file: crate::files::BinaryFile) -> Option<String> {
    let bytes = file.bytes(db).as_ref()?;
    Some(super::hex(&Md5::digest(bytes)))
}

fn md5_of(db: &dyn Db, path: &Path) -> Option<String> {
    file_md5(db, binary_file(db, path)).clone()
}

fn is_dir(db: &dyn Db, path: &Path) -> bool {
    path_kind(db, path) == PathKind::Directory
}

/// Splits a `file-checksums` value into its entries: white space ends one
/// only after `:True` or `:False`, since paths may hold spaces.
fn entries(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut index = 0;
    let bytes = list.as_bytes();
    while index < bytes.len() {
        let ends_entry = list[..index].ends_with(":True") || list[..index].ends_with(":False");
        if bytes[index].is_ascii_whitespace() && ends_entry {
            out.push(&list[start..index]);
            while index < bytes.len() && bytes[index].is_ascii_whitespace() {
                index += 1;
            }
            start = index;
            continue;
        }
        index += 1;
    }
    out.push(&list[start..]);
    out
}

/// The files under `root`, depth first, skipping excluded directory names.
fn walk(db: &dyn Db, root: &Path, excluded: &[String], out: &mut Vec<(String, String)>) {
    let marked = |file: &Path| {
        let text = file.to_string_lossy().into_owned();
        let base = root.to_string_lossy().into_owned();
        text.replacen(&base, &format!("{base}/."), 1)
    };
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Some(listing) = directory(db, &dir).entries(db).clone() else { continue };
        let mut subdirs = Vec::new();
        for entry in listing {
            let path = dir.join(&entry.name);
            if entry.is_dir {
                if !excluded.contains(&entry.name) {
                    subdirs.push(path);
                }
            } else if let Some(checksum) = md5_of(db, &path) {
                out.push((marked(&path), checksum));
            }
        }
        pending.extend(subdirs.into_iter().rev());
    }
}

/// BitBake's `get_file_checksums` for one `file-checksums` value.
pub fn file_checksums(db: &dyn Db, list: &str, excluded: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in entries(list) {
        let entry = entry.trim();
        let mut parts = entry.split(':');
        let (Some(path), Some(exists)) = (parts.next(), parts.next()) else { continue };
        if path.is_empty() || exists == "False" {
            continue;
        }
        let paths: Vec<PathBuf> =
            if path.contains('*') { glob(db, path) } else { vec![PathBuf::from(path)] };
        for path in paths {
            let trimmed = PathBuf::from(path.to_string_lossy().trim_end_matches('/'));
            if is_dir(db, &trimmed) {
                walk(db, &trimmed, excluded, &mut out);
            } else if let Some(checksum) = md5_of(db, &path) {
                out.push((path.to_string_lossy().into_owned(), checksum));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The checksums as BitBake's signature data lists them: each file named
/// by the part of its path after `/./` (as `./rest`) or by its file name,
/// sorted by that name.
pub fn checksum_values(checksums: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut named: Vec<(String, String)> = checksums
        .into_iter()
        .map(|(path, checksum)| {
            let name = match path.split_once("/./") {
                Some((_, rest)) => format!("./{rest}"),
                None => path.rsplit('/').next().unwrap_or(&path).to_owned(),
            };
            (name, checksum)
        })
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    named
}

/// What the checksums add to a taskhash: in the order of
/// [`checksum_values`], each checksum, after its `./` name if it has one.
pub fn checksum_data(values: &[(String, String)]) -> String {
    let mut data = String::new();
    for (name, checksum) in values.iter().filter(|(_, checksum)| !checksum.is_empty()) {
        if name.starts_with("./") {
            data.push_str(name);
        }
        data.push_str(checksum);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::entries;

    #[test]
    fn entries_end_after_their_existence_flag() {
        assert_eq!(entries("/a b:True /c:False"), ["/a b:True", "/c:False"]);
        assert_eq!(entries("/x:True"), ["/x:True"]);
    }
}
