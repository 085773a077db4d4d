"""Log levels, formatters and filters (rbake's own implementation of BitBake's bb.msg API)."""

import copy
import logging
import os
import sys
from itertools import groupby


class BBLogFormatter(logging.Formatter):
    """Formats records with BitBake's level names; "plain" records stay bare."""

    DEBUG3 = logging.DEBUG - 2
    DEBUG2 = logging.DEBUG - 1
    DEBUG = logging.DEBUG
    VERBOSE = logging.INFO - 1
    NOTE = logging.INFO
    PLAIN = logging.INFO + 1
    VERBNOTE = logging.INFO + 2
    ERROR = logging.ERROR
    ERRORONCE = logging.ERROR - 1
    WARNING = logging.WARNING
    WARNONCE = logging.WARNING - 1
    CRITICAL = logging.CRITICAL

    levelnames = {
        DEBUG3: 'DEBUG',
        DEBUG2: 'DEBUG',
        DEBUG: 'DEBUG',
        VERBOSE: 'NOTE',
        NOTE: 'NOTE',
        PLAIN: '',
        VERBNOTE: 'NOTE',
        WARNING: 'WARNING',
        WARNONCE: 'WARNING',
        ERROR: 'ERROR',
        ERRORONCE: 'ERROR',
        CRITICAL: 'ERROR',
    }

    color_enabled = False
    BASECOLOR, BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE = list(range(29, 38))

    COLORS = {
        DEBUG3: CYAN,
        DEBUG2: CYAN,
        DEBUG: CYAN,
        VERBOSE: BASECOLOR,
        NOTE: BASECOLOR,
        PLAIN: BASECOLOR,
        VERBNOTE: BASECOLOR,
        WARNING: YELLOW,
        WARNONCE: YELLOW,
        ERROR: RED,
        ERRORONCE: RED,
        CRITICAL: RED,
    }

    BLD = '\033[1;%dm'
    STD = '\033[%dm'
    RST = '\033[0m'

    def getLevelName(self, levelno):
        name = self.levelnames.get(levelno)
        if name is None:
            name = self.levelnames[levelno] = 'Level %d' % levelno
        return name

    def format(self, record):
        record.levelname = self.getLevelName(record.levelno)
        if record.levelno == self.PLAIN:
            text = record.getMessage()
        else:
            if self.color_enabled:
                record = self.colorize(record)
            text = logging.Formatter.format(self, record)
        extra = getattr(record, 'bb_exc_formatted', None)
        if extra is not None:
            text += '\n' + ''.join(extra)
        return text

    def colorize(self, record):
        color = self.COLORS[record.levelno]
        if self.color_enabled and color is not None:
            record = copy.copy(record)
            record.levelname = self.BLD % color + record.levelname + self.RST
            record.msg = self.STD % color + record.msg + self.RST
        return record

    def enable_color(self):
        self.color_enabled = True

    def __repr__(self):
        return "%s fmt='%s' color=%s" % (type(self).__name__, self._fmt,
                                         "True" if self.color_enabled else "False")


class BBLogFilter(object):
    """Lets through records at ``level`` or above, or at a domain's own debug level."""

    def __init__(self, handler, level, debug_domains):
        self.stdlevel = level
        self.debug_domains = debug_domains
        lowest = min([level] + list(debug_domains.values()))
        handler.setLevel(lowest)
        handler.addFilter(self)

    def filter(self, record):
        if record.levelno >= self.stdlevel:
            return True
        domain_level = self.debug_domains.get(record.name)
        return domain_level is not None and record.levelno >= domain_level


class LogFilterShowOnce(logging.Filter):
    """Drops repeats of "warn once" and "error once" messages."""

    def __init__(self):
        self.seen_warnings = set()
        self.seen_errors = set()

    def filter(self, record):
        if record.levelno == BBLogFormatter.WARNONCE:
            seen = self.seen_warnings
        elif record.levelno == BBLogFormatter.ERRORONCE:
            seen = self.seen_errors
        else:
            return True
        if record.msg in seen:
            return False
        seen.add(record.msg)
        return True


class LogFilterGEQLevel(logging.Filter):
    """Keeps records at or above a level."""

    def __init__(self, level):
        self.strlevel = str(level)
        self.level = stringToLevel(level)

    def __repr__(self):
        return "%s level >= %s (%d)" % (type(self).__name__, self.strlevel, self.level)

    def filter(self, record):
        return record.levelno >= self.level


class LogFilterLTLevel(logging.Filter):
    """Keeps records below a level."""

    def __init__(self, level):
        self.strlevel = str(level)
        self.level = stringToLevel(level)

    def __repr__(self):
        return "%s level < %s (%d)" % (type(self).__name__, self.strlevel, self.level)

    def filter(self, record):
        return record.levelno < self.level


# The level below which debug messages are dropped, and per-logger overrides
# ("BitBake.<domain>" -> level). init_msgconfig() sets both.
loggerDefaultLogLevel = BBLogFormatter.NOTE
loggerDefaultDomains = {}


def init_msgconfig(verbose, debug, debug_domains=None):
    """Set the default log level from -v / -D style options."""
    global loggerDefaultLogLevel, loggerDefaultDomains
    if debug:
        loggerDefaultLogLevel = BBLogFormatter.DEBUG - debug + 1
    elif verbose:
        loggerDefaultLogLevel = BBLogFormatter.VERBOSE
    else:
        loggerDefaultLogLevel = BBLogFormatter.NOTE

    loggerDefaultDomains = {}
    if debug_domains:
        # Each repetition of a domain lowers its level by one.
        for domain, repeats in groupby(debug_domains):
            count = len(tuple(repeats))
            loggerDefaultDomains["BitBake.%s" % domain] = logging.DEBUG - count + 1


