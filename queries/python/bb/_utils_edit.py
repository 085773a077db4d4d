"""Rewriting variable assignments in metadata files, for bb.utils (rbake's own implementation).

``bb.utils`` re-exports everything here; metadata should use it through
``bb.utils``.
"""

import fnmatch
import os
import re

import bb

# The patterns below keep BitBake's exact character classes, quirks included,
# so that the same lines match: "[ \\t]" holds a space, a backslash and the
# letter t (not a tab), and "9-_" in the override class is a range.
_OVERRIDE_SUFFIX = r'(_[a-zA-Z0-9-_$(){}]+)?'
_FUNCTION_START = r'^(%s%s)[ \\t]*\([ \\t]*\)[ \\t]*{'
_ASSIGNMENT_START = r'^(%s%s)[ \\t]*[?+:.]*=[+.]*[ \\t]*(["\'])'


def _render_assignment(varname, start, newvalue, indent, minbreak):
    """The lines for a rewritten assignment or function whose head is ``start``."""
    if isinstance(indent, int):
        pad = ' ' * (len(start) + 2) if indent == -1 else ' ' * indent
    else:
        pad = indent

    if varname.endswith('()'):
        if isinstance(newvalue, list):
            return ['%s {\n%s%s\n}\n' % (start, pad, ('\n' + pad).join(newvalue))]
        if not newvalue.startswith('\n'):
            newvalue = '\n' + newvalue
        if not newvalue.endswith('\n'):
            newvalue += '\n'
        return ['%s {%s}\n' % (start, newvalue)]

    if not isinstance(newvalue, list):
        return ['%s "%s"\n' % (start, newvalue)]
    if not newvalue:
        return ['%s ""\n' % start]
    if minbreak:
        # The first item stays on the assignment line.
        if len(newvalue) == 1:
            return ['%s "%s"\n' % (start, newvalue[0])]
        lines = ['%s "%s \\\n' % (start, newvalue[0])]
        items = newvalue[1:]
    else:
        lines = ['%s " \\\n' % start]
        items = newvalue
    lines.extend('%s%s \\\n' % (pad, item) for item in items)
    lines.append('%s"\n' % pad)
    return lines


def edit_metadata(meta_lines, variables, varfunc, match_overrides=False):
    """Rewrite the assignments of some variables in metadata lines.

    ``meta_lines`` are lines with their newlines (a list or an open file).
    ``variables`` are names, or regular expressions, to look for; a name
    ending in "()" means a function. ``varfunc(varname, origvalue, op,
    newlines)`` is called for each assignment found and returns
    ``(newvalue, newop, indent, minbreak)``: a None value drops the
    assignment, a list value is written one item per line, a None op keeps
    the original one, ``indent`` is a number of spaces (-1: line up with the
    opening quote) or a string, and ``minbreak`` puts the first item on the
    assignment line. With ``match_overrides``, names with an "_override"
    suffix match too.

    Returns ``(updated, newlines)``.
    """
    suffix = _OVERRIDE_SUFFIX if match_overrides else ''
    patterns = {}
    for var in variables:
        if var.endswith('()'):
            patterns[var] = re.compile(_FUNCTION_START % (var[:-2].rstrip(), suffix))
        else:
            patterns[var] = re.compile(_ASSIGNMENT_START % (var, suffix))

    newlines = []
    updated = False
    # After a rewritten assignment, one blank line of two in a row is dropped.
    squash_blank = False

    # The assignment being read: its name ("name()" for a function), the text
    # before its value, its original lines, its value so far and the
    # character that ends it.
    current = None
    head = ''
    original = []
    value_so_far = ''
    terminator = ''

    def finish():
        """Call varfunc on the assignment just read; True if newlines changed."""
        before = newlines[:]
        op = head[len(current):].strip()
        newvalue, newop, indent, minbreak = varfunc(current, value_so_far, op, newlines)
        touched = before != newlines
        if newvalue is None:
            return True
        op_changed = newop not in [None, op]
        if newvalue == value_so_far and not op_changed:
            newlines.extend(original)
            return touched
        start = "%s %s" % (current, newop) if op_changed else head
        newlines.extend(_render_assignment(current, start, newvalue, indent, minbreak))
        return True

    for line in meta_lines:
        if current is not None:
            stripped = line.rstrip()
            original.append(line)
            is_function = current.endswith('()')
            if is_function:
                value_so_far += '\n' + stripped
            else:
                # Drop the trailing backslash (or the closing quote).
                value_so_far += stripped[:-1]
            if stripped.endswith(terminator):
                if is_function:
                    if value_so_far.count('{') - value_so_far.count('}') >= 0:
                        continue
                    value_so_far = value_so_far[:-1]
                if finish():
                    updated = True
                    squash_blank = True
                current = None
            continue

        for varname, pattern in patterns.items():
            match = pattern.match(line)
            if not match:
                continue
            is_function = varname.endswith('()')
            if is_function:
                terminator = '}'
                before, after = line.split('{', 1)
            else:
                terminator = match.groups()[-1]
                before, after = line.split(terminator, 1)
            head = before.rstrip()
            first = after.rstrip()
            if not is_function and first.endswith('\\'):
                first = first[:-1]
            value_so_far = first
            original = [line]
            current = match.group(1) + ('()' if is_function else '')
            if first.endswith(terminator):
                value_so_far = value_so_far[:-1]
                if finish():
                    updated = True
                    squash_blank = True
                current = None
            break
        else:
            if squash_blank:
                squash_blank = False
                if newlines and newlines[-1] == '\n' and line == '\n':
                    continue
            newlines.append(line)

    return (updated, newlines)


