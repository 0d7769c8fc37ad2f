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
    data: dict = field(default_factory=dict)  # what the work found (an import's preview), kept on the job


@dataclass(frozen=True)
class JobKind:
    key: str
    label: object  # a lazy translation
    # run(job, user, progress) -> Outcome; progress(done, total=None). Runs in the worker, as ``user``,
    # with the user's visibility; it re-checks the right itself (allowed) before reading anything.
    run: Callable
    # allowed(user) -> bool: the right to start this work and to download what it made.
    allowed: Callable
    # sees(user, job) -> bool, for work about one case (job.subject): whoever may see the case sees the
    # job's page and its progress, and the worker runs it only while its starter still sees the case.
    # None: the job is its starter's alone, in their township.
    sees: Callable | None = None
    counts_rows: bool = True  # done/total are rows; otherwise steps, and the page shows only the bar
    result_label: object = None  # the button to the job's result_url (default 打开结果)
    retry: bool = False  # a failed job offers 重试 to whoever sees it and holds the right


KINDS: dict[str, JobKind] = {}


def register(kind):
    KINDS[kind.key] = kind
    return kind
