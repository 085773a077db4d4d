//! The executor's dispatch: `rbake build` of a layer of no-op shell tasks
//! (20 recipes of five tasks each, in two chains of ten recipes), with the
//! stamps removed before each run, so that every task is dispatched to the
//! worker, forked, run and stamped. A second case builds again with every
//! stamp current: the cost of deciding that nothing needs to run.
//! benches/compare-dispatch.sh sets the same kind of layer against the
//! real BitBake.

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const RECIPES: usize = 20;

const BITBAKE_CONF: &str = r#"CACHE = "${TOPDIR}/cache"
TMPDIR = "${TOPDIR}/tmp"
BBFILES = "${BBPATH}/recipes/*.bb"
BPN = "${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}"
PN = "${BPN}"
PV = "1.0"
PR = "r0"
PF = "${PN}-${PV}-${PR}"
WORKDIR = "${TMPDIR}/work/${PF}"
T = "${WORKDIR}/temp"
B = "${WORKDIR}"
STAMP = "${TMPDIR}/stamps/${PF}"
BB_SIGNATURE_HANDLER = "basichash"
BB_NUMBER_THREADS = "2"
BB_DEFAULT_TASK = "e"
CLASSOVERRIDE ?= "class-target"
OVERRIDES = "${CLASSOVERRIDE}"
"#;

const BASE_CLASS: &str = "do_a() {\n\t:\n}\ndo_b() {\n\ttrue\n}\ndo_c() {\n\t:\n}\n\
    do_d() {\n\ttrue\n}\ndo_e() {\n\t:\n}\n\
    addtask a\naddtask b after do_a\naddtask c after do_b\naddtask d after do_c\n\
    addtask e after do_d\ndo_a[deptask] = \"do_e\"\n";

/// Writes the layer (which is also the build directory) and returns it.
fn layer() -> PathBuf {
    let top = std::env::temp_dir().join(format!("rbake-bench-dispatch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    std::fs::create_dir_all(top.join("conf")).unwrap();
    std::fs::create_dir_all(top.join("classes")).unwrap();
    std::fs::create_dir_all(top.join("recipes")).unwrap();
    std::fs::write(top.join("conf/bitbake.conf"), BITBAKE_CONF).unwrap();
    std::fs::write(top.join("classes/base.bbclass"), BASE_CLASS).unwrap();
    for index in 0..RECIPES {
        let text = if index % 10 == 0 {
            "# The head of a chain.\n".to_owned()
        } else {
            format!("DEPENDS = \"r{:02}\"\n", index - 1)
        };
        std::fs::write(top.join(format!("recipes/r{index:02}_1.0.bb")), text).unwrap();
    }
    top
}

fn build(top: &Path, targets: &[String]) {
    let output = Command::new(env!("CARGO_BIN_EXE_rbake"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("BBPATH", top)
        .env("RBAKE_NO_SERVER", "1")
        .current_dir(top)
        .arg("build")
        .args(targets)
        .output()
        .expect("cannot run rbake");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn bench_dispatch(c: &mut Criterion) {
    let top = layer();
    let targets: Vec<String> = (0..RECIPES).map(|index| format!("r{index:02}")).collect();
    let mut group = c.benchmark_group("dispatch");
    group.sample_size(10);
    group.bench_function("100 no-op tasks, from scratch", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_dir_all(top.join("tmp"));
            },
            |()| build(&top, &targets),
            BatchSize::PerIteration,
        )
    });
    build(&top, &targets);
    group.bench_function("100 tasks, all stamps current", |b| b.iter(|| build(&top, &targets)));
    group.finish();
    let _ = std::fs::remove_dir_all(&top);
}

criterion_group!(benches, bench_dispatch);
criterion_main!(benches);
