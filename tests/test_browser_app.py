"""The app in a real browser, as a client, a therapist and a trainer meet it: Debian's Chromium driven by Playwright
at 1366x900 against ``streamlit run app.py`` on a free local port. Each journey saves screenshots in
``tests/artifacts/`` (or ``$POSTURE_ARTIFACTS``) for a person to look at; the browser's request log must show no
request leaving the machine.

* client: the built-in example (the time to its result is printed), the details and the safety questions before
  any advice, the one-page printable summary, an upload, and a recording that could not be measured;
* live: Chromium's fake camera plays an empty room and then the rendered figure: waiting for the camera, step into
  view (the countdown refuses, saying why), the countdown, the result; no frame-rate text;
* therapist: a new client with the consent wording, upload-and-store (cleared after storing, the numbers shown,
  the same clip refused a second time), a capture renamed, ASIS then PSIS clicked on the zoomed key frame, the
  comparison (every row, improved / worse, the hand-marked caveat, a slider in seconds), the safety questions and
  a session report in one click;
* trainer: a clip with people in turn and a clip of the wrong test screened into the roster, a person named.

Skips, saying why, where Chromium or Playwright is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_support import ROOT, AppServer, browser_missing, chromium, fake_camera_clip, full_screenshot, wait_for_app  # noqa: E402

pytestmark = [pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or ""),
              pytest.mark.skipif(not (ROOT / "sample_media" / "standing_side.mp4").is_file(),
                                 reason="sample_media/standing_side.mp4 is not generated")]

ARTIFACTS = Path(os.environ.get("POSTURE_ARTIFACTS", ROOT / "tests" / "artifacts"))
TIMEOUT_MS = 180_000  # a shared 2-core machine
VIEWPORT = {"width": 1366, "height": 900}
SAMPLES = ROOT / "sample_media"
NOTE = "Sore **after** sitting ![pixel](http://example.invalid/track.png) :red[alarm]"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from records.store import Records

    base = tmp_path_factory.mktemp("browser-records")
    db = base / "records.sqlite"
    with Records(db) as rec:  # a client whose note holds Markdown that would fetch a picture from elsewhere
        cid = rec.add_client("br1", "Browser Client")
        rec.set_consent(cid, "records", True)
        rec.save_session(cid, [], label="first visit", notes=[NOTE])
    with AppServer(env={"POSTURE_DB": str(db), "POSTURE_BATCH_DIR": str(base / "batches")}) as srv:
        srv.batch_dir = base / "batches"
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


def shot(page, name: str, full: bool = False) -> Path:
    """A screenshot for a person to look at: the 1366x900 view (what is above the fold), or the whole page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.mouse.move(2, VIEWPORT["height"] - 2)  # no tooltip of the last button clicked over the picture
    page.wait_for_timeout(300)
    if full:
        return full_screenshot(page, path, width=VIEWPORT["width"])
    page.screenshot(path=str(path))
    return path


def main_text(page) -> str:
    return page.inner_text("[data-testid='stMain']")


