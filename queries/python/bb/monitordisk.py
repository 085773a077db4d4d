"""Disk space monitoring (BitBake's bb.monitordisk); not done by rbake yet.

The monitor fires bb.event.MonitorDiskEvent; only the value parser is here.
"""


def convertGMK(unit):
    """Bytes in a size such as "100M", "1G", "512K" or "2048"; None if invalid."""
    import re
    m = re.match(r'([1-9][0-9]*)([KMG]?)\s?$', unit, re.I)
    if not m:
        return None
    num, suffix = int(m.group(1)), m.group(2).upper()
    return num * {'': 1, 'K': 1024, 'M': 1024 ** 2, 'G': 1024 ** 3}[suffix]