def constructLogOptions():
    return loggerDefaultLogLevel, loggerDefaultDomains


def addDefaultlogFilter(handler, cls=BBLogFilter, forcelevel=None):
    level, domains = constructLogOptions()
    if forcelevel is not None:
        level = forcelevel
    cls(handler, level, domains)


def stringToLevel(level):
    """A level number from a number, a ``logging`` name or a ``BBLogFormatter`` name."""
    try:
        return int(level)
    except ValueError:
        pass
    if hasattr(logging, level):
        return getattr(logging, level)
    return getattr(BBLogFormatter, level)


def fatal(msgdomain, msg):
    """Log ``msg`` as critical in the given domain and exit with status 1."""
    name = "BitBake.%s" % msgdomain if msgdomain else "BitBake"
    logging.getLogger(name).critical(msg)
    sys.exit(1)


def logger_create(name, output=sys.stderr, level=logging.INFO, preserve_handlers=False, color='auto'):
    """A logger that writes BitBake-formatted records to ``output``."""
    new_logger = logging.getLogger(name)
    console = logging.StreamHandler(output)
    console.addFilter(LogFilterShowOnce())
    formatter = BBLogFormatter("%(levelname)s: %(message)s")
    use_color = color == 'always' or (
        color == 'auto' and output.isatty() and os.environ.get('NO_COLOR', '') == '')
    if use_color:
        formatter.enable_color()
    console.setFormatter(formatter)
    if preserve_handlers:
        new_logger.addHandler(console)
    else:
        new_logger.handlers = [console]
    new_logger.setLevel(level)
    return new_logger


def has_console_handler(target):
    """Whether ``target`` already writes to stdout or stderr."""
    return any(isinstance(handler, logging.StreamHandler)
               and handler.stream in (sys.stderr, sys.stdout)
               for handler in target.handlers)


def mergeLoggingConfig(logconfig, userconfig):
    """Merge a user logging configuration into BitBake's default one."""
    merged = copy.deepcopy(logconfig)
    user = copy.deepcopy(userconfig)

    if user.get('version') != merged['version']:
        raise BaseException("Bad user configuration version. Expected %r, got %r"
                            % (merged['version'], user.get('version')))

    user.setdefault("loggers", {})

    # User handlers, formatters and filters replace default ones of the same name.
    for section in ("handlers", "formatters", "filters"):
        merged.setdefault(section, {}).update(user.get(section, {}))

    merged_names = set()
    for name, entry in merged["loggers"].items():
        # A default logger with bitbake_merge false is replaced outright by
        # the user's one, if any; the others are merged.
        if not entry.get('bitbake_merge', True):
            continue
        user_entry = user["loggers"].setdefault(name, {})
        user_entry.setdefault("handlers", [])
        user_entry.setdefault("filters", [])
        entry.setdefault("handlers", []).extend(user_entry["handlers"])
        entry.setdefault("filters", []).extend(user_entry["filters"])
        for key in ("level", "propagate"):
            if key in user_entry:
                entry[key] = user_entry[key]
        merged_names.add(name)

    for name in set(user["loggers"].keys()) - merged_names:
        merged["loggers"][name] = user["loggers"][name]

    return merged


def setLoggingConfig(defaultconfig, userconfigfile=None):
    """Apply a logging configuration, optionally merged with a user file."""
    global loggerDefaultDomains
    logconfig = copy.deepcopy(defaultconfig)

    if userconfigfile:
        with open(os.path.normpath(userconfigfile), 'r') as f:
            if userconfigfile.endswith(('.yml', '.yaml')):
                import yaml
                userconfig = yaml.safe_load(f)
            elif userconfigfile.endswith(('.json', '.cfg')):
                import json
                userconfig = json.load(f)
            else:
                raise BaseException("Unrecognized file format: %s" % userconfigfile)

            if userconfig.get('bitbake_merge', True):
                logconfig = mergeLoggingConfig(logconfig, userconfig)
            else:
                logconfig = userconfig

    # Levels may be given by BitBake name; turn them all into numbers. Each
    # handler also gets its own "show once" filter.
    for name, handler in logconfig["handlers"].items():
        if "level" in handler:
            handler["level"] = stringToLevel(handler["level"])
        once_filter = name + ".showonceFilter"
        logconfig.setdefault("filters", {})[once_filter] = {"()": "bb.msg.LogFilterShowOnce"}
        handler.setdefault("filters", []).append(once_filter)

    for entry in logconfig["loggers"].values():
        if "level" in entry:
            entry["level"] = stringToLevel(entry["level"])

    import logging.config
    conf = logging.config.dictConfigClass(logconfig)
    conf.configure()

    # A BitBake domain configured more verbose than its current level gets
    # that level as its debug domain level.
    for name, entry in logconfig["loggers"].items():
        if not name.startswith("BitBake.") or "level" not in entry:
            continue
        current = loggerDefaultDomains.get(name)
        wanted = int(entry["level"])
        if current is None or wanted < current:
            loggerDefaultDomains[name] = wanted

    return conf
