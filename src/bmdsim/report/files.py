"""Write a run's results: results.json, the resolved scenario, and every table as Parquet and CSV.

A result set (one folder of files, or one folder per variant plus ``variants.csv``) is written whole or
not at all. :class:`ResultFolder` locks the output folder for the run (a second run into it fails at
once), builds the new set in a temporary sibling folder, and swaps it for the old folder in one atomic
rename (Linux ``renameat2(RENAME_EXCHANGE)``), then deletes the old set. A reader, or a run killed at
any moment, sees either the previous complete set or the new complete set, never a mix, and files of an
earlier run that this run does not produce are gone with the old folder. Temporary folders a killed run
leaves behind are removed by the next run into the same folder.

Where the exchange is not available (another OS, a file system without it), the swap is two renames:
a kill between them leaves the old set in a sibling folder, which the next run puts back first.

A folder that holds other files than bmdsim results is refused unless ``force`` is given (its contents
are then replaced). Each set carries a small marker, ``.bmdsim-result.json``, listing its files.

CSV cells are neutralised against formula injection (:mod:`bmdsim.report.escape`); Parquet keeps the
exact values.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from bmdsim import __version__
from bmdsim.report.escape import csv_safe_frame

MARKER = ".bmdsim-result.json"
"""Marker file of a result set (JSON: version, scenario, files)."""
_LEGACY_TEMP = re.compile(r"^\.bmdsim-[a-z0-9_]{8}$")


class OutputFolderError(OSError):
    """The output folder cannot be used (locked by another run, foreign files, not a folder...)."""


def _clean(obj: object) -> object:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def scenario_digest(resolved_yaml: str) -> str:
    return hashlib.sha256(resolved_yaml.encode("utf-8")).hexdigest()


def models_of(resolved_yaml: str) -> dict[str, str]:
    """The model choices a run used, read from its resolved scenario: ``{"rcs": "nominal" | "aspect"}``."""
    data = yaml.safe_load(resolved_yaml) or {}
    rcs = data.get("rcs") if isinstance(data, dict) else None
    return {"rcs": str(rcs.get("model", "nominal")) if isinstance(rcs, dict) else "nominal"}


def is_result_folder(folder: Path) -> bool:
    """Whether ``folder`` is empty or holds a bmdsim result set (this version's or an earlier one's)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    if not entries or (folder / MARKER).is_file():
        return True
    results = folder / "results.json"
    if results.is_file():
        try:
            return "bmdsim_version" in json.loads(results.read_text(encoding="utf-8")[:1_000_000])
        except (OSError, ValueError, TypeError, RecursionError):
            return False
    if (folder / "variants.csv").is_file():  # an earlier version's variant set: variants.csv and folders
        return all(e.name == "variants.csv" or (e.is_dir() and is_result_folder(e)) for e in entries)
    return False


