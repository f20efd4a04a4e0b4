"""A Ctrl-C request that survives being raised where Python cannot propagate it.

The command's SIGINT handler raises at once, but a signal can land inside a callback from compiled code
(numba's cache loader, for one), where the exception is printed and dropped. The handler therefore also
sets :data:`requested`, and the assessment checks it between stages (:func:`check`), so an interrupted
run always stops at the next stage boundary, before any result is swapped in.
"""

from __future__ import annotations

requested = False


def request() -> None:
    """Record a Ctrl-C (called by the command's SIGINT handler)."""
    global requested
    requested = True


def check() -> None:
    """Raise KeyboardInterrupt if a Ctrl-C was requested."""
    if requested:
        raise KeyboardInterrupt
