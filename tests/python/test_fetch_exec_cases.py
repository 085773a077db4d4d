"""The fetch cases of test_fetch_exec.py: URLs, variables and the operations to run.

Each case is a dict: ``name``, ``urls`` (``@FIXTURES@`` stands for the
fixture directory), ``vars`` and ``flags`` (SRC_URI flags) for the
datastore, ``ops`` (init, download, unpack, checkstatus, clean,
localpaths, localpath, remove_done) and ``checkouts`` (git checkouts in the
unpack directory whose HEAD, branch and remotes are compared).
"""

FETCH_UNPACK = ["download", "unpack"]


def file_cases():
    cases = []

    def add(name, urls, ops=FETCH_UNPACK, **extra):
        case = {"name": name, "urls": urls, "ops": ops}
        case.update(extra)
        cases.append(case)

    add("file plain", ["file://hello.txt"], ["localpaths", "download", "unpack"])
    add("file executable", ["file://script.sh"])
    add("file directory", ["file://dir"])
    add("file directory trailing slash", ["file://dir/"])
    add("file in subdirectory", ["file://sub/deep.txt"])
    add("file patch", ["file://fix.patch", "file://fix.diff"])
    add("file absolute", ["file://@FIXTURES@/absolute/abs.txt"])
    add("file missing", ["file://nope.txt"])
    add("file missing no FILESPATH", ["file://nope.txt"], vars={"FILESPATH": ""})
    add("file subdir", ["file://hello.txt;subdir=deep/er"])
    add("file absolute subdir outside", ["file://hello.txt;subdir=/tmp/elsewhere"])
    add("file unpack=0 archive", ["file://a.tar.gz;unpack=0"])
    add("file unpack=no", ["file://a.tar.gz;unpack=no"])
    add("file unpack invalid", ["file://a.tar.gz;unpack=maybe"])
    for archive in ["a.tar", "a.tar.gz", "a.tgz", "a.tar.bz2", "a.tbz2", "a.tar.xz", "a.txz", "a.tar.zst", "a.zip"]:
        add("archive " + archive, ["file://" + archive])
    for archive in ["a.tar.gz", "a.tar.zst", "a.tar.xz"]:
        add("striplevel " + archive, ["file://%s;striplevel=1" % archive])
    add("striplevel subdir", ["file://a.tar.bz2;striplevel=1;subdir=src"])
    add("striplevel invalid", ["file://a.tar.gz;striplevel=one"])
    add("archive subdir", ["file://a.tar.gz;subdir=source"])
    add("zip subdir", ["file://a.zip;subdir=z"])
    add("zip dos", ["file://dos.zip;dos=1"])
    add("zip not dos", ["file://dos.zip;dos=0"])
    for suffix in ["gz", "bz2", "xz", "zst"]:
        add("single ." + suffix, ["file://single.txt." + suffix])
    add("single .gz subdir", ["file://single.txt.gz;subdir=where"])
    add("several", ["file://hello.txt", "file://a.tgz", "file://dir;subdir=d", "file://sub/deep.txt"],
        ["localpaths", "download", "unpack", "unpack"])
    add("file checkstatus", ["file://hello.txt"], ["checkstatus"])
    add("file checkstatus missing", ["file://nope.txt"], ["checkstatus"])
    add("file clean", ["file://hello.txt"], ["download", "clean"])
    add("file glob", ["file://*.txt"], ["init"])
    return cases


def http_cases(base, checksums):
    good = checksums["a.tar.gz"]
    cases = []

    def add(name, urls, ops=FETCH_UNPACK, **extra):
        case = {"name": name, "urls": urls, "ops": ops}
        case.update(extra)
        cases.append(case)

    release = base + "/releases/a.tar.gz"
    add("http sha256", [release], ["localpaths", "download", "unpack", "download"],
        flags={"sha256sum": good})
    add("http sha256 in url", [release + ";sha256sum=" + good])
    add("http named checksum", [release + ";name=src"], flags={"src.sha256sum": good})
    add("http downloadfilename", [release + ";downloadfilename=renamed-1.0.tar.gz;subdir=x"],
        flags={"sha256sum": good})
    add("http sha256 mismatch", [release], flags={"sha256sum": "0" * 64})
    add("http md5 mismatch", [release], flags={"sha256sum": good, "md5sum": "0" * 32})
    add("http no checksum", [base + "/releases/notes.txt"])
    add("http strict no checksum", [base + "/releases/notes.txt"], vars={"BB_STRICT_CHECKSUM": "1"})
    add("http ignore no checksum", [base + "/releases/notes.txt"], vars={"BB_STRICT_CHECKSUM": "ignore"})
    add("http 404", [base + "/releases/missing-1.0.tar.gz"], flags={"sha256sum": good})
    add("http empty file", [base + "/releases/empty.txt"])
    add("http redownload after stamp removed", [release], ["download", "remove_done", "download"],
        flags={"sha256sum": good})
    add("http clean", [release], ["download", "clean"], flags={"sha256sum": good})
    add("http checkstatus", [release], ["checkstatus"])
    add("http checkstatus 404", [base + "/releases/missing.tar.gz"], ["checkstatus"])
    add("http no network", [release], vars={"BB_NO_NETWORK": "1"}, flags={"sha256sum": good})
    add("http untrusted", [release], vars={"BB_ALLOWED_NETWORKS": "example.com"},
        flags={"sha256sum": good})
    add("http zip unpack", [base + "/releases/a.zip"])
    # Mirrors.
    missing = base + "/gone/a.tar.gz"
    add("premirror http hit", [missing], flags={"sha256sum": good},
        vars={"PREMIRRORS": "https?://.*/.* %s/mirror/" % base})
    add("premirror file hit", ["http://nowhere.invalid/dl/gone.tar.gz"], flags={"sha256sum": good},
        vars={"PREMIRRORS": "http://.*/.* file://@FIXTURES@/premirror/"})
    add("premirror file no network", ["http://nowhere.invalid/dl/gone.tar.gz"], flags={"sha256sum": good},
        vars={"PREMIRRORS": "http://.*/.* file://@FIXTURES@/premirror/", "BB_NO_NETWORK": "1"})
    add("premirror miss then upstream", [release], flags={"sha256sum": good},
        vars={"PREMIRRORS": "http://.*/.* %s/nothing-here/" % base})
    add("mirror after failure", [missing], flags={"sha256sum": good},
        vars={"MIRRORS": "http://.*/.* %s/mirror/" % base})
    add("mirror missing too", [missing], flags={"sha256sum": good},
        vars={"MIRRORS": "http://.*/.* %s/nothing-here/ \\n http://.*/.* %s/other/" % (base, base)})
    add("premirror only", [missing], flags={"sha256sum": good},
        vars={"PREMIRRORS": "http://.*/.* %s/mirror/" % base, "BB_FETCH_PREMIRRORONLY": "1"})
    add("checkstatus premirror", [missing], ["checkstatus"],
        vars={"PREMIRRORS": "http://.*/.* %s/mirror/" % base})
    add("checkstatus mirror", [missing], ["checkstatus"],
        vars={"MIRRORS": "http://.*/.* %s/mirror/" % base})
    return cases