def write_result_set(folder: Path, tables: dict[str, pd.DataFrame], *, scenario_name: str, resolved_yaml: str,
                     seed: int, replications: int, stage_seconds: dict[str, float], epoch_utc: str | None = None,
                     peak_memory_mb: float | None = None) -> list[Path]:
    """Write one result set into ``folder`` (created; not atomic by itself: use :class:`ResultFolder`).

    ``epoch_utc`` is the scenario's time origin (every ``*_s`` time is seconds after it);
    ``peak_memory_mb`` the process's peak resident memory so far [MiB].
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary = tables["summary"].to_dict(orient="records")
    results = {
        "bmdsim_version": __version__, "scenario": scenario_name,
        "scenario_sha256": scenario_digest(resolved_yaml), "seed": seed, "replications": replications,
        "epoch_utc": epoch_utc, "peak_memory_mb": peak_memory_mb, "models": models_of(resolved_yaml),
        "architectures": {row["architecture"]: row for row in summary},
        "stage_seconds": stage_seconds,
        "tables": sorted(f"{name}.parquet" for name in tables) + sorted(f"{name}.csv" for name in tables),
    }
    written = [folder / "results.json", folder / "scenario.resolved.yaml"]
    written[0].write_text(json.dumps(_clean(results), indent=2) + "\n", encoding="utf-8")
    written[1].write_text(resolved_yaml, encoding="utf-8")
    for name, df in tables.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
        csv_safe_frame(df).to_csv(folder / f"{name}.csv", index=False)
        written += [folder / f"{name}.parquet", folder / f"{name}.csv"]
    _write_marker(folder, scenario_name)
    return written


def _write_marker(folder: Path, scenario_name: str) -> None:
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != MARKER)
    marker = {"bmdsim_version": __version__, "scenario": scenario_name, "files": files}
    (folder / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


class ResultFolder:
    """The output folder of one run: locked, staged beside it, swapped in whole (see module notes).

    Use as a context manager; :meth:`stage` gives the temporary folder to write into, :meth:`commit`
    swaps it in. Leaving the block without a commit removes the temporary folder and leaves the old
    results as they were.
    """

    def __init__(self, out_dir: str | Path, *, force: bool = False) -> None:
        self.path = Path(out_dir).absolute()
        if self.path.is_symlink():  # swap the folder the link points to, and keep the link
            self.path = self.path.resolve()
        self.force = force
        self._lock_fd: int | None = None
        self._lock_path: Path | None = None
        self._tmp: Path | None = None
        self._opened = False

    # -- names of the siblings that belong to this folder
    def _sibling(self, kind: str) -> str:
        return f".{self.path.name}.bmdsim-{kind}"

    def __enter__(self) -> ResultFolder:
        if not self.is_open:
            self.open()
        return self

    @property
    def is_open(self) -> bool:
        return self._opened

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Lock the folder, restore or remove what a killed run left, refuse foreign contents."""
        path = self.path
        if path.parent == path or path == Path.home().absolute():
            raise OutputFolderError(f"{path} cannot be an output folder; give a folder of its own")
        cwd = Path.cwd().absolute()
        if path == cwd or path in cwd.parents:
            raise OutputFolderError(f"{path} is the current folder or contains it; results replace the whole "
                                    "folder, so give a subfolder")
        if path.exists() and not path.is_dir():
            raise OutputFolderError(f"{path} exists and is not a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._recover()
            if path.is_dir() and not self.force and not is_result_folder(path):
                others = sorted(e.name for e in path.iterdir() if not e.name.startswith("."))[:3]
                shown = ", ".join(repr(o) for o in others) or "hidden files"
                raise OutputFolderError(f"{path} holds files that are not bmdsim results ({shown}); choose a new "
                                        "or empty folder, or pass --force to replace its contents")
            with tempfile.TemporaryFile(dir=path.parent):  # writable, before the long run
                pass
            self._opened = True
        except BaseException:
            self.close()
            raise

    def _lock(self) -> None:
        """Take the run's lock: ``.<name>.bmdsim-lock`` beside the folder, removed again by :meth:`close`.

        A lock file that another run removed between our open and our flock is no lock: the inode check
        retries on the file now at the path.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on POSIX: no lock
            return
        lock_path = self.path.parent / self._sibling("lock")
        for _ in range(100):
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    who = f" (pid {holder})" if holder.isdigit() else ""
                    raise OutputFolderError(f"{self.path} is in use by another bmdsim run{who}; wait for it to "
                                            "finish or choose another folder") from None
                raise
            try:
                same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._lock_fd, self._lock_path = fd, lock_path
                return
            os.close(fd)
        raise OutputFolderError(f"{self.path}: could not take the lock {lock_path}")

    def _recover(self) -> None:
        """Put back a set a killed two-rename swap left aside; remove temporary folders of killed runs."""
        parent = self.path.parent
        old = sorted(parent.glob(self._sibling("old-") + "*"), key=lambda p: p.stat().st_mtime)
        if old and not self.path.exists():
            os.rename(old.pop(), self.path)
        for p in (*old, *parent.glob(self._sibling("tmp-") + "*")):
            shutil.rmtree(p, ignore_errors=True)
        now = time.time()
        for p in parent.glob(".bmdsim-*"):  # temporary folders of earlier versions, after an hour
            try:
                if _LEGACY_TEMP.match(p.name) and p.is_dir() and now - p.stat().st_mtime > 3600:
                    shutil.rmtree(p, ignore_errors=True)
            except OSError:
                pass

    def stage(self) -> Path:
        """The empty temporary folder to build the new set in (created on first call)."""
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix=self._sibling("tmp-"), dir=self.path.parent))
        return self._tmp

    def commit(self, scenario_name: str) -> None:
        """Swap the staged set in for the old folder (atomic where the OS allows), then delete the old set."""
        tmp = self.stage()
        _write_marker(tmp, scenario_name)
        os.chmod(tmp, 0o777 & ~_umask())
        if not self.path.exists():
            os.rename(tmp, self.path)
        elif _exchange(tmp, self.path):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old set
        else:
            aside = Path(tempfile.mkdtemp(prefix=self._sibling("old-"), dir=self.path.parent))
            os.rmdir(aside)
            os.rename(self.path, aside)
            os.rename(tmp, self.path)
            shutil.rmtree(aside, ignore_errors=True)
        self._tmp = None

    def close(self) -> None:
        self._opened = False
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        if self._lock_fd is not None:
            # unlink while holding the lock: a run that opened the old file sees another inode and retries
            with contextlib.suppress(OSError):
                os.unlink(self._lock_path)
            os.close(self._lock_fd)
            self._lock_fd = None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_results(out_dir: Path, tables: dict[str, pd.DataFrame], *, scenario_name: str, resolved_yaml: str,
                  seed: int, replications: int, stage_seconds: dict[str, float], force: bool = False) -> list[Path]:
    """Write one result set into ``out_dir`` atomically (see module notes); returns the paths written."""
    with ResultFolder(out_dir, force=force) as folder:
        stage = folder.stage()
        written = write_result_set(stage, tables, scenario_name=scenario_name, resolved_yaml=resolved_yaml,
                                   seed=seed, replications=replications, stage_seconds=stage_seconds)
        folder.commit(scenario_name)
    return [folder.path / p.relative_to(stage) for p in written]
