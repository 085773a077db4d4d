"""lz4-compressed files through the lz4 program."""

import bb.compress._pipecompress as _pipe


def open(*args, **kwargs):
    return _pipe.open_wrap(LZ4File, *args, **kwargs)


class LZ4File(_pipe.PipeFile):
    def get_compress(self):
        return ["lz4", "-z", "-c"]

    def get_decompress(self):
        return ["lz4", "-d", "-c"]
