"""Task progress reporting (rbake's own implementation of BitBake's bb.progress).

Progress handlers are file-like objects that watch a program's output for
progress information and fire ``bb.build.TaskProgress`` events.
"""

import inspect
import re
import time

import bb
import bb.build
import bb.event
from bb.build import StdoutNoopContextManager

ANSI_ESCAPE_REGEX = re.compile(r'\x1B\[[0-?]*[ -/]*[@-~]')


def filter_color(string):
    """``string`` without ANSI escape sequences."""
    return ANSI_ESCAPE_REGEX.sub('', string)


def filter_color_n(string):
    """(``string`` without ANSI escape sequences, number removed)."""
    return ANSI_ESCAPE_REGEX.subn('', string)


class ProgressHandler:
    """Passes writes through to ``outfile`` (stdout by default) and fires
    progress events, at most one per second unless the value changes."""

    def __init__(self, d, outfile=None):
        self._progress = 0
        self._data = d
        self._lastevent = 0
        self._outfile = outfile if outfile else StdoutNoopContextManager()

    def __enter__(self):
        self._outfile.__enter__()
        return self

    def __exit__(self, *excinfo):
        self._outfile.__exit__(*excinfo)

    def _fire_progress(self, taskprogress, rate=None):
        bb.event.fire(bb.build.TaskProgress(taskprogress, rate), self._data)

    def write(self, string):
        self._outfile.write(string)

    def flush(self):
        self._outfile.flush()

    def update(self, progress, rate=None):
        now = time.time()
        progress = min(progress, 100)
        if progress != self._progress or self._lastevent + 1 < now:
            self._fire_progress(progress, rate)
            self._lastevent = now
            self._progress = progress


class LineFilterProgressHandler(ProgressHandler):
    """Hands complete lines (without what precedes a carriage return) to
    writeline(); a line is kept in the output when writeline() returns true."""

    def __init__(self, d, outfile=None):
        self._linebuffer = ''
        super().__init__(d, outfile)

    def write(self, string):
        self._linebuffer += string
        while True:
            end = self._linebuffer.find('\n') + 1
            if end == 0:
                end = self._linebuffer.find('\r') + 1
                if end == 0:
                    break
            line, self._linebuffer = self._linebuffer[:end], self._linebuffer[end:]
            start = line.rfind('\r') + 1
            if start and start != end:
                line = line[start:]
            if self.writeline(filter_color(line)):
                super().write(line)

    def writeline(self, line):
        return True


class BasicProgressHandler(ProgressHandler):
    """Progress from the last percentage (``regex`` group) in the output."""

    def __init__(self, d, regex=r'(\d+)%', outfile=None):
        super().__init__(d, outfile)
        self._regex = re.compile(regex)
        self._fire_progress(0)

    def write(self, string):
        found = self._regex.findall(filter_color(string))
        if found:
            self.update(int(found[-1]))
        super().write(string)


class OutOfProgressHandler(ProgressHandler):
    """Progress from the last "N of M" match (two ``regex`` groups) in the output."""

    def __init__(self, d, regex, outfile=None):
        super().__init__(d, outfile)
        self._regex = re.compile(regex)
        self._fire_progress(0)

    def write(self, string):
        found = self._regex.findall(filter_color(string))
        if found:
            done, total = found[-1][0], found[-1][1]
            self.update(float(done) / float(total) * 100)
        super().write(string)


class MultiStageProgressReporter:
    """Overall progress of work split into weighted stages.

    ``stage_weights`` are relative durations of the stages.  Call
    next_stage() before each stage (including the first) and update()
    within it.  With ``debug``, finish() prints measured weights.
    """

    def __init__(self, d, stage_weights, debug=False):
        self._data = d
        total = sum(stage_weights)
        self._stage_weights = [float(w) / total for w in stage_weights]
        self._stage = -1
        self._base_progress = 0
        self._fire_progress(0)
        self._debug = debug
        self._finished = False
        if debug:
            self._last_time = time.time()
            self._stage_times = []
            self._stage_total = None
            self._callers = []

    def __enter__(self):
        return self

    def __exit__(self, *excinfo):
        pass

    def _fire_progress(self, taskprogress):
        bb.event.fire(bb.build.TaskProgress(taskprogress), self._data)

    def next_stage(self, stage_total=None):
        self._stage += 1
        self._stage_total = stage_total
        if self._stage == 0:
            if self._debug:
                self._last_time = time.time()
            return
        if self._stage < len(self._stage_weights):
            self._base_progress = sum(self._stage_weights[:self._stage]) * 100
            if self._debug:
                now = time.time()
                self._stage_times.append(now - self._last_time)
                self._last_time = now
                self._callers.append(inspect.getouterframes(inspect.currentframe())[1])
        elif not self._debug:
            bb.warn('ProgressReporter: current stage beyond declared number of stages')
            self._base_progress = 100
        self._fire_progress(self._base_progress)

    def update(self, stage_progress):
        if self._stage_total:
            stage_progress = float(stage_progress) / self._stage_total * 100
        progress = None
        if self._stage < 0:
            bb.warn('ProgressReporter: update called before first call to next_stage()')
        elif self._stage < len(self._stage_weights):
            progress = self._base_progress + stage_progress * self._stage_weights[self._stage]
        else:
            progress = self._base_progress
        if progress:
            self._fire_progress(min(progress, 100))

    def finish(self):
        if self._finished:
            return
        self._finished = True
        if not self._debug:
            return
        import math
        self._stage_times.append(time.time() - self._last_time)
        shortest = max(min(self._stage_times), 0.01)
        self._callers.append(None)
        weights = [int(math.ceil(t / shortest)) for t in self._stage_times]
        bb.warn('Stage weights: %s' % weights)
        lines = []
        for weight, caller in zip(weights, self._callers):
            if caller:
                lines.append('Up to %s:%d: %d' % (caller[1], caller[2], weight))
            else:
                lines.append('Up to finish: %d' % weight)
        bb.warn('Stage times:\n  %s' % '\n  '.join(lines))


class MultiStageProcessProgressReporter(MultiStageProgressReporter):
    """A MultiStageProgressReporter that reports through Process* events."""

    def __init__(self, d, processname, stage_weights, debug=False):
        self._processname = processname
        self._started = False
        super().__init__(d, stage_weights, debug)

    def start(self):
        if not self._started:
            bb.event.fire(bb.event.ProcessStarted(self._processname, 100), self._data)
            self._started = True

    def _fire_progress(self, taskprogress):
        if taskprogress == 0:
            self.start()
            return
        bb.event.fire(bb.event.ProcessProgress(self._processname, taskprogress), self._data)

    def finish(self):
        MultiStageProgressReporter.finish(self)
        bb.event.fire(bb.event.ProcessFinished(self._processname), self._data)


class DummyMultiStageProcessProgressReporter(MultiStageProgressReporter):
    """Accepts the reporter calls and does nothing."""

    def __init__(self):
        super().__init__(None, [])

    def _fire_progress(self, taskprogress, rate=None):
        pass

    def start(self):
        pass

    def next_stage(self, stage_total=None):
        pass

    def update(self, stage_progress):
        pass

    def finish(self):
        pass
