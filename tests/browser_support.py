"""Helpers for the real-browser tests and the app benchmark: start the app on a free port, launch Debian's
Chromium with a fake camera, write a .y4m clip for that camera.

Not a test module (no ``test_`` prefix); imported by ``tests/test_browser_*.py`` and ``benchmarks/bench_app.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("POSTURE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream",
                 "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required"]


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright==1.65.2)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_y4m(path: Path, frames, fps: int = 15) -> Path:
    """Write RGB uint8 frames as an uncompressed YUV 4:2:0 .y4m clip (what Chromium's fake camera plays)."""
    import cv2

    frames = list(frames)
    h, w = frames[0].shape[:2]
    h2, w2 = h - h % 2, w - w % 2
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w2} H{h2} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for img in frames:
            yuv = cv2.cvtColor(np.ascontiguousarray(img[:h2, :w2]), cv2.COLOR_RGB2YUV_I420)
            f.write(b"FRAME\n")
            f.write(yuv.tobytes())
    return path


def empty_room(source: Path) -> np.ndarray:
    """The room of a rendered sample clip with nobody in it (its wall and floor rendered again from the clip's
    camera and background, ``<clip>.json``), RGB uint8."""
    import json

    from vision.synthetic.camera import Camera
    from vision.synthetic.scene import Background, render_background

    meta = json.loads(source.with_suffix(".json").read_text())["meta"]
    cam = meta["camera"]
    camera = Camera(azimuth=cam["azimuth"], distance=cam["distance"], height=cam["height"],
                    target=tuple(cam["target"]), roll=cam.get("roll", 0.0), width=cam["width"],
                    height_px=cam["height_px"], focal=cam.get("focal"), vfov=cam.get("vfov", 50.0))
    bg = meta["background"]
    background = Background(wall=tuple(bg["wall"]), floor=tuple(bg["floor"]), wall_texture=bg["wall_texture"],
                            floor_texture=bg["floor_texture"], wall_distance=bg["wall_distance"], seed=bg["seed"])
    return np.clip(render_background(camera, background), 0, 255).astype(np.uint8)


def fake_camera_clip(path: Path, source: Path | None = None, empty_s: float = 0.0, loops: int = 1) -> Path:
    """The rendered figure standing side-on (``sample_media/standing_side.mp4``), played forwards then
    backwards (``loops`` times) so that Chromium's looping has no jump, as a .y4m file; with ``empty_s``, the
    clip starts with that many seconds of the empty room (nobody in view yet)."""
    from vision.sources import VideoSource

    source = source or ROOT / "sample_media" / "standing_side.mp4"
    src = VideoSource(source)
    try:
        frames = [f.rgb for f in src]
        fps = round(src.info.fps or 15)
    finally:
        src.close()
    empty = [empty_room(source)] * int(round(empty_s * fps)) if empty_s > 0 else []
    return write_y4m(path, empty + (frames + frames[::-1]) * loops, fps=fps)


class AppServer:
    """``streamlit run app.py`` on a free local port; a context manager that always stops it.

    ``log`` holds the server's output (stdout and stderr) after it stopped.
    """

    def __init__(self, env: dict | None = None, port: int | None = None, timeout: float = 90.0) -> None:
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.env = env or {}
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.log = ""

    def __enter__(self) -> "AppServer":
        import tempfile

        fd, name = tempfile.mkstemp(prefix="posture-app-server-", suffix=".log")
        self.log_path = Path(name)
        env = dict(os.environ, **self.env)
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(self.port),
             "--server.headless", "true", "--server.address", "localhost", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=fd, stderr=subprocess.STDOUT, start_new_session=True)
        os.close(fd)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.__exit__(None, None, None)
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise TimeoutError(f"streamlit did not answer on {self.url} within {self.timeout:.0f} s:\n{self.log[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self.log_path is not None and self.log_path.exists():
            self.log = self.log_path.read_text(errors="replace")
            self.log_path.unlink()


@contextlib.contextmanager
def chromium(fake_video: Path | None = None, headless: bool = True):
    """A Playwright Chromium browser (Debian's binary), with the fake camera playing ``fake_video``."""
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if fake_video is not None:
        args.append(f"--use-file-for-fake-video-capture={Path(fake_video).resolve()}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=headless, args=args)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_app(page, timeout_ms: int = 120_000) -> None:
    """Wait until Streamlit finished running the script and cleared what the run before left on the page.

    Streamlit marks its app root with the script's state (``data-test-script-state``: ``running``,
    ``notRunning``, ...) and the elements a run has not redrawn yet with ``data-stale="true"``; the status
    widget's "Running..." appears only after a delay, so on a slow machine the page could be read while the
    last run's sections were still on it. A short wait first lets a rerun that was just asked for begin.
    """
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => { const app = document.querySelector(\"[data-testid='stApp']\");"
        " const state = app && app.getAttribute('data-test-script-state');"
        " const widget = document.querySelector(\"[data-testid='stStatusWidget']\");"
        " return state !== 'running' && state !== 'rerunRequested'"
        " && !(widget && widget.innerText.includes('Running'))"
        " && !document.querySelector(\"[data-stale='true']\"); }",
        timeout=timeout_ms)


def have_chromium() -> bool:
    return shutil.which(str(CHROMIUM)) is not None or CHROMIUM.exists()


def full_screenshot(page, path: Path, width: int = 1400) -> Path:
    """Screenshot of the whole page: Streamlit scrolls inside its main block, so the viewport is made as tall
    as that block's content first (then put back)."""
    height = page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\") || document.body;"
        " return Math.max(m.scrollHeight, document.body.scrollHeight); }")
    old = page.viewport_size
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    if old:
        page.set_viewport_size(old)
    return Path(path)
