"""The commands a piece of shell code runs, for ``bb.data.emit_func``.

BitBake finds the commands of a shell function with a full shell parser
(``bb.codeparser.ShellParser``); rbake's parser lives on its Rust side and
is not reachable from Python, so this module scans shell text itself. It
knows what decides whether a word is a command: separators (newline, ``;``,
``&``, ``|``, parentheses, braces), reserved words, ``for``/``case``
headers, assignments before a command, redirections and their targets,
quoting, comments, here-documents, and command substitutions (``$(...)``
and backquotes, scanned in turn). Like BitBake's parser it leaves out
commands whose name starts with ``$``, parses the arguments of ``eval`` as
shell, and does not count functions the code defines itself. Bash's
``function NAME`` syntax is read as BitBake's parser reads it: "function"
is a command.
"""

_RESERVED_COMMAND_START = {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}",
                           "fi", "done", "esac", "time"}
_SEPARATORS = set(";&|()\n")
_WORD_END = set(" \t\n;&|()<>")


def shell_commands(text):
    """The set of literal command names ``text`` runs, minus the functions it defines."""
    scanner = _Scanner(text)
    scanner.run()
    return scanner.execs - scanner.funcdefs


def _is_assignment(word):
    name, eq, _ = word.partition("=")
    return bool(eq) and name.replace("_", "a").isalnum() and not name[0].isdigit()


class _Scanner:
    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.execs = set()
        self.funcdefs = set()
        self.heredocs = []

    # --- reading -----------------------------------------------------------

    def _skip_quoted(self, quote):
        """Skip past the closing ``quote``; scans substitutions inside double quotes."""
        text = self.text
        self.pos += 1
        while self.pos < len(text):
            char = text[self.pos]
            if quote == "'" and char == "'":
                self.pos += 1
                return
            if quote == '"':
                if char == "\\":
                    self.pos += 2
                    continue
                if char == '"':
                    self.pos += 1
                    return
                if char == "$" or char == "`":
                    self._substitution()
                    continue
            self.pos += 1

    def _matching(self, open_char, close_char):
        """The end (index after) of a bracketed region starting at self.pos (an ``open_char``)."""
        text = self.text
        depth = 0
        index = self.pos
        while index < len(text):
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if char in "'\"":
                end = text.find(char, index + 1)
                while char == '"' and end > 0 and text[end - 1] == "\\":
                    end = text.find(char, end + 1)
                index = len(text) if end < 0 else end + 1
                continue
            if char == open_char:
                depth += 1
            elif char == close_char:
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return len(text)

    def _substitution(self):
        """At ``$`` or a backquote: scan a command substitution, skip other expansions."""
        text = self.text
        if text[self.pos] == "`":
            end = self.pos + 1
            while end < len(text) and text[end] != "`":
                end += 2 if text[end] == "\\" else 1
            _scan_into(self, text[self.pos + 1:end])
            self.pos = end + 1
            return
        following = text[self.pos + 1:self.pos + 3]
        if following.startswith("(("):
            self.pos += 1
            self.pos = self._matching("(", ")")
        elif following.startswith("("):
            self.pos += 1
            end = self._matching("(", ")")
            _scan_into(self, text[self.pos + 1:end - 1])
            self.pos = end
        elif following.startswith("{"):
            self.pos += 1
            self.pos = self._matching("{", "}")
        else:
            self.pos += 1

    def _word(self):
        """Read one word (quotes and substitutions included, scanned as they pass)."""
        text = self.text
        start = self.pos
        while self.pos < len(text) and text[self.pos] not in _WORD_END:
            char = text[self.pos]
            if char == "\\":
                self.pos += 2
            elif char in "'\"":
                self._skip_quoted(char)
            elif char in "$`":
                self._substitution()
            else:
                self.pos += 1
        return text[start:self.pos]

    def _skip_heredocs(self):
        """At a newline: skip the bodies of pending here-documents."""
        text = self.text
        for delimiter, strip_tabs in self.heredocs:
            while self.pos < len(text):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                line = text[self.pos:end]
                self.pos = end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.heredocs = []

    # --- the grammar, as far as command positions go ----------------------------

    def run(self):
        text = self.text
        command_position = True
        mode = None          # "for", "case-word", "case-pattern" or None
        words_of_command = None  # the words of an eval command, to parse again
        redirect_target = False
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t":
                self.pos += 1
                continue
            if char == "\\" and text[self.pos + 1:self.pos + 2] == "\n":
                self.pos += 2
                continue
            if char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
                continue
            if char in "<>":
                operator_end = self.pos + 1
                while operator_end < len(text) and text[operator_end] in "<>&|-":
                    operator_end += 1
                operator = text[self.pos:operator_end]
                self.pos = operator_end
                if operator.startswith("<<") and not operator.startswith("<<<"):
                    while self.pos < len(text) and text[self.pos] in " \t":
                        self.pos += 1
                    delimiter = self._word()
                    for quote in "'\"\\":
                        delimiter = delimiter.replace(quote, "")
                    self.heredocs.append((delimiter, operator == "<<-"))
                else:
                    redirect_target = True
                continue
            if char in _SEPARATORS:
                if words_of_command:
                    _scan_into(self, " ".join(words_of_command))
                words_of_command = None
                self.pos += 1
                if char == "\n":
                    self._skip_heredocs()
                if mode == "case-pattern" and char == ")":
                    mode = "case-body"
                elif mode == "case-body" and char == ";" and text[self.pos:self.pos + 1] == ";":
                    self.pos += 1
                    mode = "case-pattern"
                elif mode == "for" and char in ";\n":
                    mode = None
                command_position = mode not in ("case-pattern", "for", "case-word")
                continue
            if char.isdigit() and text[self.pos + 1:self.pos + 2] in ("<", ">"):
                self.pos += 1
                continue

            word = self._word()
            if not word:
                self.pos += 1
                continue
            if redirect_target:
                redirect_target = False
                continue
            if words_of_command is not None:
                words_of_command.append(word)
                continue
            if mode == "case-word":
                if word == "in":
                    mode = "case-pattern"
                continue
            if mode == "case-pattern":
                if word == "esac":
                    mode = None
                    command_position = False
                continue
            if mode == "for":
                if word == "do":
                    mode = None
                    command_position = True
                continue
            if not command_position:
                if word == "esac" and mode == "case-body":
                    mode = None
                continue
            if mode == "case-body" and word == "esac":
                mode = None
                command_position = False
                continue
            if word in ("for", "select"):
                mode = "for"
                continue
            if word == "case":
                mode = "case-word"
                continue
            if word in _RESERVED_COMMAND_START:
                continue
            if _is_assignment(word):
                continue
            rest = text[self.pos:self.pos + 40].lstrip(" \t")
            if rest.startswith("()") or rest.startswith("( )"):
                self.funcdefs.add(word)
                continue
            command_position = False
            if word.startswith("$"):
                continue
            if word == "eval":
                words_of_command = []
                continue
            self.execs.add(word)
        if words_of_command:
            _scan_into(self, " ".join(words_of_command))


def _scan_into(scanner, text):
    """Scan ``text`` (a command substitution or eval'd code) into ``scanner``'s sets."""
    inner = _Scanner(text)
    inner.run()
    scanner.execs |= inner.execs
    scanner.funcdefs |= inner.funcdefs
