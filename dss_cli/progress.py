"""Progress of uploads and downloads: rich bars on stderr, or nothing (--no-progress, in-process use).

Both are context managers, and so is each task on them: `with bars.task("upload x", size) as advance:`
ends the task (its clock stops) however the block ends, and `with ProgressBars(console) as bars:` ends
the display. The live display starts with the first task, so a command that fails before any transfer
prints no empty bar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from functools import partial
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console

Advance = Callable[[int], None]  # bytes done since the last call; thread-safe


class ProgressSink(Protocol):
    def task(self, description: str, total: int | None, completed: int = 0) -> AbstractContextManager[Advance]: ...


def _ignore(amount: int) -> None:
    pass


class NoProgress:
    def task(self, description: str, total: int | None, completed: int = 0) -> AbstractContextManager[Advance]:
        return nullcontext(_ignore)

    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class ProgressBars:
    """Rich progress bars (bytes, speed, time left), one task after another; rich's Progress is thread-safe."""

    def __init__(self, console: Console):
        # Imported here: the uploader and the downloader (and in-process use) run without rich.
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(binary_units=True),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._display = ExitStack()
        self._started = False

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self._display.close()

    @contextmanager
    def task(self, description: str, total: int | None, completed: int = 0) -> Iterator[Advance]:
        if not self._started:
            self._display.enter_context(self.progress)
            self._started = True
        task_id = self.progress.add_task(description, total=total, completed=completed)
        try:
            yield partial(self.progress.advance, task_id)
        finally:
            self.progress.stop_task(task_id)


def progress_bars(enabled: bool, console: Console) -> ProgressBars | NoProgress:
    return ProgressBars(console) if enabled else NoProgress()
