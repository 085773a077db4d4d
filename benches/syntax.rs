//! Lex+parse throughput: a large generated input, and every metadata file of
//! an OpenEmbedded-Core checkout when `RBAKE_OE_CORE` names one.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rbake_syntax::FileKind;

/// A recipe-like text of about `target` bytes that uses every construct.
fn generated_input(target: usize) -> String {
    let mut text = String::with_capacity(target + 4096);
    let mut index = 0usize;
    while text.len() < target {
        text.push_str(&format!(
            "# Part {index} of the generated input.\n\
             SUMMARY_{index} = \"Package number {index}\"\n\
             DEPENDS_{index} += \"zlib-{index} virtual/libc ${{PN}}-native\"\n\
             SRC_URI_{index} = \"https://example.com/p{index}-${{PV}}.tar.gz \\\n    file://fix-{index}.patch \\\n\"\n\
             FILES:${{PN}}-dev:append:class-target = \" ${{libdir}}/p{index}.so\"\n\
             do_compile[depends] ??= \"p{index}:do_populate_sysroot\"\n\
             EXTRA_{index} = \"${{@bb.utils.contains('DISTRO_FEATURES', 'x11', '--with-x', '', d)}}\"\n\
             inherit autotools pkgconfig\n\
             addtask do_step{index} after do_configure before do_compile\n\
             do_step{index}() {{\n\
             \toe_runmake -C ${{B}} step{index}\n\
             \tinstall -d ${{D}}${{bindir}}\n\
             }}\n\
             python do_py{index}() {{\n\
             \x20   bb.note(d.getVar('PN'))\n\
             }}\n\
             def helper_{index}(d):\n\
             \x20   return d.getVar('PV') or ''\n\
             \n"
        ));
        index += 1;
    }
    text
}

/// Every `.bb`, `.bbappend`, `.bbclass` and `.inc` file under `meta/`, and
/// the `.conf` files under `meta/conf/`, except data under `files/`.
fn oe_core_files(root: &Path) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, in_conf: bool, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "files" {
                    walk(&path, in_conf || name == "conf", out);
                }
                continue;
            }
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
            let wanted = matches!(extension, "bb" | "bbappend" | "bbclass" | "inc")
                || (extension == "conf" && in_conf);
            if wanted {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push((path, text));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("meta"), false, &mut out);
    out
}

fn bench_generated(c: &mut Criterion) {
    let text = generated_input(4 << 20);
    let mut group = c.benchmark_group("syntax");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("generated_4MiB", |b| {
        b.iter(|| rbake_syntax::parse(&text, FileKind::Recipe))
    });
    group.finish();
}

fn bench_oe_core(c: &mut Criterion) {
    let Some(root) = std::env::var_os("RBAKE_OE_CORE") else {
        eprintln!("RBAKE_OE_CORE is not set: the OpenEmbedded-Core benchmark is not run");
        return;
    };
    let files = oe_core_files(Path::new(&root));
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    eprintln!("OpenEmbedded-Core: {} files, {} bytes", files.len(), bytes);
    let mut group = c.benchmark_group("syntax");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("oe_core_meta", |b| {
        b.iter(|| {
            for (path, text) in &files {
                std::hint::black_box(rbake_syntax::parse(text, FileKind::from_path(path)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_generated, bench_oe_core);
criterion_main!(benches);
