//! Unit tests for `shell_execs`, one construct each. The expected sets are
//! what BitBake's ShellParser gives for the same text.

use super::shell_execs;

fn check(body: &str, expected: &[&str]) {
    let actual = shell_execs(body).unwrap_or_else(|error| panic!("{body:?}: {error}"));
    let actual: Vec<&str> = actual.iter().map(String::as_str).collect();
    assert_eq!(actual, expected, "{body:?}");
}

fn refused(body: &str) {
    assert!(shell_execs(body).is_err(), "{body:?} should be refused, got {:?}", shell_execs(body));
}

#[test]
fn simple_command_name() {
    check("ls -l\n", &["ls"]);
    check("A=1 B=2 cmd arg\n", &["cmd"]);
    check("$CMD arg\n", &[]);
    check("${CMD} arg\n", &[]);
    check("\"echo\" a\n", &["\"echo\""]);
    check("\\rm -f x\n", &["\\rm"]);
}

#[test]
fn assignment_quirk() {
    check("FOO=bar\n", &[]);
    check("FOO=bar cmd\n", &["cmd"]);
    check("FOO=1 BAR=2\n", &[]);
    check("--opt=1 cmd\n", &["cmd"]);
    check("A=1", &[]);
    check("x=$(a) $(b) c\n", &["a"]);
    check("FOO=$(bar) baz\n", &["bar"]);
    check("cmd_name=foo", &["foo"]);
}

#[test]
fn eval() {
    check("eval foo bar\n", &["foo"]);
    check("eval \"foo bar\"\n", &["\"foo bar\""]);
    check("A=1 eval foo\n", &["foo"]);
    check("eval $(a) b\n", &["a"]);
    check("eval\n", &[]);
}

#[test]
fn substitutions() {
    check("echo $(date) `uname`\n", &["date", "echo", "uname"]);
    check("echo \"$(a) `b`\"\n", &["a", "b", "echo"]);
    check("echo ${x:-$(foo)}\n", &["echo"]);
    check("echo \"${y:-$(bar)}\"\n", &["echo"]);
    check("echo '$(no)'\n", &["echo"]);
    check("$(foo) $(bar) baz\n", &["foo"]);
    check("echo $(a $(b))\n", &["a", "b", "echo"]);
    check("x=`a` y\n", &["a"]);
    check("echo $(echo \")\")\n", &["echo"]);
}

#[test]
fn functions() {
    check("f() { g; }\nf\nh\n", &["g", "h"]);
    check("f()\n{\n  cat x\n}\n", &["cat"]);
    check("a | f() { b; }\n", &["a", "b"]);
    check("f() ( sub )\n", &["sub"]);
}

#[test]
fn lists_and_pipelines() {
    check("a && b || c\n", &["a", "b", "c"]);
    check("a | b | c\n", &["a", "b", "c"]);
    check("! a\n", &["a"]);
    check("a & b\n", &["a", "b"]);
    check("a; ; b\n", &["a", "b"]);
    check("a &&\n b\n", &["a", "b"]);
    check("a |\n b\n", &["a", "b"]);
}

#[test]
fn compound_commands() {
    check("( a; b )\n", &["a", "b"]);
    check("{ a; b; }\n", &["a", "b"]);
    check("{ a }\n", &["a"]);
    check("if a; then b; elif c; then d; else e; fi\n", &["a", "b", "c", "d", "e"]);
    check("while read x; do y; done < f\n", &["read", "y"]);
    check("until a; do b; done\n", &["a", "b"]);
    check("for f in $(ls) *.c; do g $f; done\n", &["g", "ls"]);
    check("for x in; do y; done\n", &["y"]);
}

#[test]
fn case_statements() {
    check(
        "case $x in\n  *.so|*.a) strip $x ;;\n  (b) c\n ;;\n  *) d\nesac\n",
        &["c", "d", "strip"],
    );
    check("case $(foo) in a) b;; esac\n", &["b"]);
    check("case x in $(p)) q;; esac\n", &["p", "q"]);
    check("case x in esac\n", &[]);
    check("case x in a) ;; esac\n", &[]);
    // Patterns after a `|` are recorded as the `|` itself.
    check("case x in a|$(p)) q;; esac\n", &["q"]);
}

#[test]
fn redirections() {
    check("a 2>&1 >> log\n", &["a"]);
    check("a > $(b)\n", &["a"]);
    check(">out a\n", &["a"]);
    check("a <in >|out 3<>f\n", &["a"]);
    check("{ a; } > f\n", &["a"]);
}

#[test]
fn here_documents() {
    check("cat <<EOF\n$(not_run)\nEOF\nafter\n", &["after", "cat"]);
    check("cat <<-'EOF' | grep x\n\t$(no)\n\tEOF\n", &["cat", "grep"]);
    check("cat <<A; cat <<B\na\nA\nb\nB\nc\n", &["c", "cat"]);
    check("cat <<\"E F\"\nx\nE F\n", &["cat"]);
}

#[test]
fn comments_and_continuations() {
    check("# $(no)\na # b\n", &["a"]);
    check("ec\\\nho hi\n", &["echo"]);
    check("a \\\n b\n", &["a"]);
    check("a#b\n", &["a#b"]);
    check("echo 'x\\\ny'\n", &["echo"]);
}

#[test]
fn reserved_words_as_arguments() {
    check("echo if then do done for until !\n", &["echo"]);
    check("echo fi\n", &["echo"]);
    check("echo { a; }\n", &["a", "echo"]);
    check("echo x (a)\n", &["a", "echo"]);
    check("echo while a; do b; done\n", &["a", "b", "echo"]);
}

#[test]
fn refused_by_bitbake() {
    refused("echo $((1+2))\n");
    refused("cat <<EOF\nEOF\n");
    refused("cat <<EOF\n");
    refused("echo 'open\n");
    refused("{ a & }\n");
    refused("for x do y; done\n");
    refused("f() { a; } > log\n");
    refused("echo a$ b\n");
    refused("if a then b fi\n");
    refused("f() { echo { a; }; }\n");
    refused("a (b)\n");
    refused("echo for x in y\n");
    refused("cat <<\n");
    refused("a #comment at the end");
    // An unterminated here-document whose content is `;` reads as a separator.
    refused("cat <<E\n;");
    // So is a content of digits when the delimiter is `<`: a file descriptor.
    refused("cat <<\\<\n0\n");
}

#[test]
fn errors_name_their_line() {
    let error = shell_execs("a\nb\necho $((1 + 2))\n").unwrap_err();
    assert_eq!(error.line, 3);
    let error = shell_execs("a\nb $(c\nif)\n").unwrap_err();
    assert_eq!(error.line, 3);
    let error = shell_execs("a\n\nfi\n").unwrap_err();
    assert_eq!(error.line, 3);
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    let braces = format!("{}a{}\n", "{ ".repeat(5000), "; }".repeat(5000));
    refused(&braces);
    let substitutions = format!("echo {}a{}\n", "$(echo ".repeat(5000), ")".repeat(5000));
    refused(&substitutions);
    let quotes = format!("echo {}a{}\n", "\"${x:-".repeat(5000), "}\"".repeat(5000));
    refused(&quotes);
    check(&format!("{}a{}\n", "{ ".repeat(50), "; }".repeat(50)), &["a"]);
}
