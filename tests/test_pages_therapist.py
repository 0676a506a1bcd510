"""pages/1_Therapist.py and pages/2_Trainer_screen.py driven with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from records.store import Records
from test_records_fixtures import therapist_db, therapist_db_master  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[1]


def _app(path: str, env_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("POSTURE_DB", str(env_db))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / path), default_timeout=120)


def test_therapist_page_compare_correct_and_report(therapist_db, monkeypatch):
    at = _app("pages/1_Therapist.py", therapist_db["location"], monkeypatch)
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="client").value == "c1"
    assert "Client One (c1)" in [t.value for t in at.text]
    assert any("video yes" in c.value for c in at.caption)
    # compare: 'before' is preselected; choose the 'after' capture (the last one is the repeat)
    at.selectbox(key="cmp_after").set_value(therapist_db["after"]).run()
    assert not at.exception, at.exception
    df = next(d.value for d in at.dataframe if "verdict" in d.value.columns)
    verdict = dict(zip(df["measure"], df["verdict"]))
    assert verdict["Pelvic tilt (estimate)"] == "changed"
    assert len(at.get("image")) >= 1  # the synchronised side-by-side frame
    at.slider(key="cmp_pos").set_value(5).run()
    assert not at.exception
    # correct a landmark on the key frame
    at.selectbox(key="fix_capture").set_value(therapist_db["before"]).run()
    at.selectbox(key="fix_name").set_value("right_knee").run()
    x = next(s for s in at.slider if s.key.startswith("fix_x_"))
    x.set_value(x.value + 20).run()
    at.button(key="fix_save").click().run()
    assert not at.exception, at.exception
    assert any("recomputed" in s.value for s in at.success)
    with Records(therapist_db["location"]) as rec:
        cs = rec.corrections(therapist_db["before"])
        assert [c["landmark"] for c in cs] == ["right_knee"] and cs[0]["auto_x"] is not None
        assert rec.capture(therapist_db["before"], blobs=False)["results_corrected"]
    # the session report
    at.button(key="rep_make").click().run()
    assert not at.exception, at.exception
    assert at.get("download_button")


def test_therapist_page_adds_a_client(tmp_path, monkeypatch):
    at = _app("pages/1_Therapist.py", tmp_path / "new.sqlite", monkeypatch)
    at.run()
    assert not at.exception
    assert any("Add a client" in i.value for i in at.info)
    at.text_input(key="new_code").set_value("AB-7")
    at.text_input(key="new_name").set_value("A. B.")
    at.checkbox(key="consent_records").check()
    at.button(key="add_client").click().run()
    assert not at.exception, at.exception
    with Records(tmp_path / "new.sqlite") as rec:
        cl = rec.client("AB-7")
        assert cl["name"] == "A. B." and rec.consents(cl["id"])["records"]["given"] is True


def test_trainer_page_shows_a_previous_batch(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_BATCH_DIR", str(tmp_path / "batches"))
    at = _app("pages/2_Trainer_screen.py", tmp_path / "r.sqlite", monkeypatch)
    at.run()
    assert not at.exception, at.exception
    assert at.button(key="run").disabled  # nothing uploaded yet
    assert at.selectbox(key="test").value == "hip_extension"
