"""Thin git verbs on ``proc``: repo root, revs, worktrees under ``.kaizen/``, branch naming.

Nothing here touches the user's working tree, index or current branch: work happens in detached
worktrees under ``.kaizen/worktrees/``, and branches are created with ``git branch`` (no checkout).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from kaizen import proc
from kaizen.errors import KaizenError

KAIZEN_DIR = ".kaizen"
GIT_TIMEOUT = 120.0

# Commits kaizen makes must not depend on the user's identity or hooks being set up.
_ENV_COMMIT = {
    "GIT_AUTHOR_NAME": "kaizen",
    "GIT_AUTHOR_EMAIL": "kaizen@localhost",
    "GIT_COMMITTER_NAME": "kaizen",
    "GIT_COMMITTER_EMAIL": "kaizen@localhost",
}


class GitError(KaizenError):
    pass


def _git(args: list[str], cwd: Path, *, check: bool = True, env: dict[str, str] | None = None) -> proc.ProcResult:
    full_env = dict(os.environ)
    full_env.pop("GIT_DIR", None)
    full_env.pop("GIT_WORK_TREE", None)
    full_env["GIT_TERMINAL_PROMPT"] = "0"
    if env:
        full_env.update(env)
    try:
        result = proc.run(["git", *args], cwd=cwd, env=full_env, timeout=GIT_TIMEOUT)
    except proc.CommandNotFound:
        raise GitError("git is not installed or not on PATH; install git and run again") from None
    if check and not result.ok:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
        raise GitError(f"git {args[0]} failed in {cwd}: {detail}")
    return result


def repo_root(start: Path) -> Path:
    """The top of the git repository containing ``start``; a clear error outside one."""
    if not start.exists():
        raise GitError(f"{start} does not exist")
    result = _git(["rev-parse", "--show-toplevel"], start, check=False)
    if not result.ok:
        raise GitError(f"{start.resolve()} is not inside a git repository; run kaizen from your project's git checkout (or `git init` it first)")
    return Path(result.stdout.strip()).resolve()


def has_commits(root: Path) -> bool:
    return _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root, check=False).ok


def require_commits(root: Path) -> None:
    if not has_commits(root):
        raise GitError(f"the repository at {root} has no commits yet; commit your code first (git add -A && git commit)")


def head(root: Path) -> str:
    require_commits(root)
    return _git(["rev-parse", "HEAD"], root).stdout.strip()


def resolve(root: Path, rev: str) -> str:
    """The full commit id of ``rev``; a clear error when git does not know it."""
    require_commits(root)
    if not rev or rev.startswith("-"):
        raise GitError(f"{rev!r} is not a revision; give a branch, tag or commit id")
    result = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, check=False)
    if not result.ok:
        raise GitError(f"unknown revision {rev!r} in {root}; check the name with `git log --oneline` or `git branch -a`")
    return result.stdout.strip()


def current_branch(root: Path) -> str | None:
    result = _git(["symbolic-ref", "--quiet", "--short", "HEAD"], root, check=False)
    return result.stdout.strip() if result.ok else None


def is_dirty(root: Path) -> bool:
    """Uncommitted changes (staged, unstaged or untracked), ignoring kaizen's own folder."""
    out = _git(["status", "--porcelain", "--untracked-files=normal"], root).stdout
    return any(line and not line[3:].startswith(KAIZEN_DIR) for line in out.splitlines())


def kaizen_dir(root: Path) -> Path:
    """``.kaizen/`` in the repo, created and excluded from git (``.git/info/exclude``)."""
    path = root / KAIZEN_DIR
    path.mkdir(exist_ok=True)
    ensure_excluded(root)
    return path


def ensure_excluded(root: Path) -> None:
    common = Path(_git(["rev-parse", "--git-common-dir"], root).stdout.strip())
    if not common.is_absolute():
        common = (root / common).resolve()
    exclude = common / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    existing = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
    entry = f"/{KAIZEN_DIR}/"
    if entry not in existing.split("\n"):
        with exclude.open("a", encoding="utf-8") as handle:
            if existing and not existing.endswith("\n"):
                handle.write("\n")
            handle.write(f"# kaizen's runs, worktrees and history\n{entry}\n")


def worktrees_dir(root: Path) -> Path:
    path = kaizen_dir(root) / "worktrees"
    path.mkdir(exist_ok=True)
    return path


def add_worktree(root: Path, rev: str, name: str | None = None) -> Path:
    """A detached worktree of ``rev`` under ``.kaizen/worktrees/``."""
    sha = resolve(root, rev)
    path = worktrees_dir(root) / (name or f"wt-{uuid.uuid4().hex[:10]}")
    if path.exists():
        remove_worktree(root, path)
    _git(["worktree", "add", "--detach", "--force", str(path), sha], root)
    return path


