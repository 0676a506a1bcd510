"""The batch screen on a Dask distributed cluster: the same per-clip function (:func:`records.batch.screen_clip`)
on the worker processes of an existing cluster (``dask scheduler`` + ``dask worker`` on each machine) or of a
``LocalCluster`` started here, the results back in this process, which writes everything.

- **One model per worker process**: the :class:`PoseModels` worker plugin builds the process's pose models
  (:func:`vision.estimator.process_models`) when the worker starts and closes them when it stops; every clip on
  that worker uses them (each clip starts a fresh run of the model's graph, see
  :meth:`vision.estimator.PoseEstimator.restart`).
- **Clips reach the workers** by path (``send="path"``: every worker reads the clip where this process reads it,
  e.g. the same shared folder mounted at the same path) or as bytes through the cluster (``"bytes"``: workers
  that cannot see this machine's disk; the clip exists on the worker only in a private temporary folder while
  it is screened). ``"auto"`` asks every worker whether it can read every clip at its path, with the right
  size, and sends bytes otherwise. Either way the worker's SHA-256 of what it screened is checked against the
  folder's.
- **One clip per worker thread at a time**: a clip is submitted when a worker thread is free for it (the
  cluster's threads are counted again as workers come and go), so neither this process nor the scheduler holds
  the whole folder's bytes, and a worker that dies held only the clip it was screening.
- **Faults**: a worker process lost mid-clip (killed, out of memory, its machine gone) → the scheduler runs
  the clip again on another worker (Dask's ``allowed-failures``; a local cluster allows
  ``max_losses - 1``, so the clip fails on its ``max_losses``-th loss with :class:`~distributed.KilledWorker`);
  an unexpected error inside a task gets one more try (``retries=1``); a clip that cannot be read returns its
  one-line reason at once (no retry) and becomes a failed row. With no worker for
  :data:`NO_WORKERS_TIMEOUT_S` the batch stops with a message; finished clips are kept and a rerun resumes.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
import warnings
from pathlib import Path
from typing import Callable, Iterator

from distributed import WorkerPlugin

from records.errors import ClusterError, InvalidInput

NO_WORKERS_TIMEOUT_S = 60.0  # engineering choice: wait this long for a worker before giving up (seconds)
CONNECT_TIMEOUT_S = 10.0  # engineering choice: seconds to reach a scheduler


class PoseModels(WorkerPlugin):
    """Builds the worker process's pose models once, when the worker starts (or when the plugin is first
    registered with a running worker), and closes them when the worker stops.

    ``quiet`` sends MediaPipe's native log lines to /dev/null in the worker (for a cluster started by the
    command line, whose workers share its terminal); ``segmentation`` builds the model with the person
    outline too.
    """

    name = "posture-pose-models"
    idempotent = True  # a second batch on the same cluster finds the models already built

    def __init__(self, quiet: bool = False, segmentation: bool = False) -> None:
        self.quiet = quiet
        self.segmentation = segmentation

    def setup(self, worker) -> None:
        import capture.analyze  # noqa: F401  (the per-clip code and the analysis: imported now, not in the first clip)
        import records.batch  # noqa: F401
        from vision.estimator import process_models, silence_native_logs

        if self.quiet:
            silence_native_logs()
        models = process_models()
        models.give_back(models.take(static=False, segmentation=self.segmentation))  # built now, not per clip

    def teardown(self, worker) -> None:
        from vision.estimator import process_models

        process_models().close()


def screen_task(name: str, path: str | None, data: bytes | None, options: dict) -> dict:
    """One clip on a worker: :func:`records.batch.screen_clip` with this process's models, the clip read at
    ``path`` or from ``data`` (its bytes, kept in a private temporary folder while it is screened). A clip
    that cannot be screened returns ``{"error": reason}`` (not raised: Dask would try it again)."""
    from privacy.files import private_tempdir, write_private
    from records.batch import screen_clip
    from vision.errors import InputError
    from vision.estimator import process_models

    try:
        if data is None:
            return screen_clip(path, name, models=process_models(), **options)
        with private_tempdir("posture-clip-") as tmp:
            clip = write_private(tmp / Path(name).name, data)
            return screen_clip(clip, name, models=process_models(), **options)
    except InputError as e:
        return {"error": str(e)}


@contextlib.contextmanager
def connect(address: str, workers: int = 2, max_losses: int = 3) -> Iterator:
    """A :class:`distributed.Client` of the scheduler at ``address`` (``tcp://HOST:PORT``), or of a
    ``LocalCluster`` of ``workers`` single-threaded worker processes started here for ``"local"`` (its
    scratch space in a private temporary folder, deleted afterwards); closed at the end."""
    import dask
    from distributed import Client, LocalCluster

    if address == "local":
        from privacy.files import private_tempdir

        with private_tempdir("posture-dask-") as scratch, dask.config.set({
                "distributed.scheduler.allowed-failures": max_losses - 1,
                "temporary-directory": str(scratch)}):  # Dask's scratch space too: deleted at the end
            for attempt in range(1, max_losses + 1):  # a worker process lost while starting: start again
                try:
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                           dashboard_address=None, local_directory=str(scratch),
                                           silence_logs=logging.ERROR)
                    break
                except RuntimeError as e:
                    if attempt == max_losses:
                        raise ClusterError(f"the local Dask cluster did not start ({e}): try --workers 1") from None
            try:
                with Client(cluster) as client:
                    yield client
            finally:
                cluster.close()
        return
    if "://" not in address:
        raise InvalidInput(f"the cluster address must be tcp://HOST:PORT (a Dask scheduler) or local, not {address!r}")
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterError(f"cannot reach a Dask scheduler at {address} ({type(e).__name__}): start it with "
                           "'dask scheduler' and check the address and port") from None
    try:
        yield client
    finally:
        client.close()


def screen_on_cluster(cluster, todo: list[Path], options: dict,
                      record: Callable[[Path, dict | None, str | None, bool], None], *, workers: int = 2,
                      send: str = "auto", max_losses: int = 3) -> str:
    """Screen the clips ``todo`` on ``cluster``: an address (see :func:`connect`) or a connected
    :class:`distributed.Client` (left open), handing each result to ``record(path, result, error, retried)``
    as it arrives. Returns where they ran, in words."""
    if not isinstance(cluster, str):
        return _screen_with(cluster, f"the Dask cluster at {cluster.scheduler.address}", todo, options, record, send,
                            False)
    with connect(cluster, workers, max_losses) as client:
        where = (f"a local Dask cluster of {workers} worker processes" if cluster == "local"
                 else f"the Dask cluster at {cluster}")
        return _screen_with(client, where, todo, options, record, send, cluster == "local")


def _screen_with(client, where: str, todo: list[Path], options: dict, record, send: str, quiet: bool) -> str:
    client.register_plugin(PoseModels(quiet=quiet, segmentation=bool(options.get("segmentation"))))
    try:
        client.wait_for_workers(1, timeout=NO_WORKERS_TIMEOUT_S)
    except TimeoutError:
        address = client.scheduler.address
        raise ClusterError(f"no worker joined the Dask scheduler at {address} within {NO_WORKERS_TIMEOUT_S:.0f} s: "
                           f"start one on each machine (dask worker {address} --nthreads 1)") from None
    mode = choose_send(client, todo, send)
    n = len(client.nthreads())
    _run(client, todo, options, record, mode)
    return f"{where}{'' if quiet else f' ({n} workers at the start)'}, clips sent by {mode}"


def choose_send(client, todo: list[Path], send: str) -> str:
    """``"path"`` or ``"bytes"`` for ``send`` (``"auto"`` checks that every worker reads every clip at its path
    with the same size; ``"path"`` insists on it)."""
    if send == "bytes" or not todo:
        return "bytes" if send == "bytes" else "path"
    paths = [str(f.resolve()) for f in todo]
    sizes = [f.stat().st_size for f in todo]

    def readable(paths: list[str], sizes: list[int]) -> list[str]:  # runs on each worker (sent by value)
        import os

        return [p for p, s in zip(paths, sizes) if not (os.access(p, os.R_OK) and os.path.getsize(p) == s)]

    unseen = {w: bad for w, bad in client.run(readable, paths, sizes).items() if bad}
    if not unseen:
        return "path"
    if send == "path":
        w, bad = next(iter(unseen.items()))
        raise ClusterError(f"the worker {w} cannot read {bad[0]} (or sees another file there): mount the clips' folder "
                           "at the same path on every worker, or send the clips as bytes (--send bytes)")
    return "bytes"


def _run(client, todo: list[Path], options: dict, record, mode: str) -> None:
    from distributed import wait
    from distributed.scheduler import KilledWorker

    from records.batch import plain_error

    token = secrets.token_hex(4)
    pending = list(enumerate(todo))
    running: dict = {}

    def submit_more() -> None:
        try:
            threads = sum(client.nthreads().values())
        except Exception:  # noqa: BLE001 - the scheduler is going away: the futures say so next
            return
        while pending and len(running) < max(1, threads):
            i, f = pending.pop(0)
            data = f.read_bytes() if mode == "bytes" else None
            with warnings.catch_warnings():  # a clip sent as bytes is meant to travel with its task
                warnings.filterwarnings("ignore", message="Sending large graph")
                fut = client.submit(screen_task, f.name, None if data is not None else str(f.resolve()), data,
                                    options, key=f"posture-screen-{token}-{i}", retries=1, pure=False, priority=-i)
            running[fut] = f

    def losses(keys, dask_scheduler=None):  # runs on the scheduler (sent by value): worker deaths per task
        return {k: dask_scheduler.tasks[k].suspicious for k in keys if k in dask_scheduler.tasks}

    submit_more()
    no_workers_since = None
    while running:
        try:  # the futures as they complete, and every 2 s a look for new workers, or whether any is left
            done = list(wait(list(running), timeout=2.0, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            no_workers_since = _check_workers(client, no_workers_since)
            submit_more()
            continue
        try:
            lost = client.run_on_scheduler(losses, [fut.key for fut in done])
        except Exception:  # noqa: BLE001 - the scheduler is going away: the futures say so next
            lost = {}
        finished = [(fut, running.pop(fut)) for fut in done]
        submit_more()  # the freed workers get their next clip before this process writes the results
        for fut, f in finished:
            retried = lost.get(fut.key, 0) > 0
            if fut.status == "finished":
                res = fut.result()
                record(f, None if "error" in res else res, res.get("error"), retried)
            elif fut.status == "cancelled":
                raise ClusterError("the cluster cancelled the screen (the scheduler was restarted or the connection "
                                   "lost): the finished files are kept; run the same command again to resume")
            else:
                exc = fut.exception()
                if isinstance(exc, KilledWorker):
                    n = exc.allowed_failures + 1
                    record(f, None, f"the worker process analysing it stopped {n} time{'s' if n > 1 else ''} (out of "
                                    "memory, or killed): try this file alone with --workers 1", True)
                else:
                    record(f, None, plain_error(exc), retried)
            fut.release()


def _check_workers(client, since: float | None) -> float | None:
    """The time since when no worker is connected (None while there are workers); raises
    :class:`~records.errors.ClusterError` after :data:`NO_WORKERS_TIMEOUT_S` without any."""
    try:
        n = len(client.nthreads())
    except Exception:  # noqa: BLE001 - the scheduler is unreachable: no worker either
        n = 0
    if n:
        return None
    now = time.monotonic()
    if since is not None and now - since > NO_WORKERS_TIMEOUT_S:
        raise ClusterError(f"no Dask worker (or no scheduler) for {NO_WORKERS_TIMEOUT_S:.0f} s: the finished files are "
                           "kept; start the workers again and run the same command to resume")
    return since or now