def git_cases(repo, revs):
    cases = []
    url = "git://%s;protocol=file;branch=main" % repo

    def add(name, urls, ops=FETCH_UNPACK, **extra):
        case = {"name": name, "urls": urls, "ops": ops}
        case.update(extra)
        cases.append(case)

    add("git old revision", [url], ["localpaths", "download", "unpack"], vars={"SRCREV": revs["old"]},
        checkouts=["git"])
    add("git new revision destsuffix", [url + ";destsuffix=src/tree"], vars={"SRCREV": revs["new"]},
        checkouts=["src/tree"])
    add("git subdir", [url + ";subdir=sub"], vars={"SRCREV": revs["old"]}, checkouts=["sub"])
    add("git twice", [url], ["download", "download", "unpack", "unpack"], vars={"SRCREV": revs["new"]},
        checkouts=["git"])
    add("git nobranch", ["git://%s;protocol=file;nobranch=1" % repo], vars={"SRCREV": revs["side"]},
        checkouts=["git"])
    add("git side branch", ["git://%s;protocol=file;branch=side" % repo], vars={"SRCREV": revs["side"]},
        checkouts=["git"])
    add("git revision not on branch", [url], vars={"SRCREV": revs["side"]})
    add("git unknown revision", [url], vars={"SRCREV": "1" * 40})
    add("git rev parameter", [url + ";rev=" + revs["old"]], checkouts=["git"])
    add("git nocheckout", [url + ";nocheckout=1"], vars={"SRCREV": revs["new"]})
    add("git bareclone", [url + ";bareclone=1"], vars={"SRCREV": revs["new"]})
    add("git default destsuffix variable", [url], vars={"SRCREV": revs["new"],
                                                        "BB_GIT_DEFAULT_DESTSUFFIX": "source"},
        checkouts=["source"])
    add("git mirror tarball", [url], ["download"], vars={"SRCREV": revs["new"],
                                                        "BB_GENERATE_MIRROR_TARBALLS": "1"})
    add("git clean", [url], ["download", "clean"], vars={"SRCREV": revs["new"]})
    add("git no network https", ["git://127.0.0.1/nothing.git;protocol=https;branch=main"],
        vars={"SRCREV": revs["new"], "BB_NO_NETWORK": "1"})
    add("git checkstatus", [url], ["checkstatus"], vars={"SRCREV": revs["new"]})
    add("git premirror missing", ["git://example.invalid/repo.git;protocol=https;branch=main"],
        vars={"SRCREV": revs["new"], "BB_NO_NETWORK": "1",
              "PREMIRRORS": "git://.*/.* file://@FIXTURES@/nothing/"})
    add("git premirror tarball", ["git://example.invalid/repo.git;protocol=https;branch=main"],
        vars={"SRCREV": revs["old"], "BB_NO_NETWORK": "1",
              "PREMIRRORS": "git://.*/.* file://@FIXTURES@/gitmirror/"}, checkouts=["git"])
    add("git shallow", [url], vars={"SRCREV": revs["new"], "BB_GIT_SHALLOW": "1"}, checkouts=["git"])
    add("git shallow depth 2 no tarball", [url], vars={"SRCREV": revs["new"], "BB_GIT_SHALLOW": "1",
                                                      "BB_GIT_SHALLOW_DEPTH": "2",
                                                      "BB_GENERATE_SHALLOW_TARBALLS": "0"}, checkouts=["git"])
    add("git floating branch unseen", [url], ["init"], vars={"SRCREV": "main"})
    add("git floating branch", [url], vars={"SRCREV": "main", "__BBSRCREV_SEEN": "1"}, checkouts=["git"])
    add("git floating tag-like ref", [url], ["init"], vars={"SRCREV": "nosuchbranch", "__BBSRCREV_SEEN": "1"})
    return cases


def build_cases(base, repo, revs, checksums):
    return file_cases() + http_cases(base, checksums) + git_cases(repo, revs)
