"""Reading drafts from disk: recipient profiles and directory walking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.draft.decode import MAX_BYTES
from inmail_lint.sources.files import load_draft, read_bytes


def load(tmp_path: Path, front: str, root: Path | None = None) -> tuple[dict, list[str]]:
    folder = tmp_path / "project" / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\nsubject: Hi\n{front}\n---\nHi Ana\n"
    draft, problem = load_draft(text.encode(), "d.inmail", folder, root or tmp_path / "project")
    assert draft is not None and problem is None
    return draft.meta, [p.message for p in draft.problems]


def test_profile_yaml_and_json(tmp_path: Path) -> None:
    (tmp_path / "project" / "profiles").mkdir(parents=True)
    (tmp_path / "project" / "profiles" / "ana.yaml").write_text("name: Ana Kowalski\ncompany: Globex\n")
    (tmp_path / "project" / "profiles" / "tom.json").write_text('{"name": "Tom Lee"}')
    meta, problems = load(tmp_path, "recipient: ../profiles/ana.yaml")
    assert meta["recipient"] == {"name": "Ana Kowalski", "company": "Globex"} and not problems
    meta, problems = load(tmp_path, "recipient: ../profiles/tom.json")
    assert meta["recipient"] == {"name": "Tom Lee"} and not problems


@pytest.mark.parametrize(
    ("setup", "reference", "fragment"),
    [
        pytest.param(None, "missing.yaml", "does not exist", id="missing"),
        pytest.param("dir", "profiles", "is not a file", id="directory"),
        pytest.param("outside", "../../outside.yaml", "is outside", id="outside the project"),
        pytest.param("list", "profiles/list.yaml", "must hold a mapping", id="not a mapping"),
        pytest.param("bad", "profiles/bad.json", "cannot be read", id="invalid json"),
        pytest.param("deep", "profiles/deep.yaml", "nested more than 20 levels", id="deep yaml"),
        pytest.param("deep", "profiles/deep.json", "nested more than 20 levels", id="deep json"),
        pytest.param("alias", "profiles/alias.yaml", "anchors and aliases", id="yaml alias"),
        pytest.param("twice", "profiles/twice.yaml", "has the key 'name' twice", id="duplicate key"),
        pytest.param("tag", "profiles/tag.yaml", "cannot be read", id="python tag"),
    ],
)
def test_profile_problems_are_im002(tmp_path: Path, setup: str | None, reference: str, fragment: str) -> None:
    drafts = tmp_path / "project" / "drafts"
    (drafts / "profiles").mkdir(parents=True)
    (drafts / "profiles" / "list.yaml").write_text("- a\n- b\n")
    (drafts / "profiles" / "bad.json").write_text("{nope")
    # a profile file is read as safely as front matter (a deep one was a RecursionError once)
    (drafts / "profiles" / "deep.yaml").write_text("[" * 50_000)
    (drafts / "profiles" / "deep.json").write_text("[" * 50_000)
    (drafts / "profiles" / "alias.yaml").write_text("name: &n Ana\nfirst_name: *n\n")
    (drafts / "profiles" / "twice.yaml").write_text("name: Ana\nname: Bob\n")
    (drafts / "profiles" / "tag.yaml").write_text("name: !!python/object/apply:os.system [ls]\n")
    (tmp_path / "outside.yaml").write_text("name: Eve\n")
    meta, problems = load(tmp_path, f"recipient: {reference}")
    assert "recipient" not in meta
    [message] = problems
    assert fragment in message and reference in message


@pytest.mark.parametrize("size", [0, 1, 5_000, MAX_BYTES, MAX_BYTES + 1, MAX_BYTES + 300])
@pytest.mark.parametrize("reported", ["true", "none", "smaller"])
def test_read_bytes_reads_all_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, reported: str
) -> None:
    """A file is read whole (or to one byte past the limit), whatever size it reports: a pipe reports none, and
    a file may grow between the size check and the read."""
    path = tmp_path / "d.inmail"
    path.write_bytes(bytes(i % 251 for i in range(size)))
    if reported != "true":
        real = os.fstat

        def fstat(fd: int) -> os.stat_result:
            values = list(real(fd))
            values[6] = 0 if reported == "none" else max(0, size // 2)  # st_size
            return os.stat_result(values)

        monkeypatch.setattr(os, "fstat", fstat)
    data, error = read_bytes(path)
    assert error is None and data == path.read_bytes()[: MAX_BYTES + 1]


@settings(max_examples=1000, deadline=None)
@given(
    st.builds(
        lambda lead, parts: lead + "/".join(parts),
        st.sampled_from(["", "/", "./", "/a/"]),
        st.lists(st.sampled_from(["a", "b", "..", ".", "x y", "é", ""]), min_size=1, max_size=4),
    ),
    st.sampled_from([".", "a", "/", "/w", "/w/a", "a/..", "/a/b/", "b/./a"]),
    st.sampled_from(["/", "/w", "/w/a", "/a/b"]),
)
def test_the_path_relative_to_the_config_is_pathlibs(path: str, root: str, cwd: str) -> None:
    """The string reading of a path relative to the config's folder gives what pathlib gives."""
    from pathlib import PurePosixPath

    from inmail_lint.sources.files import posix_relpath

    if not path:
        return
    p, r = PurePosixPath(path), PurePosixPath(root)
    absolute_path = p if p.is_absolute() else PurePosixPath(cwd) / p
    absolute_root = r if r.is_absolute() else PurePosixPath(cwd) / r
    try:
        expected = absolute_path.relative_to(absolute_root).as_posix()
    except ValueError:
        expected = p.as_posix()
    found = posix_relpath(str(p), str(r), cwd)
    assert found is None or found == expected


def test_absolute_paths_are_made_relative_without_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose working folder was removed still places absolute paths, as pathlib does."""
    from inmail_lint.config.settings import Config
    from inmail_lint.sources.files import Target, relpath_for

    def gone() -> str:
        raise FileNotFoundError("the working folder was removed")

    monkeypatch.setattr(os, "getcwd", gone)
    draft = tmp_path / "drafts" / "a.inmail"
    assert relpath_for(Target(draft, str(draft)), Config(root=tmp_path)) == "drafts/a.inmail"
    assert relpath_for(Target(draft, str(draft)), Config(root=tmp_path / "elsewhere")) == str(draft)
