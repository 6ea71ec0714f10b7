"""A job's time limit: the deadline, the alarm that stops a cell past it, and the message.

Both engines stop a job past its limit inside the cell that is running, so the executed
notebook shows where it stopped: the in-process engine with an alarm signal that raises
:class:`TimeLimitExceeded` in the cell, the kernel engine with nbclient's own timeout (the
batch runner then writes the same error into the cell). A cell that swallows the error, or
sits in code that no signal reaches, is stopped by the batch runner, which kills the job's
process a little later (:data:`kommunrapport.batch.runner.KILL_GRACE_SECONDS`).
"""

from __future__ import annotations

import math
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

_REPEAT_SECONDS = 1.0
"""After the first alarm, raise again this often until the cell gives up."""


class TimeLimitExceeded(BaseException):
    """Raised in the running cell when the job's time limit has passed.

    A BaseException, like KeyboardInterrupt, so a cell's ``except Exception`` does not
    swallow it."""


ENAME = TimeLimitExceeded.__name__
"""The ``ename`` of the error output a stopped cell gets, with either engine."""


def seconds_text(seconds: float) -> str:
    """``20`` for 20.0, ``0,5`` for 0.5: the limit as the analyst gave it."""
    if float(seconds).is_integer():
        return str(int(seconds))
    return f"{seconds:g}".replace(".", ",")


def message(seconds: float) -> str:
    """The error's text (its ``evalue``): ``tidsgränsen på 20 s överskreds``."""
    return f"tidsgränsen på {seconds_text(seconds)} s överskreds"


@dataclass(frozen=True)
class Deadline:
    """The moment (``time.monotonic``) a job must be done by."""

    seconds: float
    at: float

    @classmethod
    def starting_now(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def cell_timeout(self) -> int:
        """What is left, as nbclient's per-cell timeout: whole seconds, at least one."""
        return max(1, math.ceil(self.remaining()))


class _Alarm:
    armed = False
    deadline: Deadline | None = None


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _Alarm.armed and _Alarm.deadline is not None:
        raise TimeLimitExceeded(message(_Alarm.deadline.seconds))


@contextmanager
def cell_alarm(deadline: Deadline | None) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in this (the main) thread once ``deadline`` has
    passed, and again every second until the block ends. No-op without a deadline."""
    if deadline is None:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _Alarm.deadline = deadline
    _Alarm.armed = True
    signal.setitimer(signal.ITIMER_REAL, max(deadline.remaining(), 0.001), _REPEAT_SECONDS)
    try:
        yield
    finally:
        disarm()
        signal.signal(signal.SIGALRM, previous)


def disarm() -> None:
    """Stop the alarm. Also call it after catching :class:`TimeLimitExceeded`: an alarm
    may have raised at the very start of the block's own clean-up."""
    _Alarm.armed = False  # first: an alarm arriving now does nothing
    signal.setitimer(signal.ITIMER_REAL, 0)
