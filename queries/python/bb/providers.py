"""Provider resolution errors (rbake's own implementation of the parts of BitBake's bb.providers that metadata uses).

rbake resolves providers on the Rust side.
"""

import bb


class NoProvider(bb.BBHandledException):
    """Nothing provides a build-time dependency."""


class NoRProvider(bb.BBHandledException):
    """Nothing provides a runtime dependency."""


class MultipleRProvider(bb.BBHandledException):
    """Several recipes provide a runtime dependency."""
