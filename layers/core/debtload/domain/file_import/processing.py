"""The worker side of a file import: rows arrive as the file's own cells ({column: value}); each is
turned into its kind's record here, handed to the kind's row processor (the same code as the API),
and its outcome keeps the file's cells, so failed rows show their original columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from debtload.domain.file_import.kinds import KIND_SPECS, KindSpec
from debtload.domain.file_import.records import ROW_ERROR, ColumnMap, to_record
from debtload.domain.jobs.model import Job, JobRow, RowOutcome
from debtload.domain.jobs.ports import RowProcessor

FILE_SOURCE = "s3"


class FileRowsProcessor:
    def __init__(self, inner: RowProcessor, spec: KindSpec) -> None:
        self.inner = inner
        self.spec = spec

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        if job.source != FILE_SOURCE or "columns" not in job.options:
            return self.inner.process(job, rows)
        columns = ColumnMap.from_options(job.options)
        failed: list[RowOutcome] = []
        prepared: list[JobRow] = []
        originals: dict[int, Mapping[str, object]] = {}
        for row in rows:
            cells = dict(row.data)
            error = cells.pop(ROW_ERROR, None)
            if error is not None:
                failed.append(RowOutcome(row.row, False, cells, error=str(error)))
                continue
            originals[row.row] = cells
            try:
                record = to_record(self.spec, columns, cells)
                error = self.spec.check(record) if self.spec.check else None
            except Exception as problem:  # one odd cell must not fail the chunk's other rows
                error = f"Unreadable row: {problem}"
            if error is not None:
                failed.append(RowOutcome(row.row, False, cells, error=error))
                continue
            prepared.append(JobRow(row.row, record))
        outcomes = self.inner.process(job, prepared) if prepared else []
        restored = [replace(o, data=originals.get(o.row, o.data)) for o in outcomes]
        return sorted([*failed, *restored], key=lambda o: o.row)


def with_file_rows(processors: Mapping[str, RowProcessor]) -> dict[str, RowProcessor]:
    """Every registered kind that has a column table also takes rows from files."""
    return {
        kind: FileRowsProcessor(processor, KIND_SPECS[kind]) if kind in KIND_SPECS else processor
        for kind, processor in processors.items()
    }