def remove_worktree(root: Path, path: Path) -> None:
    _git(["worktree", "remove", "--force", "--force", str(path)], root, check=False)
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
    _git(["worktree", "prune"], root, check=False)


@contextlib.contextmanager
def worktree(root: Path, rev: str, name: str | None = None) -> Iterator[Path]:
    """A worktree that is removed on the way out, also on Ctrl-C or an error."""
    path = add_worktree(root, rev, name)
    try:
        yield path
    finally:
        remove_worktree(root, path)


def clean_stale_worktrees(root: Path, keep: set[Path] | None = None) -> list[Path]:
    """Remove worktrees under ``.kaizen/worktrees/`` left by a crash; returns what was removed."""
    base = root / KAIZEN_DIR / "worktrees"
    removed: list[Path] = []
    if base.is_dir():
        for child in sorted(base.iterdir()):
            if keep and child.resolve() in {k.resolve() for k in keep}:
                continue
            remove_worktree(root, child)
            removed.append(child)
    _git(["worktree", "prune"], root, check=False)
    return removed


def branch_exists(root: Path, name: str) -> bool:
    return _git(["show-ref", "--verify", "--quiet", f"refs/heads/{name}"], root, check=False).ok


def free_branch_name(root: Path, today: dt.date) -> str:
    """``perf/kaizen-YYYYMMDD``, or with ``-2``, ``-3`` … when taken."""
    base = f"perf/kaizen-{today:%Y%m%d}"
    if not branch_exists(root, base):
        return base
    n = 2
    while branch_exists(root, f"{base}-{n}"):
        n += 1
    return f"{base}-{n}"


def create_branch(root: Path, name: str, sha: str) -> None:
    """Create ``name`` at ``sha`` without checking it out."""
    _git(["branch", name, sha], root)


def update_branch(root: Path, name: str, sha: str, old_sha: str) -> None:
    """Move ``name`` to ``sha`` only if it still points at ``old_sha`` (no lost commits)."""
    _git(["update-ref", f"refs/heads/{name}", sha, old_sha], root)


def branch_sha(root: Path, name: str) -> str:
    return resolve(root, f"refs/heads/{name}")


def commit_all(worktree_path: Path, message: str) -> str:
    """Commit every change in a kaizen worktree (not the user's) and return the new commit id."""
    _git(["add", "-A"], worktree_path)
    _git(["commit", "--no-verify", "--no-gpg-sign", "-q", "-m", message], worktree_path, env=_ENV_COMMIT)
    return _git(["rev-parse", "HEAD"], worktree_path).stdout.strip()


def reset_hard(worktree_path: Path, sha: str) -> None:
    """Roll a kaizen worktree back to ``sha``, dropping untracked files too."""
    _git(["reset", "--hard", "-q", sha], worktree_path)
    _git(["clean", "-fdq"], worktree_path)


def checkout_detached(worktree_path: Path, sha: str) -> None:
    _git(["checkout", "--detach", "-q", "--force", sha], worktree_path)


def diff(worktree_path: Path, base: str = "HEAD") -> str:
    return _git(["diff", base], worktree_path).stdout


def diff_between(root: Path, a: str, b: str, paths: list[str] | None = None) -> str:
    return _git(["diff", a, b, "--", *(paths or [])], root).stdout


def changed_files(root: Path, a: str, b: str) -> list[str]:
    out = _git(["diff", "--name-only", a, b], root).stdout
    return [line for line in out.splitlines() if line]


def commit_message(root: Path, sha: str) -> str:
    return _git(["log", "-1", "--format=%B", sha], root).stdout


def log_shas(root: Path, base: str, tip: str) -> list[str]:
    """Commits in ``base..tip``, oldest first."""
    out = _git(["rev-list", "--reverse", f"{base}..{tip}"], root).stdout
    return [line for line in out.splitlines() if line]


def revert_in(worktree_path: Path, sha: str, message: str) -> str:
    _git(["revert", "--no-edit", "--no-commit", sha], worktree_path, env=_ENV_COMMIT)
    _git(["commit", "--no-verify", "--no-gpg-sign", "-q", "-m", message], worktree_path, env=_ENV_COMMIT)
    return _git(["rev-parse", "HEAD"], worktree_path).stdout.strip()


def init_repo(path: Path) -> str:
    """A new repository at ``path`` with everything in it committed (used by `kaizen demo`)."""
    _git(["init", "-q", "-b", "main"], path)
    return commit_all(path, "slowshop: the example project as it was")


def delete_branch_if_at(root: Path, name: str, sha: str) -> bool:
    """Delete ``name`` only if it still points at ``sha`` (a night that kept nothing)."""
    if branch_exists(root, name) and branch_sha(root, name) == sha:
        _git(["branch", "-D", name], root)
        return True
    return False