def edit_metadata_file(meta_file, variables, varfunc):
    """``edit_metadata()`` on a file, which is rewritten only if something changed.

    Returns whether it was rewritten.
    """
    with open(meta_file, 'r') as f:
        (updated, newlines) = edit_metadata(f, variables, varfunc)
    if updated:
        with open(meta_file, 'w') as f:
            f.writelines(newlines)
    return updated


def edit_bblayers_conf(bblayers_conf, add, remove, edit_cb=None):
    """Add and remove layers in the BBLAYERS of a bblayers.conf file.

    ``add`` and ``remove`` are a path, a list of paths or None; removal
    paths may be glob patterns. ``edit_cb(layer, canonical_path)``, if
    given, is called for each remaining layer and returns its new path.
    Returns ``(notadded, notremoved)``: the layers already present and those
    that were not found.
    """
    def strip_sep(path):
        if path and path[-1] == os.sep:
            path = path[:-1]
        return path

    approved = bb.utils.approved_variables()

    def canonical(path):
        path = strip_sep(path)
        if 'HOME' in approved and '~' in path:
            path = os.path.expanduser(path)
        return path

    def as_list(value):
        if not value:
            return []
        if isinstance(value, list):
            return [strip_sep(item) for item in value]
        return [strip_sep(value)]

    to_add = as_list(add)
    to_remove = as_list(remove)

    operations = []
    removed = []
    existing = []
    state = {'plusequals': False}

    def survey(varname, origvalue, op, newlines):
        operations.append(op)
        if op == '=':
            del existing[:]
        existing.extend(canonical(item) for item in origvalue.split())
        return (origvalue, None, 2, False)

    def rewrite(varname, origvalue, op, newlines):
        changed = False
        layers = [strip_sep(item) for item in origvalue.split()]
        for pattern in to_remove:
            for layer in layers:
                if fnmatch.fnmatch(canonical(layer), canonical(pattern)):
                    changed = True
                    layers.remove(layer)
                    removed.append(pattern)
                    break
        if to_add and not state['plusequals']:
            for layer in to_add:
                if layer not in layers:
                    changed = True
                    layers.append(layer)
            del to_add[:]
        if edit_cb:
            edited = []
            for layer in layers:
                result = edit_cb(layer, canonical(layer))
                if result != layer:
                    changed = True
                edited.append(result if result != layer else layer)
            layers = edited
        if not changed:
            return (origvalue, None, 2, False)
        if op == '+=' and not layers:
            layers = None
        return (layers, None, 2, False)

    with open(bblayers_conf, 'r') as f:
        (_, newlines) = edit_metadata(f, ['BBLAYERS'], survey)

    if not operations:
        raise Exception('Unable to find BBLAYERS in %s' % bblayers_conf)

    # With several "+=" lines, new layers go in their own line at the end.
    if operations.count('+=') > 1:
        state['plusequals'] = True

    removing = [canonical(layer) for layer in to_remove]
    notadded = [layer for layer in to_add
                if canonical(layer) in existing and canonical(layer) not in removing]
    skipped = [canonical(layer) for layer in notadded]
    to_add[:] = [layer for layer in to_add if canonical(layer) not in skipped]

    (updated, newlines) = edit_metadata(newlines, ['BBLAYERS'], rewrite)
    if to_add:
        newlines.extend('BBLAYERS += "%s"\n' % layer for layer in to_add)
        updated = True

    if updated:
        with open(bblayers_conf, 'w') as f:
            f.writelines(newlines)

    notremoved = list(set(to_remove) - set(removed))
    return (notadded, notremoved)
