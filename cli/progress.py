"""Progress display for long work (rich, on stderr so ``--format json`` stdout stays clean)."""
from __future__ import annotations


class ChunkProgressBar:
    """A rich progress bar for :func:`placement.batch.run_scan`: chunks done, rate and ETA."""

    def start(self, kind: str, n_chunks: int, done: int) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self.p = Progress(TextColumn(f"{kind} scan"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("chunks {task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                          TimeRemainingColumn(), console=Console(stderr=True))
        self.p.start()
        self.task = self.p.add_task("scan", total=n_chunks, completed=done, rate="")

    def advance(self) -> None:
        self.p.advance(self.task)
        speed = self.p.tasks[0].speed
        self.p.update(self.task, rate=f"({speed:.2f}/s)" if speed else "")

    def close(self) -> None:
        self.p.stop()
