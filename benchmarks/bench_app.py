"""Speed of the app as a person meets it: the live webcam check and the time from upload to results.

    .venv/bin/python benchmarks/bench_app.py                 # everything
    .venv/bin/python benchmarks/bench_app.py --only live     # or: first, upload, browser-upload

``live``: ``streamlit run app.py`` on a free port, Debian's Chromium (Playwright) with its fake camera playing
a .y4m clip of the rendered figure standing side-on; START is pressed and the page's live status line
(frames the server's frame callback processed per second, the estimated delay from a frame's arrival at
the server to its overlay, the model + drawing time) is read every half second until the capture starts,
then the time to the result is taken. The delay is estimated from the frames' RTP clock: arrival minus
capture time, less its minimum over the session (the fixed transport lag), plus processing; the overlay
then goes out with the next camera frame (up to one frame interval more) and the browser's own encode
and decode are not included.

``first``: a freshly started server; the time from opening the page to the built-in example's result (its lead
lines), three times.

``upload``: :func:`ui.analyse.analyse_path` (what the page runs after an upload: the pipeline with the
silhouette, the assessment, the key frame and the annotated clip) on the built-in sample clip and on
``../shared/data/video/sports2d__demo4.mp4``. ``browser-upload``: the same sample uploaded through the page
in Chromium, from choosing the file to the last result section shown.

The machine's load average is printed with the figures: other work on a shared 2-core machine slows all of
them.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

VIEWPORT = {"width": 1366, "height": 900}
LAST_SECTION = "Before any advice"  # the safety questions: the last section of a result page
STATUS = re.compile(r"Frames analysed: (\d+) \(with a person: (\d+)\) · ([\d.]+) frames/s · overlay delay about "
                    r"(\d+) ms \(model and drawing (\d+) ms\)(?: · (\d+) frames skipped)?")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def bench_live(seconds: float = 25.0) -> dict:
    from browser_support import AppServer, chromium, fake_camera_clip, wait_for_app

    # the page shows frame rates and delays only with POSTURE_LIVE_DETAILS=1 (a person sees the live states)
    with tempfile.TemporaryDirectory() as tmp, AppServer(env={"POSTURE_LIVE_DETAILS": "1"}) as srv:
        clip = fake_camera_clip(Path(tmp) / "standing_side.y4m")
        with chromium(fake_video=clip) as browser:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(srv.url)
            page.get_by_text(LAST_SECTION).wait_for(timeout=180_000)
            page.get_by_text("Live webcam", exact=True).click()
            wait_for_app(page)
            frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
            frame.get_by_role("button", name="START").click(timeout=60_000)
            t0 = time.monotonic()
            first = None
            rows = []
            while time.monotonic() - t0 < 120:
                text = page.inner_text("[data-testid='stMain']")
                m = STATUS.search(text)
                if m and int(m.group(2)) > 0 and first is None:
                    first = time.monotonic() - t0
                if m and ("Capturing" in text or "Result: webcam capture" in text):
                    break
                if m:
                    rows.append(tuple(float(x or 0) for x in m.groups()))
                time.sleep(0.5)
            t_capture = time.monotonic() - t0
            page.get_by_text("Result: webcam capture.mp4").wait_for(timeout=180_000)
            page.get_by_text(LAST_SECTION).wait_for(timeout=180_000)
            t_result = time.monotonic() - t0
            final = STATUS.search(page.inner_text("[data-testid='stMain']"))
            frame.get_by_role("button", name="STOP").click()
    steady = rows[len(rows) // 3:] or rows  # after the model has warmed up
    out = {"readings": len(rows),
           "fps": statistics.median(r[2] for r in steady) if steady else None,
           "delay_ms": statistics.median(r[3] for r in steady) if steady else None,
           "process_ms": statistics.median(r[4] for r in steady) if steady else None,
           "start_to_landmarks_s": first, "start_to_capture_s": t_capture, "start_to_result_s": t_result,
           "frames_processed": int(final.group(1)) if final else None,
           "frames_skipped": int(final.group(6) or 0) if final else None}
    return out


def bench_upload(paths: list[Path]) -> list[tuple[str, float, int]]:
    from ui.analyse import analyse_path

    out = []
    analyse_path(ROOT / "sample_media" / "standing_side_photo.png")  # load the models once (as a running app has)
    for p in paths:
        if not p.is_file():
            print(f"  (skipped {p}: not found)")
            continue
        t = time.perf_counter()
        r = analyse_path(p)
        out.append((p.name, time.perf_counter() - t, len(r.sequence)))
    return out


def bench_browser_upload(path: Path) -> float:
    from browser_support import AppServer, chromium, wait_for_app

    with AppServer() as srv, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(srv.url)
        page.get_by_text(LAST_SECTION).wait_for(timeout=180_000)
        page.get_by_text("Upload a video or photo", exact=True).click()
        wait_for_app(page)
        t = time.monotonic()
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        page.get_by_text(f"Result: {path.name}").wait_for(timeout=300_000)
        page.get_by_text(LAST_SECTION).wait_for(timeout=300_000)
        return time.monotonic() - t


def bench_first_result(rounds: int = 3) -> list[float]:
    """Seconds from opening the page (a server that has just started) to the built-in example's lead lines."""
    from browser_support import AppServer, chromium

    out = []
    for _ in range(rounds):
        with AppServer() as srv, chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            t = time.monotonic()
            page.goto(srv.url)
            page.get_by_text("In the usual range").first.wait_for(timeout=180_000)
            out.append(time.monotonic() - t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("first", "live", "upload", "browser-upload"), help="run one part")
    args = ap.parse_args()
    sample = ROOT / "sample_media" / "standing_side.mp4"
    demo4 = ROOT.parent / "shared" / "data" / "video" / "sports2d__demo4.mp4"
    print(f"cores: {os.cpu_count()}, load average at start: {load()}")
    if args.only in (None, "first"):
        secs = bench_first_result()
        print(f"opening the page to the built-in example's result: {', '.join(f'{x:.1f}' for x in secs)} s "
              f"(a freshly started server each time)  [load {load()}]")
    if args.only in (None, "upload"):
        for name, secs, n in bench_upload([sample, demo4]):
            print(f"upload to result (pipeline, in process): {name}: {secs:.1f} s for {n} frames "
                  f"({n / secs:.1f} frames/s)  [load {load()}]")
    if args.only in (None, "browser-upload"):
        print(f"upload to result in the browser: {sample.name}: {bench_browser_upload(sample):.1f} s  [load {load()}]")
    if args.only in (None, "live"):
        r = bench_live()
        print(f"live (fake camera 640x480 @15 fps, full model): {r['fps']:.1f} frames/s processed, overlay delay "
              f"{r['delay_ms']:.0f} ms (model and drawing {r['process_ms']:.0f} ms), median of {r['readings']} readings; "
              f"START to first landmarks {r['start_to_landmarks_s']:.1f} s, to capture {r['start_to_capture_s']:.1f} s, "
              f"to result {r['start_to_result_s']:.1f} s; {r['frames_processed']} frames processed, "
              f"{r['frames_skipped']} skipped  [load {load()}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
