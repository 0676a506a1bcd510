"""The lying tests' set-up has a helper beside the table: through the real model and the people probes, a
rendered prone knee bend with a helper standing behind the table is measured, not refused as "two people"."""

from __future__ import annotations

import pytest

from capture.analyze import analyze_file
from vision.synthetic.media_io import write_clip
from vision.synthetic.movements import prone_knee_bend, with_helper
from vision.synthetic.props import Helper


@pytest.fixture(scope="module")
def helper_clip(tmp_path_factory):
    """A right prone knee bend to 115 deg, the helper (a different build and outfit) on the far side of the
    table by the feet, reaching towards the foot."""
    path = tmp_path_factory.mktemp("helper") / "ely_helper.mp4"
    write_clip(path, with_helper(prone_knee_bend("ely_helper", seed=52),
                                 Helper(x=-1.3, z=-0.2, arms_forward=50.0, appearance="red_top")))
    return path


def test_a_helper_beside_the_table_is_not_a_second_subject(helper_clip, tmp_path):
    a = analyze_file(helper_clip, tmp_path, annotate=False, test="ely")
    probes = a.summary["people"]["probes"]
    helpers = [o for p in probes for o in p["others"] if o["trunk_deg"] < 20]
    assert helpers and all(p["followed"]["trunk_deg"] > 70 for p in probes), probes  # the probes saw the helper
    person = a.assessment["checks"][0]
    assert person["name"] == "person" and person["passed"] and "helper" in person["reason"], person
    assert not any("similar size" in p for p in a.problems), a.problems
    rep = a.assessment["repetitions"][0]
    knee = rep["metrics"]["max_knee_flexion"]
    assert a.assessment["ok"] and knee["value"] == pytest.approx(115.0, abs=8.0), knee


def test_without_the_lying_test_the_same_clip_still_blocks_as_two_people(helper_clip, tmp_path):
    a = analyze_file(helper_clip, tmp_path, annotate=False, test="hip_extension")
    person = a.assessment["checks"][0]
    assert person["name"] == "person" and person["blocking"] and not person["passed"], person
    assert a.assessment["ok"] is False and a.assessment["repetitions"] == []


def test_when_the_model_follows_the_standing_helper_the_person_lying_is_found_again(tmp_path):
    """A Thomas test with the helper standing behind the table: the pose model first follows the helper (a
    person standing is what its detector picks); the capture tracks again with the helper's head painted
    out and measures the person lying."""
    from vision.synthetic.camera import Camera
    from vision.synthetic.movements import thomas_test

    cam = Camera(azimuth=90.0, distance=3.0, height=1.1, target=(-0.35, 0.8, 0.0), width=640, height_px=480)
    path = tmp_path / "thomas_helper.mp4"
    write_clip(path, with_helper(thomas_test("thomas_helper", camera=cam, seed=27), Helper(x=-0.6, z=0.8)))
    a = analyze_file(path, tmp_path / "out", annotate=True, test="thomas")
    person = a.assessment["checks"][0]
    assert person["name"] == "person" and person["passed"] and "painted out" in person["reason"], person
    assert a.assessment["ok"], a.problems
    m = a.assessment["repetitions"][0]["metrics"]
    assert m["thigh_above_horizontal"]["value"] == pytest.approx(8.0, abs=4.0), m["thigh_above_horizontal"]
    assert m["knee_flexion"]["value"] == pytest.approx(65.0, abs=6.0), m["knee_flexion"]
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "thomas_helper.annotated.mp4" in names and not any("again" in n for n in names), names