def choose_source(page, label: str) -> None:
    page.get_by_text(label, exact=True).click()
    page.wait_for_timeout(700)  # the rerun starts
    wait_for_app(page)


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def pdf_picture(pdf: Path, name: str) -> Path:
    """Page 1 of a PDF as a PNG in the artifacts (to look at)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
                    str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


def pdf_text(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def answer_all(form, answer: str = "No") -> None:
    """Answer every yes/no question of a Streamlit form."""
    radios = form.locator("[data-testid='stRadio']")
    for i in range(radios.count()):
        radios.nth(i).get_by_text(answer, exact=True).click()


def download(page, button, dest: Path, attempts: int = 3) -> Path:
    """Click a download button and save what it gives. A click that lands while Streamlit re-renders the page
    can be lost (seen once in CI: no download in 180 s): after a script run has finished the click is tried
    again, at most ``attempts`` times in ``TIMEOUT_MS`` in all."""
    for k in range(attempts):
        wait_for_app(page)
        try:
            with page.expect_download(timeout=TIMEOUT_MS // attempts) as dl:
                button.click()
            break
        except PlaywrightTimeout:
            if k == attempts - 1:
                raise
    dl.value.save_as(str(dest))
    return dest


# ---------------------------------------------------------------------------------------------- client
def test_client_journey(server, tmp_path):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
        urls = log_requests(page)
        t0 = time.monotonic()
        page.goto(server.url)
        page.get_by_text("In the usual range").first.wait_for(timeout=TIMEOUT_MS)
        seconds = time.monotonic() - t0
        print(f"\nbuilt-in example: result shown {seconds:.1f} s after opening the page")
        page.get_by_text("Before any advice").wait_for(timeout=TIMEOUT_MS)  # the last section
        wait_for_app(page)
        shot(page, "client_result_fold")  # the lead lines and the key frame above the fold
        text = main_text(page)
        for jargon in ("ASIS", "craniovertebral", "% of your height", "Hip angle: 180"):
            assert jargon not in text, jargon
        assert "Before any advice" in text and "saddle" not in text.split("Before any advice")[0]
        assert "frames/s" not in text and "Report (JSON)" not in text  # other files are folded away
        page.get_by_text("Each measure in everyday words").click()
        page.get_by_text("The numbers and charts (for a therapist)").click()
        page.get_by_text("Angles over the recording").wait_for(timeout=60_000)
        shot(page, "client_result_details", full=True)
        # the safety questions come first, as questions; the advice only after them
        form = page.locator("[data-testid='stForm']")
        assert form.get_by_text("Is there numbness or tingling", exact=False).is_visible()
        assert "The advice appears here once the safety questions above are answered" in main_text(page)
        answer_all(form, "No")
        form.get_by_role("button", name="Show the advice").click()
        wait_for_app(page)
        page.get_by_text("Where this advice comes from").wait_for(timeout=60_000)
        text = main_text(page)
        assert "Measure again" in text and "pain has changed" not in text  # no pain was reported
        assert "no stretch is suggested" not in text
        shot(page, "client_advice", full=True)
        # the one-page summary to print or show a therapist
        pdf = download(page, page.get_by_role("button", name="Printable summary (PDF)"), tmp_path / "summary.pdf")
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf_pages(pdf) == 1
        pdf_picture(pdf, "client_summary_pdf")
        assert "Posture check" in pdf_text(pdf) and "In the usual range" in pdf_text(pdf)
        # an upload: the upload box stays in view, the set-up guide folded below it
        choose_source(page, "Upload a video or photo")
        uploader = page.locator("[data-testid='stFileUploader']")
        uploader.wait_for(timeout=60_000)
        radio = page.get_by_text("Upload a video or photo", exact=True).bounding_box()
        assert 0 < uploader.bounding_box()["y"] - radio["y"] < 150  # right under the choice, nothing pushed above it
        shot(page, "client_upload_start")
        uploader.locator("input[type='file']").set_input_files(str(SAMPLES / "standing_side_photo.png"))
        page.get_by_text("Result: standing_side_photo.png").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("In the usual range").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page)
        shot(page, "client_upload_photo")
        # a recording that cannot be measured: only what went wrong, once, with the set-up picture
        uploader.locator("input[type='file']").set_input_files(str(SAMPLES / "standing_front.jpg"))
        page.get_by_text("Result: standing_front.jpg").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("What went wrong, and how to fix it").wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page)
        text = main_text(page)
        assert text.count("88 degrees away from a right side view") == 1, text
        assert "Set it up like this" in text and "What to do" not in text and "Printable summary" not in text
        assert "Angles over the recording" not in text and "Measure again" not in text
        shot(page, "client_failed_capture", full=True)
    assert urls and outside(urls) == []


# ---------------------------------------------------------------------------------------------- live
def test_live_webcam_states(server, tmp_path):
    clip = fake_camera_clip(tmp_path / "room_then_person.y4m", empty_s=6.0, loops=3)
    with chromium(fake_video=clip) as browser:
        page = browser.new_page(viewport=VIEWPORT)
        urls = log_requests(page)
        page.goto(server.url)
        page.get_by_text("In the usual range").first.wait_for(timeout=TIMEOUT_MS)
        choose_source(page, "Live webcam")
        page.get_by_text("Waiting for the camera").wait_for(timeout=60_000)
        shot(page, "live_waiting_for_camera")
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
        frame.get_by_role("button", name="START").click(timeout=60_000)
        page.get_by_text("Step into view", exact=True).wait_for(timeout=60_000)  # the empty room reached the server
        page.get_by_role("button", name="Start the countdown now").click()
        page.get_by_text("Nobody is in view, so there is nothing to capture").wait_for(timeout=30_000)
        shot(page, "live_countdown_refused")
        page.get_by_text(re.compile(r"^(Adjust|Ready|Countdown|Capturing)$")).first.wait_for(timeout=60_000)
        page.get_by_text("Countdown", exact=True).wait_for(timeout=60_000)
        shot(page, "live_countdown")
        page.get_by_text("Result: webcam capture.mp4").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("In the usual range").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page)
        text = main_text(page)
        assert "Done" in text and "frames/s" not in text and "Frames analysed" not in text
        assert "camera is off" not in text.lower() and "skipped" not in text
        shot(page, "live_result", full=True)
        frame.get_by_role("button", name="STOP").click()
    assert urls and outside(urls) == []


# ---------------------------------------------------------------------------------------------- therapist
def store(page, clip: Path, session_name: str) -> None:
    # the form is on the first tab; after a rerun the browser may still show the tab clicked last (History)
    page.get_by_role("tab", name="New session").click()
    form = page.locator("[data-testid='stForm']").first
    # the page reruns after the last action; on a loaded 2-core machine (the clean-clone CI of session 39, with
    # benchmarks beside it) the form took over 30 s to come back
    form.locator("input[type='file']").set_input_files(str(clip), timeout=TIMEOUT_MS)
    form.locator("[data-testid='stFileChip']").first.wait_for(timeout=60_000)  # uploaded
    form.get_by_label("Session name").fill(session_name)
    form.get_by_role("button", name="Analyse and store").click()
    page.wait_for_timeout(700)
    wait_for_app(page)


def test_therapist_journey(server, tmp_path):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
        urls = log_requests(page)
        page.goto(server.url + "/Therapist")
        wait_for_app(page)
        # the note typed earlier is shown as typed, and fetches nothing
        page.get_by_role("tab", name="History").click()
        page.get_by_text(NOTE, exact=True).wait_for(timeout=60_000)
        # a new client, with the consent wording read to them
        side = page.locator("[data-testid='stSidebar']")
        side.get_by_text("New client").click()
        side.get_by_label("Code (short id").fill("ann-1")
        side.get_by_label("Name", exact=True).fill("Ann Example")
        assert side.get_by_text("I agree that my posture assessments").first.is_visible()
        side.get_by_text("Store the assessments").first.click()
        side.get_by_text("Keep the videos and photos").first.click()
        shot(page, "therapist_new_client")
        side.get_by_role("button", name="Add client").click()
        wait_for_app(page)
        page.get_by_text("Added the client ann-1").wait_for(timeout=30_000)
        # upload and store: the form is cleared, the numbers are shown at once
        store(page, SAMPLES / "before_tilt16.mp4", "before treatment")
        page.get_by_text("Just stored").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("Pelvic tilt (estimate)").first.wait_for(timeout=60_000)
        wait_for_app(page)
        text = main_text(page)
        assert "Pelvic tilt (estimate)" in text and "before_tilt16.mp4" in text
        assert page.locator("[data-testid='stFileChip']").count() == 0  # cleared: cannot store twice
        assert "tilted by about" not in text  # a level camera is not called tilted
        shot(page, "therapist_stored", full=True)
        again = tmp_path / "same clip renamed.mp4"  # the same content under another name
        again.write_bytes((SAMPLES / "before_tilt16.mp4").read_bytes())
        store(page, again, "again")
        page.get_by_text("is already stored").wait_for(timeout=TIMEOUT_MS)
        shot(page, "therapist_store_twice_refused")
        store(page, SAMPLES / "after_tilt9.mp4", "after 6 weeks")
        page.get_by_text("after_tilt9.mp4").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page)
        # history: readable dates and protocol names; rename a capture
        page.get_by_role("tab", name="History").click()
        panel = page.get_by_role("tabpanel", name="History")
        panel.get_by_text("Rename a capture").click()
        panel.get_by_label("New name").fill("before")
        # commit the text first (Enter reruns the page): a click that also blurs the field can be taken by that
        # rerun on a loaded machine (the clean-clone CI of session 17, with two benchmarks running beside it)
        panel.get_by_label("New name").press("Enter")
        wait_for_app(page)
        panel.get_by_role("button", name="Rename").click()
        wait_for_app(page)
        page.get_by_text("Renamed the capture to before").wait_for(timeout=30_000)
        page.get_by_role("tab", name="History").click()
        text = main_text(page)
        assert "Standing posture" in text and not re.search(r"\d{4}-\d\d-\d\dT", text)
        shot(page, "therapist_history", full=True)
        # ASIS then PSIS clicked on the zoomed key frame of the 'before' capture
        page.get_by_role("tab", name="Place landmarks").click()
        panel = page.get_by_role("tabpanel", name="Place landmarks")
        panel.get_by_text("Click the ASIS").wait_for(timeout=60_000)
        img = page.frame_locator("iframe[title*='streamlit_image_coordinates']").locator("#image")
        img.wait_for(timeout=60_000)
        box = img.bounding_box()
        img.click(position={"x": box["width"] * 0.56, "y": box["height"] * 0.50})
        panel.get_by_text("Now click the PSIS").wait_for(timeout=60_000)
        img = page.frame_locator("iframe[title*='streamlit_image_coordinates']").locator("#image")
        img.click(position={"x": box["width"] * 0.44, "y": box["height"] * 0.44})
        panel.get_by_text("Both points are placed").wait_for(timeout=60_000)
        shot(page, "therapist_landmarks_placed")
        panel.get_by_role("button", name="Save ASIS and PSIS").click()
        wait_for_app(page)
        page.get_by_text("Saved ASIS and PSIS").wait_for(timeout=60_000)
        page.get_by_role("tab", name="Place landmarks").click()
        panel = page.get_by_role("tabpanel", name="Place landmarks")
        # the tab re-renders after the save: wait for the saved points' table itself, not a passing frame
        expect(panel).to_contain_text("measured (hand-marked)", timeout=60_000)
        text = panel.inner_text()
        assert "Placed by hand" in text and "ASIS" in text and "PSIS" in text
        shot(page, "therapist_landmarks_saved", full=True)
        # compare: every row, improved / worse, the caveat of a hand-marked value against an estimate
        page.get_by_role("tab", name="Compare").click()
        panel = page.get_by_role("tabpanel", name="Compare")
        panel.get_by_text("not judged: hand-marked vs estimate").first.wait_for(timeout=60_000)
        text = panel.inner_text()
        assert "marked by hand" in text and "Smallest real change" in text
        assert "Low-back hollow" in text and "Upper-back curve" in text  # the last rows are shown too
        assert re.search(r"\b(improved|worse|changed, in the usual range both times|no real change)", text)
        assert not re.search(r"\d+\.\d{3}", text)  # rounded to the measurement's resolution
        assert "seconds" in text
        shot(page, "therapist_compare", full=True)
        # reports: the safety questions on this page, one click to a PDF that stays downloadable
        page.get_by_role("tab", name="Reports and export").click()
        panel = page.get_by_role("tabpanel", name="Reports and export")
        form = panel.locator("[data-testid='stForm']")
        answer_all(form, "No")
        form.get_by_role("button", name="Use these answers").click()
        wait_for_app(page)
        page.get_by_role("tab", name="Reports and export").click()
        panel = page.get_by_role("tabpanel", name="Reports and export")
        panel.get_by_text("No safety warning sign was reported").wait_for(timeout=30_000)
        button = panel.get_by_role("button", name="Comparison report (PDF)")
        pdf = download(page, button, tmp_path / "comparison.pdf")
        assert button.is_visible()  # still there after the download
        pdf2 = download(page, button, tmp_path / "comparison2.pdf")
        assert pdf2.stat().st_size > 1000
        flat = pdf_text(pdf)
        assert flat.count("not a diagnosis") == 1 and "not answered" not in flat and "not asked" not in flat
        assert "No safety warning sign was reported" in flat and "marked by hand" in flat
        # about the client in the third person (a stretch's own instructions, which the client reads, stay as written)
        assert " your " not in flat.split("Capture protocol")[-1].split("Stretch:")[0].split("Red flags")[0]
        pdf_picture(pdf, "therapist_report_pdf")
        shot(page, "therapist_reports")
    assert urls and outside(urls) == []


# ---------------------------------------------------------------------------------------------- trainer
def test_trainer_roster(server, tmp_path):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        urls = log_requests(page)
        page.goto(server.url + "/Trainer_screen")
        wait_for_app(page)
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            [str(SAMPLES / "trainer_screen.mp4"), str(SAMPLES / "standing_side.mp4")])  # the second: the wrong test
        wait_for_app(page)
        page.get_by_role("button", name="Screen", exact=True).click()
        page.get_by_text("Who needs what").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text(re.compile(r"^\d+ people:")).wait_for(timeout=60_000)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)
        wait_for_app(page)
        text = main_text(page)
        # the four people in turn extend the hip (behind the trunk line) about 21, 7, 24 and 12 degrees (usual: 10 or
        # more): read from the body outline, the one at 12 is worth watching; the heavy second one's thigh line at
        # rest is known only from the pose model's points (which read her peak 5 degrees short), so she gets a lower
        # bound, to film again; the standing clip is the wrong test, to film again too
        assert "5 people: 0 need stretching, 1 worth watching, 2 to film again, 2 fine" in text, text[:2000]
        grid = page.locator("[data-testid='stDataFrame']").first
        box = grid.bounding_box()
        assert box["x"] + box["width"] <= VIEWPORT["width"] + 1
        shot(page, "trainer_roster")
        # name the first person: select their name cell, type, Enter
        grid.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(1000)
        bb = grid.bounding_box()  # the grid (a canvas) finds the cell from the pointer's moves, then takes the click
        page.mouse.move(bb["x"] + 60, bb["y"] + 36 + 32, steps=5)
        page.wait_for_timeout(300)
        page.mouse.down()
        page.mouse.up()
        page.wait_for_timeout(300)
        # open the cell's editor, wait for it, then replace its text (typing straight onto the selected cell
        # lost the first letter when the editor opened late on a busy machine)
        page.keyboard.press("Enter")
        editor = page.locator("textarea.gdg-input")
        editor.wait_for(timeout=15_000)
        editor.fill("Ann")
        editor.press("Enter")
        names = list(server.batch_dir.glob("*/names.json"))
        for _ in range(60):
            names = list(server.batch_dir.glob("*/names.json"))
            if names:
                break
            page.wait_for_timeout(500)
        assert names and json.loads(names[0].read_text()) == {"trainer_screen.mp4 #4": "Ann"}, list(server.batch_dir.rglob("*"))
        page.wait_for_timeout(1000)
        wait_for_app(page)
        shot(page, "trainer_roster_named", full=True)
    assert urls and outside(urls) == []
