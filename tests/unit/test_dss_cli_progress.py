"""dss CLI: progress bars as context managers (dss_cli/progress.py) on a rich console that is not a terminal."""

from __future__ import annotations

import io
import threading

import pytest
from rich.console import Console

from dss_cli.progress import NoProgress, ProgressBars, progress_bars


def console() -> tuple[Console, io.StringIO]:
    written = io.StringIO()
    return Console(file=written, force_terminal=False, width=100), written


def test_bars_that_never_had_a_task_print_nothing():
    shown, written = console()
    with ProgressBars(shown):
        pass
    assert written.getvalue() == ""


def test_each_task_ends_with_its_block_and_the_display_with_the_bars():
    shown, written = console()
    with ProgressBars(shown) as bars:
        with bars.task("checksum big.log", 300) as advance:
            workers = [threading.Thread(target=advance, args=(100,)) for _ in range(3)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        with pytest.raises(OSError), bars.task("upload big.log", 300, completed=100) as advance:
            advance(50)
            raise OSError("the disk went away")
        first, second = bars.progress.tasks
        assert (first.completed, first.finished, first.stop_time is not None) == (300, True, True)
        assert (second.completed, second.stop_time is not None) == (150, True)
        assert bars.progress.live.is_started
    assert not bars.progress.live.is_started
    assert "checksum big.log" in written.getvalue() and "upload big.log" in written.getvalue()


def test_no_progress_takes_the_same_calls():
    with progress_bars(False, console()[0]) as bars, bars.task("upload", None) as advance:
        advance(10)
    assert isinstance(bars, NoProgress)
