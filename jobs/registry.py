"""The kinds of background work (docs/architecture.md §14). Each app registers its own in its AppConfig.ready,
so that jobs/ imports no app above office/ (docs/architecture.md §1)."""
from dataclasses import dataclass, field
from typing import Callable


class JobError(Exception):
    """The work cannot be done; the message (translated) is shown to the user. Nothing was written."""


@dataclass
class Outcome:
    """What a job made: a file (bytes, download name, rows, the access-log entry), or a page to open."""

    content: bytes | None = None
    file_name: str = ""
    row_count: int = 0
    log_target: str = ""
    log_detail: dict = field(default_factory=dict)
    url: str = ""


@dataclass(frozen=True)
class JobKind:
    key: str
    label: object  # a lazy translation
    # run(job, user, progress) -> Outcome; progress(done, total=None). Runs in the worker, as ``user``,
    # with the user's visibility; it re-checks the right itself (allowed) before reading anything.
    run: Callable
    # allowed(user) -> bool: the right to start this work and to download what it made.
    allowed: Callable


KINDS: dict[str, JobKind] = {}


def register(kind):
    KINDS[kind.key] = kind
    return kind
