"""Runs real fetches with whichever ``bb`` package is importable and writes what they did as JSON.

Used by test_fetch_exec.py, once under the reference BitBake and once with
rbake's queries/python.  Usage:
    test_fetch_exec_probe.py CASES_JSON FIXTURES SCRATCH RESULT_JSON BB_PATH

CASES_JSON lists the cases (name, URLs, variables, operations); each case
gets its own DL_DIR and unpack directory under SCRATCH.  For every case the
result holds the value or exception of each operation, the log records
(first lines), and the trees of DL_DIR and of the unpack directory
(relative paths, modes, hashed contents, link targets).  Paths under
SCRATCH are written as <SCRATCH>.
"""

import hashlib
import json
import logging
import os
import stat
import subprocess
import sys
import tarfile

CASES_FILE, FIXTURES, SCRATCH, RESULT_FILE, BB_PATH = sys.argv[1:6]
sys.path.insert(0, BB_PATH)
sys.dont_write_bytecode = True

import bb  # noqa: E402
import bb.data  # noqa: E402
import bb.fetch2  # noqa: E402

# Files inside git repositories whose bytes depend on the time or the
# machine (index, logs, packs); their paths and modes are still compared.
GIT_VOLATILE = ("index", "FETCH_HEAD", "ORIG_HEAD", "logs", "objects")


def neutral(text):
    """``text`` with the scratch directory replaced by a placeholder."""
    return text.replace(SCRATCH, "<SCRATCH>") if isinstance(text, str) else text


class Records(logging.Handler):
    """Collects the first line of every BitBake log record of level INFO and above."""

    def __init__(self):
        logging.Handler.__init__(self, logging.INFO)
        self.items = []

    def emit(self, record):
        first = record.getMessage().split("\n", 1)[0]
        self.items.append([record.levelname, neutral(first)])


def in_git_internals(parts):
    for index, part in enumerate(parts):
        if part == ".git" or part.endswith(".git") or (part == "git2" and index == 0):
            rest = parts[index + 1:] if part != "git2" else parts[index + 2:]
            if rest and rest[0] in GIT_VOLATILE:
                return True
    return False


def tarball_summary(path):
    """A hash of the members of a tarball the git fetcher wrote (names, kinds, modes, contents).

    Its bytes hold the time it was made, so the members are compared instead.
    """
    members = []
    with tarfile.open(path) as archive:
        for member in archive.getmembers():
            parts = member.name.split("/")
            content = None
            if member.isfile() and not any(p in GIT_VOLATILE for p in parts):
                content = hashlib.sha256(archive.extractfile(member).read()).hexdigest()
            members.append([member.name, member.type.decode(), oct(member.mode), content])
    return "tar:" + hashlib.sha256(json.dumps(sorted(members)).encode()).hexdigest()


def tree(root):
    """Every entry below ``root``: [relative path, kind, mode, content hash or link target]."""
    entries = []
    if not os.path.isdir(root):
        return entries
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(top, name)
            rel = os.path.relpath(path, root)
            info = os.lstat(path)
            mode = oct(stat.S_IMODE(info.st_mode))
            if stat.S_ISLNK(info.st_mode):
                entries.append([rel, "link", None, neutral(os.readlink(path))])
            elif stat.S_ISDIR(info.st_mode):
                entries.append([rel, "dir", mode, None])
            elif in_git_internals(rel.split(os.sep)) or name.endswith(".lock"):
                entries.append([rel, "file", mode, "<not compared>"])
            elif name.startswith("git") and name.endswith(".tar.gz"):
                entries.append([rel, "file", mode, tarball_summary(path)])
            else:
                with open(path, "rb") as f:
                    data = f.read()
                if b"\n" in data and SCRATCH.encode() in data:
                    data = data.replace(SCRATCH.encode(), b"<SCRATCH>")
                entries.append([rel, "file", mode, hashlib.sha256(data).hexdigest()])
    return entries


def git_state(checkout):
    """HEAD, branch and remotes of a git checkout made by unpack."""
    if not os.path.isdir(checkout):
        return None

    def git(*args):
        done = subprocess.run(["git"] + list(args), cwd=checkout, capture_output=True, text=True)
        return neutral(done.stdout.strip())
    return {"head": git("rev-parse", "HEAD"), "branch": git("branch", "--show-current"),
            "remotes": git("remote", "-v"), "status": git("status", "--porcelain")}


def make_datastore(case, dldir):
    d = bb.data.init()
    values = {
        "DL_DIR": dldir,
        "FILESPATH": "%s/layer/extra:%s/layer/files" % (FIXTURES, FIXTURES),
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "PN": "demo",
    }
    values.update(case.get("vars", {}))
    for name, value in values.items():
        d.setVar(name, value.replace("@FIXTURES@", FIXTURES) if isinstance(value, str) else value)
    for flag, value in case.get("flags", {}).items():
        d.setVarFlag("SRC_URI", flag, value)
    return d


def describe(value):
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return neutral(value)
    return type(value).__name__


def run_case(case):
    base = os.path.join(SCRATCH, case["name"].replace(" ", "_").replace("=", "_").replace(".", "_"))
    dldir = os.path.join(base, "downloads")
    workdir = os.path.join(base, "work")
    os.makedirs(workdir)
    d = make_datastore(case, dldir)
    urls = [u.replace("@FIXTURES@", FIXTURES) for u in case["urls"]]
    outcomes = []
    fetcher = None
    for operation in case["ops"]:
        try:
            if operation == "init" or fetcher is None:
                fetcher = bb.fetch2.Fetch(urls, d)
            if operation == "init":
                value = None
            elif operation == "download":
                value = fetcher.download()
            elif operation == "unpack":
                value = fetcher.unpack(workdir)
            elif operation == "checkstatus":
                value = fetcher.checkstatus()
            elif operation == "clean":
                value = fetcher.clean()
            elif operation == "localpaths":
                value = fetcher.localpaths()
            elif operation == "localpath":
                value = fetcher.localpath(urls[0])
            elif operation == "remove_done":
                # A download without its stamp: the next download checks it.
                for name in os.listdir(dldir):
                    if name.endswith(".done"):
                        os.remove(os.path.join(dldir, name))
                value = None
            else:
                raise ValueError("unknown operation %s" % operation)
            outcomes.append([operation, {"value": describe(value)}])
        except BaseException as exc:  # noqa: B902 - bb.fatal raises SystemExit-like errors
            outcomes.append([operation, {"raised": type(exc).__name__, "str": neutral(str(exc))}])
            # Later operations would only repeat the failure.
            break
    result = {"ops": outcomes, "downloads": tree(dldir), "work": tree(workdir)}
    for checkout in case.get("checkouts", []):
        result["git " + checkout] = git_state(os.path.join(workdir, checkout))
    return result


def main():
    with open(CASES_FILE) as f:
        cases = json.load(f)
    records = Records()
    logging.getLogger("BitBake").addHandler(records)
    logging.getLogger("BitBake").setLevel(logging.INFO)
    results = {"bb_file": bb.__file__, "cases": {}}
    for case in cases:
        records.items = []
        outcome = run_case(case)
        outcome["log"] = records.items
        results["cases"][case["name"]] = outcome
    with open(RESULT_FILE, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
