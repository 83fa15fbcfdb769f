"""Many drafts are rendered by forked workers; the files are byte for byte those of one process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from digest import parallel
from digest.cli import main
from digest.errors import ContentError
from digest.pages import drafts
from example_helpers import copy_example


def community(folder: Path) -> Path:
    """The example community with an empty content/: every draft is new."""
    return copy_example(folder, content=False)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def distill(root: Path) -> None:
    result = CliRunner().invoke(main, ["distill", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(
    not parallel.can_fork(),
    reason="drafts go to forked workers only where processes can fork (elsewhere one process renders them)",
)
def test_workers_write_the_same_drafts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork_contexts: list[str]
) -> None:
    alone = community(tmp_path / "alone")
    distill(alone)
    monkeypatch.setattr(drafts, "PARALLEL_DRAFTS", 1)
    workers = community(tmp_path / "workers")
    distill(workers)
    assert "fork" in fork_contexts  # the drafts went through the worker pool
    assert len(files(alone / "content")) > 30
    assert files(workers / "content") == files(alone / "content")


def test_an_error_in_a_worker_is_the_same_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = community(tmp_path / "c")

    def broken(job: drafts._Job) -> str:
        raise ContentError(job.path, 1, "cannot render")

    monkeypatch.setattr(drafts, "PARALLEL_DRAFTS", 1)
    monkeypatch.setattr(drafts, "_text", broken)
    result = CliRunner().invoke(main, ["distill", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: ") and last.endswith(":1: cannot render")
    assert files(root / "content") == {}  # nothing written


@pytest.mark.parametrize("parallel", [False, True])
def test_an_error_after_some_drafts_were_written_takes_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    root = community(tmp_path / "c")
    real = drafts._text
    written: list[Path] = []
    settle = drafts._Written.settle

    def q_and_a_fails(job: drafts._Job) -> str:  # member stubs come first, then the Q&A
        if job.path.parent.name == "qa":
            raise ContentError(job.path, 1, "cannot render")
        return real(job)

    def counting(done: drafts._Written, path: Path, report: drafts.DraftReport) -> None:
        if done.status == "created":  # told to the process that keeps the report
            written.append(path)
        settle(done, path, report)

    monkeypatch.setattr(drafts, "PARALLEL_DRAFTS", 1 if parallel else 1 << 30)
    monkeypatch.setattr(drafts, "RENDER_CHUNK", 3)  # an error amid a worker's share of drafts
    monkeypatch.setattr(drafts, "_text", q_and_a_fails)
    monkeypatch.setattr(drafts._Written, "settle", counting)
    result = CliRunner().invoke(main, ["distill", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert len(written) > 10  # the member stubs were written before the error
    assert files(root / "content") == {}  # and are gone again
