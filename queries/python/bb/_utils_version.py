"""Version comparison and dependency strings for bb.utils (rbake's own implementation).

``bb.utils`` re-exports everything here; metadata should use it through
``bb.utils``.
"""

import collections
import re
import string

import bb

try:
    from bb.filter import filter_proc as _filter_proc
except ImportError:
    # bb.filter is optional here: without it the decorator changes nothing.
    def _filter_proc(*, name=None):
        return lambda func: func


class VersionStringException(Exception):
    """An invalid version specification or comparison operator."""


# A run of digits or of ASCII letters at the start of the text, and the rest.
# "$" may stop before a final newline, which then disappears, and "." does
# not cross a newline, so a newline inside the rest makes the match fail:
# this is what BitBake does, and so do we.
_LEADING_NUMBER = re.compile(r'(\d+)(.*)$')
_LEADING_WORD = re.compile(r'([a-zA-Z]+)(.*)$')

# The rank of a version piece: "~" sorts before the end of a version, which
# sorts like a number, then letters, then any other character.
_RANK_TILDE = -1
_RANK_NUMBER = 0
_RANK_WORD = 1
_RANK_OTHER = 2
_END = (_RANK_NUMBER, None)


def explode_version(s):
    """Split a version into (rank, piece) pairs: numbers, words, single characters."""
    pieces = []
    while s != '':
        first = s[0]
        if first in string.digits:
            match = _LEADING_NUMBER.match(s)
            pieces.append((_RANK_NUMBER, int(match.group(1))))
            s = match.group(2)
        elif first in string.ascii_letters:
            match = _LEADING_WORD.match(s)
            pieces.append((_RANK_WORD, match.group(1)))
            s = match.group(2)
        else:
            pieces.append((_RANK_TILDE if first == '~' else _RANK_OTHER, first))
            s = s[1:]
    return pieces


def split_version(s):
    """Split "[PE:]PV[-PR]" into ``(pe, pv, pr)``; ``pe`` is an int, 0 by default.

    Surrounding spaces and "<", ">", "=" characters are ignored.
    """
    s = s.strip(" <>=")
    epoch = 0
    if ':' in s:
        fields = s.split(":")
        epoch = int(fields[0])
        s = fields[1]
    revision = ""
    if '-' in s:
        s, revision = s.rsplit("-", 1)
    return (epoch, s, revision)


def vercmp_part(a, b):
    """Compare two version components; returns -1, 0 or 1."""
    left = explode_version(a)
    right = explode_version(b)
    index = 0
    while True:
        rank_a, piece_a = left[index] if index < len(left) else _END
        rank_b, piece_b = right[index] if index < len(right) else _END
        index += 1
        if piece_a is None and piece_b is None and rank_a == rank_b == _RANK_NUMBER:
            return 0
        if rank_a != rank_b:
            return -1 if rank_a < rank_b else 1
        # Same rank: an ended version is older than one that goes on.
        if piece_a is None:
            return -1
        if piece_b is None:
            return 1
        if piece_a != piece_b:
            return -1 if piece_a < piece_b else 1


def vercmp(ta, tb):
    """Compare two ``(pe, pv, pr)`` tuples.

    Returns the difference of the epochs when they differ (which may be
    more than 1 in size), else -1, 0 or 1 from the versions, then revisions.
    """
    (epoch_a, version_a, revision_a) = ta
    (epoch_b, version_b, revision_b) = tb
    result = int(epoch_a or 0) - int(epoch_b or 0)
    if result == 0:
        result = vercmp_part(version_a, version_b)
    if result == 0:
        result = vercmp_part(revision_a, revision_b)
    return result


def vercmp_string(a, b):
    """Compare two version strings with ``split_version()`` and ``vercmp()``."""
    return vercmp(split_version(a), split_version(b))


