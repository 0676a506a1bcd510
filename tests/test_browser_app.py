"""The app in a real browser: Debian's Chromium driven by Playwright against ``streamlit run app.py`` on a free
local port. The live webcam is Chromium's fake camera playing a .y4m clip of the rendered figure; the test
presses START, waits for landmarks on the server and for the result; it also uploads a photo and opens the
Therapist page. Each result page is saved as a screenshot in ``tests/artifacts/`` (or ``$POSTURE_ARTIFACTS``) for
a person to look at. The browser's request log must show no request leaving the machine.

Skips, saying why, where Chromium or Playwright is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_support import ROOT, AppServer, browser_missing, chromium, fake_camera_clip, full_screenshot, wait_for_app  # noqa: E402

pytestmark = [pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or ""),
              pytest.mark.skipif(not (ROOT / "sample_media" / "standing_side.mp4").is_file(),
                                 reason="sample_media/standing_side.mp4 is not generated")]

ARTIFACTS = Path(os.environ.get("POSTURE_ARTIFACTS", ROOT / "tests" / "artifacts"))
TIMEOUT_MS = 180_000  # a shared 2-core machine


NOTE = "Sore **after** sitting ![pixel](http://example.invalid/track.png) :red[alarm]"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from records.store import Records

    db = tmp_path_factory.mktemp("browser-records") / "records.sqlite"
    with Records(db) as rec:  # a client whose note holds Markdown that would fetch a picture from elsewhere
        cid = rec.add_client("br1", "Browser Client")
        rec.set_consent(cid, "records", True)
        rec.save_session(cid, [], label="first visit", notes=[NOTE])
    with AppServer(env={"POSTURE_DB": str(db)}) as srv:
        yield srv


def log_requests(page) -> list[str]:
    """Every URL the page asks for, as it asks."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def outside(urls: list[str]) -> list[str]:
    """The requests that would leave the machine (anything but this computer, data: and blob: URLs)."""
    return [u for u in urls if urlsplit(u).scheme not in ("data", "blob")
            and urlsplit(u).hostname not in ("localhost", "127.0.0.1", "::1")]


def choose_source(page, label: str) -> None:
    page.get_by_text(label, exact=True).click()
    wait_for_app(page)


def test_live_webcam_with_fake_camera(server, tmp_path):
    clip = fake_camera_clip(tmp_path / "standing_side.y4m")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium(fake_video=clip) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        urls = log_requests(page)
        page.goto(server.url)
        page.get_by_text("Result: standing_side.mp4").wait_for(timeout=TIMEOUT_MS)  # the sample first
        choose_source(page, "Live webcam")
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
        frame.get_by_role("button", name="START").click(timeout=60_000)
        status = page.get_by_text(re.compile(r"Frames analysed: \d+ \(with a person: [1-9]\d*\)"))
        status.wait_for(timeout=60_000)  # landmarks reached the server's frame callback
        page.get_by_text("Result: webcam capture.mp4").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Report (JSON)").wait_for(timeout=TIMEOUT_MS)  # the last section
        wait_for_app(page)
        text = page.inner_text("[data-testid='stMain']")
        m = re.search(r"Frames analysed: (\d+) \(with a person: (\d+)\)", text)
        assert m and int(m.group(2)) >= 20, text[:2000]
        assert "Standing posture, right side view" in text or "Standing posture, left side view" in text, text[:3000]
        assert "Pelvic tilt" in text and "Captured" in text
        full_screenshot(page, ARTIFACTS / "result_live_webcam.png")
        frame.get_by_role("button", name="STOP").click()
    assert urls and outside(urls) == []


def test_upload_a_photo_in_the_browser(server):
    photo = ROOT / "sample_media" / "standing_side_photo.png"
    if not photo.is_file():
        pytest.skip(f"{photo} is not generated")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        urls = log_requests(page)
        page.goto(server.url)
        page.get_by_text("Result: standing_side.mp4").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Report (JSON)").wait_for(timeout=TIMEOUT_MS)
        full_screenshot(page, ARTIFACTS / "result_sample.png")
        choose_source(page, "Upload a video or photo")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(photo))
        page.get_by_text("Result: standing_side_photo.png").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Report (JSON)").wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page)
        text = page.inner_text("[data-testid='stMain']")
        assert "Standing posture, right side view" in text, text[:3000]
        assert "In plain words" in text and "Pelvic tilt" in text
        assert page.get_by_role("button", name="Report (JSON)").is_visible()
        full_screenshot(page, ARTIFACTS / "result_upload_photo.png")
    assert urls and outside(urls) == []


def test_therapist_page_shows_notes_as_typed_and_fetches_nothing_from_outside(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        urls = log_requests(page)
        page.goto(server.url + "/Therapist")
        wait_for_app(page)
        page.get_by_role("tab", name="History").click()
        page.get_by_text(NOTE, exact=True).wait_for(timeout=60_000)  # the note as typed, asterisks and all
        page.wait_for_timeout(1000)  # time for any picture the page might try to fetch
    assert urls and outside(urls) == []
