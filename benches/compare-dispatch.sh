#!/usr/bin/env bash
# Task dispatch overhead: the same build of no-op tasks by the real BitBake
# and by `rbake build`, with the execution phase timed apart from parsing.
# A local comparison, not a CI test: it needs a BitBake tree that can run
# builds (see scripts/bitbake-graph.sh --prepare) and an rbake release binary
# (it does not build one).
#
# Usage: benches/compare-dispatch.sh [--tasks N] [-j N] [--timeout S] [--keep]
#   --tasks    total number of tasks, a multiple of 5 (default 2000): N/5
#              recipes of five tasks each
#   -j         tasks at once: BB_NUMBER_THREADS, and rbake build -j (default 2)
#   --timeout  seconds either build may take before it counts as hung
#              (default 3600)
#   --keep     keep the scratch directory (layer, build directories, logs)
# Environment: RBAKE (default target/release/rbake), RBAKE_BITBAKE_TREE
# (default /tmp/bitbake-ref).
#
# The generated layer: recipes r0000, r0001, ... with the tasks do_a to do_e,
# each after the one before, every body `:`. Recipe i DEPENDS on recipe i-1
# within groups of 10 recipes, and do_a[deptask] = "do_e", so each group is a
# chain of 50 tasks and the groups run in parallel. BB_DEFAULT_TASK is "e",
# BB_SIGNATURE_HANDLER "basichash", and there are no setscene tasks.
#
# What is measured, for each tool, in its own fresh TOPDIR with the same
# environment (env -i, PATH=TREE/bin:/usr/bin:/bin, HOME, LANG, LC_ALL,
# BBPATH=<layer>) and every recipe named on the command line:
#   parse  the wall time of `bitbake -p` (which fills BitBake's cache), and of
#          `rbake parse` for rbake
#   build  the wall time of the build itself, parse of the cached (BitBake)
#          or fresh (rbake) metadata included
#   exec   from the "NOTE: Executing Tasks" line to the end of the output;
#          each output line is time-stamped as it arrives by a reader on the
#          pipe (BitBake's console logging and rbake's stdout flush per line)
#   summary  from "NOTE: Executing Tasks" to the "Tasks Summary" line (exec
#          without the shutdown after it)
#   span   from the first to the last line of all the log.task_order files
#          (the start of the first task to the start of the last)
#   1st task  from "NOTE: Executing Tasks" to the first log.task_order line
# and tasks/s = tasks / exec. Both builds must have run every task: one
# log.task_order line per task, each recipe's five tasks exactly once, and
# the summary must say so; the script fails loudly otherwise.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
tree="${RBAKE_BITBAKE_TREE:-/tmp/bitbake-ref}"
rbake="${RBAKE:-$root/target/release/rbake}"
tasks=2000
jobs=2
timeout_s=3600
keep=""
usage() { echo "usage: $0 [--tasks N] [-j N] [--timeout S] [--keep]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks="${2:-}"; shift 2 || usage ;;
    -j|--jobs) jobs="${2:-}"; shift 2 || usage ;;
    --timeout) timeout_s="${2:-}"; shift 2 || usage ;;
    --keep) keep=1; shift ;;
    *) usage ;;
  esac
done
[[ "$tasks" =~ ^[0-9]+$ ]] && [ "$tasks" -ge 5 ] && [ $((tasks % 5)) -eq 0 ] \
  || { echo "compare-dispatch.sh: --tasks must be a positive multiple of 5" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "compare-dispatch.sh: -j must be a positive number" >&2; exit 2; }
[ -x "$tree/bin/bitbake" ] || { echo "compare-dispatch.sh: no bin/bitbake in $tree" >&2; exit 1; }
[ -x "$rbake" ] || { echo "compare-dispatch.sh: no rbake binary at $rbake (build it first)" >&2; exit 1; }
recipes=$((tasks / 5))

scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-dispatch.XXXXXX")"
if [ -n "$keep" ]; then
  trap 'echo "kept $scratch" >&2' EXIT
else
  trap 'rm -rf "$scratch"' EXIT
fi
# A copy of the binary: a rebuild during the run must not swap it (the build
# worker is rbake itself, started again).
mkdir "$scratch/bin" && cp -p "$rbake" "$scratch/bin/rbake"
rbake="$scratch/bin/rbake"
rbake_id="$("$rbake" --version) (sha256 $(sha256sum "$rbake" | cut -c1-12), built $(date -r "$rbake" '+%F %T'))"
layer="$scratch/layer"
mkdir -p "$layer/conf" "$layer/classes" "$layer/recipes"

