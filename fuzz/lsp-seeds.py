#!/usr/bin/env python3
"""Writes seed sessions for the `lsp` fuzz target into corpus/lsp/: frames
as a client writes them (the target sends initialize itself), opening a
small recipe and asking what the server answers."""
import json
import os
import sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "lsp")
os.makedirs(out, exist_ok=True)
URI = "file:///tmp/rbake-fuzz-layer/recipes/a_1.0.bb"
TEXT = ('inherit base\nrequire b.inc\nA = "x ${B} ${@d.getVar(\'C\')}"\n'
        'A:append:class-native[doc] += "y"\ndo_install() {\n    echo ${D} \u00e9\n}\n'
        'python do_p() {\n    bb.note("x")\n}\naddtask p after do_install\n'
        'do_p[depends] += "a:do_install"\ndef f(d):\n    return 1\n')


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request(id, method, params):
    return frame({"jsonrpc": "2.0", "id": id, "method": method, "params": params})


def notify(method, params):
    return frame({"jsonrpc": "2.0", "method": method, "params": params})


def at(line, character):
    return {"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}


open_doc = notify("textDocument/didOpen", {"textDocument": {
    "uri": URI, "languageId": "bitbake", "version": 1, "text": TEXT}})
change = notify("textDocument/didChange", {
    "textDocument": {"uri": URI, "version": 2},
    "contentChanges": [{"range": {"start": {"line": 2, "character": 5},
                                  "end": {"line": 2, "character": 6}}, "text": "\u00e9\r\nZ"}]})
whole = {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}
seeds = {
    "hover": open_doc + request(1, "textDocument/hover", at(2, 0)),
    "definition": open_doc + request(1, "textDocument/definition", at(1, 9)),
    "references": open_doc + request(1, "textDocument/references",
                                     dict(at(12, 5), context={"includeDeclaration": True})),
    "completion": open_doc + request(1, "textDocument/completion", at(3, 22)),
    "symbols": open_doc + request(1, "textDocument/documentSymbol", {"textDocument": {"uri": URI}}),
    "inlay": open_doc + request(1, "textDocument/inlayHint", {"textDocument": {"uri": URI}, "range": whole}),
    "semantic": open_doc + request(1, "textDocument/semanticTokens/full", {"textDocument": {"uri": URI}}),
    "stale": open_doc + request(1, "textDocument/hover", at(2, 0)) + change
    + request(2, "textDocument/hover", at(2, 0)) + notify("$/cancelRequest", {"id": 2}),
    "context": open_doc + request(1, "workspace/executeCommand",
                                  {"command": "rbake.setContext", "arguments": ["a"]}),
    "lifecycle": open_doc + notify("textDocument/didSave", {"textDocument": {"uri": URI}})
    + notify("textDocument/didClose", {"textDocument": {"uri": URI}})
    + request(1, "shutdown", None) + notify("exit", None),
    "broken": b"Content-Length: 9\r\n\r\n{not json" + frame({"jsonrpc": "2.0", "id": [1]}),
}
for name, data in list(seeds.items()):
    # The same session as one body a line (the target frames each).
    bodies, rest = [], data
    while rest.startswith(b"Content-Length: "):
        header, _, rest = rest.partition(b"\r\n\r\n")
        length = int(header.split(b":")[1])
        bodies.append(rest[:length])
        rest = rest[length:]
    if bodies and not rest and all(b"\n" not in body for body in bodies):
        seeds[name + "-lines"] = b"\n".join(bodies)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}", file=sys.stderr)
