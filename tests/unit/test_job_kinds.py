"""The job kinds the worker runs are the kinds a file may be dropped as."""

from __future__ import annotations


def test_every_registered_job_kind_is_importable_and_has_a_file_spec() -> None:
    from debtload.config import Config
    from debtload.domain.file_import.kinds import KIND_SPECS
    from debtload.tasks.job_kinds import IMPORTABLE_KINDS
    from debtload.tasks.wiring import TaskDependencies

    processors = TaskDependencies.from_config(Config(table_name="t")).row_processors()
    assert set(processors) == IMPORTABLE_KINDS == set(KIND_SPECS)
