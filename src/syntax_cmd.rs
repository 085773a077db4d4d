//! `rbake syntax`: prints syntax trees, or checks files for diagnostics.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rbake_syntax::{FileKind, LineIndex, Severity};

use crate::cli::SyntaxArgs;

/// Extensions of the files BitBake reads as metadata.
const METADATA_EXTENSIONS: [&str; 5] = ["bb", "bbappend", "bbclass", "inc", "conf"];

pub fn run(args: &SyntaxArgs) -> ExitCode {
    let mut files = Vec::new();
    let mut failed = false;
    for path in &args.paths {
        if path.is_dir() {
            if let Err(error) = collect_metadata(path, false, &mut files) {
                eprintln!("{}: error: cannot read the directory: {error}", path.display());
                failed = true;
            }
        } else {
            files.push(path.clone());
        }
    }

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let (mut errors, mut warnings) = (0usize, 0usize);
    for file in &files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{}: error: cannot read the file: {error}", file.display());
                failed = true;
                continue;
            }
        };
        let (text, parse) = rbake_syntax::parse_bytes(&bytes, FileKind::from_path(file));
        if !args.check {
            let _ = write!(out, "{}", parse.debug_tree());
        }
        if parse.syntax_node().text() != text.as_str() {
            eprintln!(
                "{}: error: internal error: the syntax tree does not reproduce the file",
                file.display()
            );
            errors += 1;
        }
        let index = LineIndex::new(&text);
        for error in parse.errors() {
            let at = index.line_col(&text, error.range.start());
            let _ = writeln!(
                out,
                "{}:{}:{}: {}: {}",
                file.display(),
                at.line + 1,
                at.col + 1,
                error.severity,
                error.message
            );
            match error.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
    }
    let _ = out.flush();
    if args.check {
        eprintln!("checked {} files: {errors} errors, {warnings} warnings", files.len());
    }
    let denied = errors > 0 || (args.deny_warnings && warnings > 0);
    if failed || (args.check && denied) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Collects the metadata files under `dir`, sorted. `.conf` files count only
/// inside a `conf` directory, and `files` directories are skipped: layers keep
/// data for recipes there, not metadata.
fn collect_metadata(dir: &Path, in_conf: bool, files: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            if name != "files" {
                collect_metadata(&path, in_conf || name == "conf", files)?;
            }
            continue;
        }
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
        if METADATA_EXTENSIONS.contains(&extension) && (extension != "conf" || in_conf) {
            files.push(path);
        }
    }
    Ok(())
}
