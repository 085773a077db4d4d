"""zstd-compressed files through the zstd (or pzstd) program."""

import shutil

import bb.compress._pipecompress as _pipe


def open(*args, **kwargs):
    return _pipe.open_wrap(ZstdFile, *args, **kwargs)


class ZstdFile(_pipe.PipeFile):
    def __init__(self, *args, num_threads=1, compresslevel=3, **kwargs):
        self.num_threads = num_threads
        self.compresslevel = compresslevel
        super().__init__(*args, **kwargs)

    def _program(self):
        if self.num_threads != 1 and shutil.which("pzstd"):
            return ["pzstd", "-p", "%d" % self.num_threads]
        return ["zstd"]

    def get_compress(self):
        return self._program() + ["-c", "-%d" % self.compresslevel]

    def get_decompress(self):
        return self._program() + ["-d", "-c"]
