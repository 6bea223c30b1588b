"""The git door on real temp repos: worktrees come and go, the user's tree stays byte-identical."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from kaizen import git
from kaizen.errors import KaizenError
from tests.conftest import MakeRepo, commit_all
from tests.conftest import git as tgit


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if ".git" not in p.parts and ".kaizen" not in p.parts):
        h.update(str(path.relative_to(root)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def test_not_a_repo_and_no_commits(tmp_path: Path) -> None:
    with pytest.raises(KaizenError, match="not inside a git repository"):
        git.repo_root(tmp_path)
    tgit(tmp_path, "init", "-q")
    with pytest.raises(KaizenError, match="no commits yet"):
        git.head(tmp_path)


def test_resolve_known_and_unknown_revs(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    assert git.resolve(repo, "HEAD") == tgit(repo, "rev-parse", "HEAD")
    assert git.repo_root(repo / ".") == repo.resolve()
    with pytest.raises(KaizenError, match="unknown revision 'nope'"):
        git.resolve(repo, "nope")
    with pytest.raises(KaizenError, match="not a revision"):
        git.resolve(repo, "--all")


def test_worktrees_are_created_and_removed_and_user_tree_untouched(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    (repo / "a.py").write_text("x = 2  # uncommitted edit\n")
    (repo / "untracked.txt").write_text("mine\n")
    tgit(repo, "add", "a.py")
    before = tree_hash(repo)
    index_before = tgit(repo, "diff", "--cached")
    branch_before = git.current_branch(repo)
    with git.worktree(repo, "HEAD") as wt:
        assert (wt / "a.py").read_text() == "x = 1\n"
        assert wt.parent == repo / ".kaizen" / "worktrees"
        (wt / "a.py").write_text("x = 3\n")
    assert not wt.exists()
    assert tree_hash(repo) == before
    assert tgit(repo, "diff", "--cached") == index_before
    assert git.current_branch(repo) == branch_before
    assert "/.kaizen/" in (repo / ".git" / "info" / "exclude").read_text()
    assert "kaizen" not in tgit(repo, "status", "--porcelain")


def test_worktree_removed_on_interrupt(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    with pytest.raises(KeyboardInterrupt), git.worktree(repo, "HEAD") as wt:
        raise KeyboardInterrupt
    assert not wt.exists()
    assert len(tgit(repo, "worktree", "list").splitlines()) == 1


def test_stale_worktrees_are_cleaned(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    stale = git.add_worktree(repo, "HEAD", "crashed")
    keep = git.add_worktree(repo, "HEAD", "current")
    removed = git.clean_stale_worktrees(repo, keep={keep})
    assert removed == [stale] and not stale.exists() and keep.exists()
    git.remove_worktree(repo, keep)


def test_branch_naming_takes_suffixes(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    day = dt.date(2026, 11, 22)
    sha = git.head(repo)
    assert git.free_branch_name(repo, day) == "perf/kaizen-20261122"
    git.create_branch(repo, "perf/kaizen-20261122", sha)
    assert git.free_branch_name(repo, day) == "perf/kaizen-20261122-2"
    git.create_branch(repo, "perf/kaizen-20261122-2", sha)
    assert git.free_branch_name(repo, day) == "perf/kaizen-20261122-3"
    assert git.current_branch(repo) == "main"


def test_commit_in_worktree_and_move_branch(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    start = git.head(repo)
    git.create_branch(repo, "perf/k", start)
    with git.worktree(repo, start) as wt:
        (wt / "a.py").write_text("x = 2\n")
        sha = git.commit_all(wt, "perf: change")
        git.update_branch(repo, "perf/k", sha, start)
    assert git.branch_sha(repo, "perf/k") == sha
    assert git.log_shas(repo, start, "perf/k") == [sha]
    assert (repo / "a.py").read_text() == "x = 1\n"
    assert git.head(repo) == start


def test_dirty_detection(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    assert not git.is_dirty(repo)
    git.kaizen_dir(repo)
    assert not git.is_dirty(repo)
    (repo / "a.py").write_text("x = 5\n")
    assert git.is_dirty(repo)
    commit_all(repo)
    assert not git.is_dirty(repo)