def vercmp_string_op(a, b, op):
    """Whether ``a op b`` holds, for op in =, ==, <=, >=, >, >>, <, <<, !=."""
    result = vercmp_string(a, b)
    if op in ('=', '=='):
        return result == 0
    if op == '<=':
        return result <= 0
    if op == '>=':
        return result >= 0
    if op in ('>', '>>'):
        return result > 0
    if op in ('<', '<<'):
        return result < 0
    if op == '!=':
        return result != 0
    raise VersionStringException('Unsupported comparison operator "%s"' % op)


@_filter_proc(name="bb.utils.explode_deps")
def explode_deps(s):
    """The names in an RDEPENDS-style string, without version constraints."""
    names = []
    in_constraint = False
    for word in s.split():
        if word[0] == '(':
            in_constraint = True
        if not in_constraint:
            names.append(word)
        elif word.endswith(')'):
            in_constraint = False
    return names


# Comparison operators accepted in "(op version)"; two-character ones first.
_TWO_CHAR_OPERATORS = ('<=', '=<', '<<', '==', '!=', '>=', '=>', '>>')
_ONE_CHAR_OPERATORS = ('<', '>', '=')


def explode_dep_versions2(s, *, sort=True):
    """Map each name of an RDEPENDS-style string to its list of constraints.

    A constraint is "op version", e.g. ">= 1.0". Commas are ignored. The
    result is an ``OrderedDict``, sorted by name unless ``sort`` is false.
    Raises ``VersionStringException`` for a constraint without an operator.
    """
    result = collections.OrderedDict()
    name = None
    operator = ""
    version = ""
    expect_operator = False
    in_constraint = False
    for word in s.replace(",", "").split():
        if word[0] == '(':
            expect_operator = True
            word = word[1:].strip()
            if not word:
                continue

        if expect_operator:
            expect_operator = False
            in_constraint = True
            if word.startswith(_TWO_CHAR_OPERATORS):
                operator, word = word[:2], word[2:]
            elif word.startswith(_ONE_CHAR_OPERATORS):
                operator, word = word[:1], word[1:]
            else:
                raise VersionStringException(
                    'Invalid version specification in "(%s" - invalid or missing operator' % word)
            if not word:
                continue

        if in_constraint:
            if word.endswith(')'):
                word = word[:-1]
                in_constraint = False
                if version and word:
                    version += " "
            if word:
                # Every word of a multi-word version records what has been
                # read so far.
                version += word
                result.setdefault(name, []).append(operator + " " + version)
            continue

        name = word
        operator = ""
        version = ""
        if not result.get(word):
            result[word] = []

    if sort:
        result = collections.OrderedDict(sorted(result.items(), key=lambda item: item[0]))
    return result


def explode_dep_versions(s):
    """Like ``explode_dep_versions2()``, with one constraint (or None) per name.

    A name with several constraints keeps the first, with a warning.
    """
    result = explode_dep_versions2(s)
    for name in result:
        constraints = result[name]
        if not constraints:
            result[name] = None
            continue
        if len(constraints) > 1:
            bb.warn("explode_dep_versions(): Item %s appeared in dependency string '%s' multiple times "
                    "with different values.  explode_dep_versions cannot cope with this." % (name, s))
        result[name] = constraints[0]
    return result


def join_deps(deps, commasep=True):
    """Turn the result of ``explode_dep_versions*()`` back into a string."""
    words = []
    for name in deps:
        constraint = deps[name]
        if not constraint:
            words.append(name)
        elif isinstance(constraint, list):
            words.extend(name + " (" + item + ")" for item in constraint)
        else:
            words.append(name + " (" + constraint + ")")
    return (", " if commasep else " ").join(words)


_SEMVER = re.compile(r"""
    ^
    (0|[1-9]\d*) \. (0|[1-9]\d*) \. (0|[1-9]\d*)
    (?: - (
        (?: 0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]* )
        (?: \. (?: 0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]* ) )*
    ))?
    (?: \+ (
        [0-9a-zA-Z-]+
        (?: \. [0-9a-zA-Z-]+ )*
    ))?
    $
    """, re.VERBOSE)


def is_semver(version):
    """Whether ``version`` is a semantic version (https://semver.org, 2.0.0)."""
    return _SEMVER.match(version) is not None