# --- the layer --------------------------------------------------------------
cat > "$layer/conf/bitbake.conf" <<EOF
# Configuration of the dispatch benchmark (benches/compare-dispatch.sh).
CACHE = "\${TOPDIR}/cache"
TMPDIR = "\${TOPDIR}/tmp"
BBFILES = "\${BBPATH}/recipes/*.bb"

BPN = "\${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}"
PN = "\${BPN}"
PV = "\${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[1] or '1.0'}"
PR = "r0"
PE = ""
PF = "\${PN}-\${PV}-\${PR}"
WORKDIR = "\${TMPDIR}/work/\${PF}"
T = "\${WORKDIR}/temp"
B = "\${WORKDIR}"
STAMP = "\${TMPDIR}/stamps/\${PF}"

BB_SIGNATURE_HANDLER = "basichash"
BB_NUMBER_THREADS = "$jobs"
BB_DEFAULT_TASK = "e"

CLASSOVERRIDE ?= "class-target"
OVERRIDES = "\${CLASSOVERRIDE}"
EOF
cat > "$layer/classes/base.bbclass" <<'EOF'
# Five no-op shell tasks, each after the one before; do_a waits for do_e of
# every recipe in DEPENDS.
do_a() {
	:
}
do_b() {
	true
}
do_c() {
	:
}
do_d() {
	true
}
do_e() {
	:
}

addtask a
addtask b after do_a
addtask c after do_b
addtask d after do_c
addtask e after do_d

do_a[deptask] = "do_e"
EOF
names=()
for ((i = 0; i < recipes; i++)); do
  name="$(printf 'r%04d' "$i")"
  names+=("$name")
  if [ $((i % 10)) -ne 0 ]; then
    printf 'DEPENDS = "r%04d"\n' $((i - 1)) > "$layer/recipes/${name}_1.0.bb"
  else
    echo '# The head of a group of ten.' > "$layer/recipes/${name}_1.0.bb"
  fi
done

# --- running and timing -----------------------------------------------------
# Reads a command's output and writes each line prefixed with the wall-clock
# time it arrived; at the end of the input, an "EOF" line.
stamper='
import sys, time
out = sys.stdout
for line in sys.stdin.buffer:
    out.write("%.6f %s\n" % (time.time(), line.decode("utf-8", "replace").rstrip("\n")))
    out.flush()
out.write("%.6f EOF\n" % time.time())
'
now() { date +%s.%N; }

# run TOOL PHASE COMMAND...: runs in TOOL's TOPDIR, time-stamped output in
# $scratch/TOOL-PHASE.log, wall time in $scratch/TOOL-PHASE.wall and the exit
# status in $scratch/TOOL-PHASE.status.
run() {
  local tool="$1" phase="$2"; shift 2
  local top="$scratch/$tool/top" start end status
  mkdir -p "$top" "$scratch/$tool/home"
  start="$(now)"
  (cd "$top" && timeout --kill-after=30 "$timeout_s" env -i PATH="$tree/bin:/usr/bin:/bin" \
     HOME="$scratch/$tool/home" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 BBPATH="$layer" \
     "$@" < /dev/null 2>&1) | python3 -c "$stamper" > "$scratch/$tool-$phase.log"
  status="${PIPESTATUS[0]}"
  end="$(now)"
  echo "$status" > "$scratch/$tool-$phase.status"
  python3 -c "import sys; print('%.3f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$end" \
    > "$scratch/$tool-$phase.wall"
  if [ "$status" -ne 0 ]; then
    {
      echo "compare-dispatch.sh: $tool $phase FAILED (exit $status$([ "$status" -eq 124 ] && echo ", timed out after ${timeout_s}s"))"
      echo "  command (in $top): $*"
      echo "  last output lines:"
      tail -n 30 "$scratch/$tool-$phase.log" | sed 's/^/    /'
    } >&2
    keep=1
    trap 'echo "kept $scratch" >&2' EXIT
    exit 1
  fi
}

echo "layer: $recipes recipes x 5 tasks = $tasks tasks, -j $jobs, in $scratch" >&2
# Other work on the machine skews the figures: the load averages before and
# after go with the table.
cut -d' ' -f1-3 /proc/loadavg > "$scratch/load-before"
echo "bitbake: parsing (bitbake -p)..." >&2
run bitbake parse bitbake -p
echo "bitbake: building..." >&2
run bitbake build bitbake "${names[@]}"
echo "rbake: parsing (rbake parse)..." >&2
run rbake parse "$rbake" parse
echo "rbake: building..." >&2
run rbake build "$rbake" build -j "$jobs" "${names[@]}"

cut -d' ' -f1-3 /proc/loadavg > "$scratch/load-after"

