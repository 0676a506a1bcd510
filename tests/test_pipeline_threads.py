"""The pipeline's helper threads: read-ahead, the annotated-video writer, outlines traced in a worker, and
the interpreter-lock hand-over around model calls."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from vision.estimator import GIL_SWITCH_INTERVAL, quick_gil_handover
from vision.pipeline import Prefetch, VideoWriter
from vision.sequence import SequenceBuilder
from vision.sources import SourceInfo, VideoSource


def test_prefetch_yields_every_item_in_order_and_stops_its_thread():
    p = Prefetch(range(50), depth=3)
    assert list(p) == list(range(50))
    assert not p._thread.is_alive()


def test_prefetch_reads_ahead_before_the_first_item_is_asked_for():
    seen = []

    def items():
        for i in range(10):
            seen.append(i)
            yield i

    p = Prefetch(items(), depth=4)
    deadline = time.monotonic() + 5
    while len(seen) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(seen) >= 4  # decoding has started while the consumer was still busy elsewhere
    p.close()


def test_prefetch_passes_an_error_on_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise OSError("disk gone")

    p = Prefetch(items())
    assert next(p) == 1 and next(p) == 2
    with pytest.raises(OSError, match="disk gone"):
        next(p)
    assert not p._thread.is_alive()


def test_prefetch_closed_early_stops_a_producer_that_would_never_end():
    def forever():
        i = 0
        while True:
            yield i
            i += 1

    p = Prefetch(forever(), depth=2)
    assert next(p) == 0
    p.close()
    assert not p._thread.is_alive()
    with pytest.raises(StopIteration):
        next(p)


def test_quick_gil_handover_lowers_the_switch_interval_and_restores_it_when_the_last_user_ends():
    before = sys.getswitchinterval()
    with quick_gil_handover():
        assert sys.getswitchinterval() == pytest.approx(min(before, GIL_SWITCH_INTERVAL))
        with quick_gil_handover():
            assert sys.getswitchinterval() == pytest.approx(min(before, GIL_SWITCH_INTERVAL))
        assert sys.getswitchinterval() == pytest.approx(min(before, GIL_SWITCH_INTERVAL))
    assert sys.getswitchinterval() == pytest.approx(before)


def test_quick_gil_handover_shared_by_threads_is_restored_once_all_have_left():
    before = sys.getswitchinterval()
    inside, leave = threading.Barrier(3), threading.Event()

    def user():
        with quick_gil_handover():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=user) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert sys.getswitchinterval() == pytest.approx(min(before, GIL_SWITCH_INTERVAL))
    leave.set()
    for t in threads:
        t.join()
    assert sys.getswitchinterval() == pytest.approx(before)


def test_video_writer_draws_in_its_own_thread_and_writes_every_frame(tmp_path):
    threads = set()

    def render(item):
        threads.add(threading.current_thread().name)
        img = np.zeros((64, 96, 3), np.uint8)
        img[:, : item * 4] = 200
        return img

    w = VideoWriter(tmp_path / "a.mp4", 10.0, render=render)
    for i in range(12):
        w.write(i)
    w.close()
    frames = [f.rgb for f in VideoSource(tmp_path / "a.mp4")]
    assert len(frames) == 12
    assert threads == {"video-writer"}
    # the drawn bar grows frame by frame: the items arrived in order
    widths = [int((f[32, :, 0] > 100).sum()) for f in frames]
    assert widths == sorted(widths) and widths[-1] > widths[1]


def test_video_writer_reports_a_drawing_error_at_close(tmp_path):
    def render(item):
        if item == 3:
            raise ValueError("bad frame")
        return np.zeros((32, 32, 3), np.uint8)

    w = VideoWriter(tmp_path / "b.mp4", 10.0, render=render)
    with pytest.raises(ValueError, match="bad frame"):
        try:
            for i in range(20):
                w.write(i)
        finally:
            w.close()  # also when write() raised first: the thread must end


class _Res:
    def __init__(self):
        self.landmarks = np.zeros((33, 3), np.float32)
        self.visibility = np.ones(33, np.float32)
        self.world = np.zeros((33, 3), np.float32)


def test_sequence_builder_awaits_outlines_traced_in_another_thread():
    b = SequenceBuilder()
    with ThreadPoolExecutor(1) as pool:
        for i in range(5):
            fut = pool.submit(lambda k: np.full((8, 2), k, np.float32), i)
            b.append(i, i / 10, _Res(), (100, 100), fut)
        b.append(5, 0.5, _Res(), (100, 100), None)
    seq = b.build(SourceInfo(kind="video", name="x", path="x"), {})
    assert seq.outline.shape == (6, 8, 2)
    assert [float(seq.outline[i, 0, 0]) for i in range(5)] == [0, 1, 2, 3, 4]
    assert np.isnan(seq.outline[5]).all()
