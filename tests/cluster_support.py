"""Helpers for tests with real worker processes: find a process's spawned workers, tell which of them is
reading a clip right now, start a real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (always
stopped by their process ids)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator


def children(pid: int, marker: bytes = b"") -> list[int]:
    """Child processes of ``pid`` whose command line contains ``marker``."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (d / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and marker in cmd:
            out.append(int(d.name))
    return out


def spawned_workers(pid: int) -> list[int]:
    """Worker processes that ``pid`` started with multiprocessing's spawn (a local Dask cluster's workers)."""
    return children(pid, b"spawn_main")


def reading(pids: list[int], folder: Path) -> list[int]:
    """Those of ``pids`` that have a file inside ``folder`` open (a worker in the middle of a clip)."""
    folder = str(Path(folder).resolve())
    out = []
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd).startswith(folder + os.sep):
                    out.append(pid)
                    break
            except OSError:
                continue
    return out


def wait_for(condition, timeout: float, what: str, alive=lambda: True):
    """Poll ``condition()`` until it returns something true (returned), ``alive()`` turns false or ``timeout``
    seconds pass (AssertionError saying ``what`` did not happen)."""
    t0 = time.time()
    while time.time() - t0 < timeout and alive():
        got = condition()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(procs: list[subprocess.Popen]) -> None:
    """Stop processes (and what they started: each leads its own session) by their ids: SIGTERM, then SIGKILL."""
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(15)


@contextlib.contextmanager
def dask_cluster(workers: int, log_dir: Path, env: dict | None = None) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A real ``dask scheduler`` and ``workers`` ``dask worker`` processes (one thread each, no nanny, so a
    worker's process id is the process that runs the clips) on 127.0.0.1 at free ports; yields the scheduler's
    address and the worker processes; everything is stopped by process id at the end."""
    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    env = {**os.environ, **(env or {})}

    def start(args: list[str], name: str) -> subprocess.Popen:
        log = open(log_dir / f"{name}.log", "w")
        p = subprocess.Popen([dask, *args], stdout=log, stderr=subprocess.STDOUT, cwd=log_dir, env=env,
                             start_new_session=True)
        procs.append(p)
        return p

    try:
        start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], "scheduler")
        wait_for(lambda: _accepts(port), 60, "the scheduler to listen", alive=lambda: procs[0].poll() is None)
        for i in range(workers):
            start(["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                   "--name", f"w{i}", "--local-directory", str(log_dir / f"w{i}")], f"worker{i}")
        yield address, procs[1:]
    finally:
        stop(procs)


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0