# --- checks and the table ---------------------------------------------------
python3 - "$scratch" "$tasks" "$jobs" "$rbake_id" <<'EOF'
import datetime, glob, os, re, sys
scratch, tasks, jobs, rbake_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
recipes = tasks // 5
expected = {("r%04d-1.0-r0" % i, "do_" + t) for i in range(recipes) for t in "abcde"}

def wall(tool, phase):
    with open(os.path.join(scratch, "%s-%s.wall" % (tool, phase))) as f:
        return float(f.read())

def stamped(tool, phase):
    lines = []
    with open(os.path.join(scratch, "%s-%s.log" % (tool, phase))) as f:
        for line in f:
            stamp, _, text = line.rstrip("\n").partition(" ")
            lines.append((float(stamp), text))
    return lines

failures = []
rows = {}
for tool in ("bitbake", "rbake"):
    log = stamped(tool, "build")
    executing = [t for t, text in log if text.strip() == "NOTE: Executing Tasks"]
    end = log[-1][0]
    summary = [text for _, text in log if "Tasks Summary" in text]
    # Every task once, from the log.task_order files.
    ran, stamps = [], []
    for order in glob.glob(os.path.join(scratch, tool, "top/tmp/work/*/temp/log.task_order")):
        pf = os.path.basename(os.path.dirname(os.path.dirname(order)))
        with open(order) as f:
            for line in f:
                words = line.split()
                if len(words) < 2:
                    continue
                ran.append((pf, words[1]))
                stamps.append(datetime.datetime.strptime(words[0], "%Y%m%d-%H%M%S.%f").timestamp())
    problems = []
    if len(executing) != 1:
        problems.append("%d 'NOTE: Executing Tasks' lines" % len(executing))
    if len(ran) != tasks:
        problems.append("%d log.task_order lines, not %d" % (len(ran), tasks))
    if set(ran) != expected or len(set(ran)) != len(ran):
        missing = sorted(expected - set(ran))
        extra = sorted(set(ran) - expected)
        twice = len(ran) - len(set(ran))
        problems.append("tasks differ: %d missing %s, %d unexpected %s, %d run twice"
                        % (len(missing), missing[:5], len(extra), extra[:5], twice))
    want = "Attempted %d tasks of which 0 didn't need to be rerun and all succeeded" % tasks
    if not summary or want not in summary[-1]:
        problems.append("summary is %r, not %r" % (summary[-1] if summary else None, want))
    for p in problems:
        failures.append("%s: %s" % (tool, p))
    exec_s = end - executing[0] if executing else float("nan")
    to_summary = [t for t, text in log if "Tasks Summary" in text]
    exec_summary = (to_summary[-1] - executing[0]) if executing and to_summary else float("nan")
    span = (max(stamps) - min(stamps)) if stamps else float("nan")
    first = (min(stamps) - executing[0]) if stamps and executing else float("nan")
    rows[tool] = dict(parse=wall(tool, "parse"), build=wall(tool, "build"), exec_s=exec_s,
                      summary=exec_summary, span=span, first=first, ran=len(ran))

print()
print("dispatch overhead: %d no-op tasks (%d recipes x 5), -j %d" % (tasks, recipes, jobs))
print("%-8s %6s %8s %8s %8s %8s %10s %8s %10s" % (
    "tool", "tasks", "parse s", "build s", "exec s", "tasks/s", "summary s", "span s", "1st task s"))
for tool in ("bitbake", "rbake"):
    r = rows[tool]
    print("%-8s %6d %8.2f %8.2f %8.2f %8.1f %10.2f %8.2f %10.3f" % (
        tool, r["ran"], r["parse"], r["build"], r["exec_s"], r["ran"] / r["exec_s"],
        r["summary"], r["span"], r["first"]))
b, r = rows["bitbake"], rows["rbake"]
print("ratio (bitbake / rbake): exec %.2fx, build %.2fx, span %.2fx" % (
    b["exec_s"] / r["exec_s"], b["build"] / r["build"], b["span"] / r["span"]))
print("total wall (parse + build): bitbake %.2f s, rbake %.2f s" % (
    b["parse"] + b["build"], r["parse"] + r["build"]))
load = [open(os.path.join(scratch, "load-" + w)).read().strip() for w in ("before", "after")]
print("rbake: %s" % rbake_id)
print("machine: %d CPUs, load average %s before, %s after" % (os.cpu_count(), load[0], load[1]))
if failures:
    print()
    for f in failures:
        print("FAILED: " + f, file=sys.stderr)
    sys.exit(1)
EOF
status=$?
if [ "$status" -ne 0 ]; then
  keep=1
  trap 'echo "kept $scratch" >&2' EXIT
fi
exit "$status"
