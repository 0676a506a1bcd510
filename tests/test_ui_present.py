"""How results read on the page (ui.present) and the guided flow's checks and setup pictures (ui.checks),
on plain data: no Streamlit, no browser."""

from __future__ import annotations

import csv
import io
import sys

import numpy as np
import pytest

from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.intake import IntakeError  # noqa: E402
from ui import checks as uc  # noqa: E402
from ui import present as up  # noqa: E402

NORM = {"key": "n", "low": 0.0, "high": 20.0, "unit": "deg", "basis": "engineering", "source": "this program"}


def metric(**kw) -> dict:
    m = {"key": "pelvic_tilt", "name": "Pelvic tilt (estimate)", "value": 9.83, "unit": "deg", "definition": "d",
         "kind": "estimate", "confidence": 0.72, "spread": 0.47, "norm": NORM, "status": "within",
         "reading": "Tilted forward about 10 deg.", "reason": None, "side": None, "extra": {}}
    m.update(kw)
    return m


def test_metrics_table_client_and_therapist_columns():
    ms = [metric(), metric(key="hip_angle", name="Hip angle", kind="measurement", side="right", value=None,
                           reason="hip not seen", status="unknown")]
    client = up.metrics_table(ms, "client")
    assert list(client.columns) == ["Measure", "Value", "Usual range", "Compared with usual", "Kind"]
    assert client.iloc[0].tolist() == ["Pelvic tilt (estimate)", "9.8°", "0 to 20°", "in the usual range", "estimate"]
    assert client.iloc[1]["Measure"] == "Hip angle (right)" and client.iloc[1]["Value"] == "not measured"
    assert client.iloc[1]["Compared with usual"] == "hip not seen"
    expert = up.metrics_table(ms, "therapist")
    assert expert.iloc[0]["Confidence"] == "0.72" and expert.iloc[0]["Spread (SD)"] == "0.5"
    assert expert.iloc[1]["Confidence"] == "-"


@pytest.mark.parametrize("norm,text", [({"low": 10.0, "high": None, "unit": "deg"}, "at least 10°"),
                                       ({"low": None, "high": 3.0, "unit": "% height"}, "at most 3 % of height"),
                                       (None, "-")])
def test_usual_range_words(norm, text):
    assert up.fmt_range(metric(norm=norm)) == text


def test_check_lines_levels():
    checks = [{"name": "view", "passed": True, "reason": "side view", "advice": "", "checked": True, "blocking": True},
              {"name": "still", "passed": False, "reason": "you moved", "advice": "stand still", "checked": True,
               "blocking": False},
              {"name": "whole_body", "passed": False, "reason": "feet cut off", "advice": "step back",
               "checked": True, "blocking": True},
              {"name": "camera_level", "passed": True, "reason": "feet not seen", "advice": "", "checked": False,
               "blocking": False}]
    # in gate order: the body in the picture before the camera level and stillness
    assert up.check_lines(checks) == [("ok", "side view"), ("bad", "feet cut off - step back"),
                                      ("skip", "feet not seen"), ("warn", "you moved - stand still")]
    # after "you seem to be running", "you moved" is its consequence, not a problem of its own
    running = [{"name": "activity", "passed": False, "reason": "you seem to be running", "advice": "stop running",
                "checked": True, "blocking": True}] + checks
    levels = up.check_lines(running)
    assert levels[0] == ("bad", "you seem to be running - stop running")
    assert levels[-1][0] == "skip" and "running" in levels[-1][1] and "not judged" in levels[-1][1]


def test_movement_metrics_and_series():
    best, mean = metric(key="hip_extension_best", side="right"), metric(key="hip_extension_mean", side="right")
    result = {"summary": {"hip_extension": {"best": best, "mean": mean, "spread": None}, "pelvis_moved": True},
              "curve": {"time_s": [0.0, 0.1, 0.2], "hip_extension": [1.0, None, 3.0], "empty": [None, None, None]}}
    assert [m["key"] for m in up.movement_metrics(result)] == ["hip_extension_best", "hip_extension_mean"]
    assert up.movement_flags(result) == ["Pelvis moved: yes"]
    assert up.movement_flags({"summary": {"hips_flexed_back_arched_any": False}}) == [
        "Back arched while the hips were still bent on standing up (any repetition): no"]
    df = up.movement_series(result)
    assert list(df.columns) == ["Hip extension (°)"] and np.isnan(df.iloc[1, 0]) and df.index.tolist() == [0.0, 0.1, 0.2]


def test_movement_series_name_each_unit_and_size_its_axis_for_it():
    """The sit-to-stand's hip height (thigh lengths, about 0 to 1) was charted under "degrees" on an axis at least 10
    tall: a flat line. Each column names its unit and its chart's least height is that unit's."""
    result = {"summary": {}, "curve": {"time_s": [0.0, 0.1, 0.2], "hip_height": [0.0, 0.4, 0.9],
                                       "trunk_lean": [1.0, 20.0, 3.0], "thigh_above_horizontal": [1.0, 2.0, 3.0]}}
    df = up.movement_series(result)
    assert list(df.columns) == ["Hip height (thigh lengths above seated)", "Trunk lean (°)",
                                "Thigh above horizontal (°)"]
    spans = [up.chart_min_span(c) for c in df.columns]
    assert spans == [0.5, 10.0, 10.0]
    lo, hi = up.axis_domain(df.iloc[:, 0].to_numpy(), spans[0])
    assert hi - lo < 1.5  # the rise fills its chart


def test_spinal_curve_frame_in_percent_of_trunk():
    df = up.spinal_curve_frame({"heights": [0.0, 0.5, 1.0], "offset": [0.0, -0.08, None]})
    assert df.iloc[:, 1].tolist() == [0.0, -8.0] and df.iloc[:, 0].tolist() == [0.0, 0.5]
    assert up.spinal_curve_frame(None) is None
    assert up.spinal_curve_frame({"heights": [0.0], "offset": [None]}) is None


def test_metrics_csv_round_trip():
    rows = list(csv.DictReader(io.StringIO(up.metrics_csv([metric(), metric(key="k", value=None)]).decode())))
    assert rows[0]["key"] == "pelvic_tilt" and float(rows[0]["value"]) == 9.83 and rows[0]["usual_high"] == "20.0"
    assert rows[1]["value"] == "" and rows[0]["kind"] == "estimate"


def test_intake_from_form_answers():
    it = up.intake_from_answers({"pain_location": "both_sides", "triggers": ["standing_up"], "duration": None,
                                 "new_pain": "not answered", "age": 41.0, "triggers_other": "",
                                 "red_flags.fever": "no", "red_flags.cancer_history": "yes"})
    assert it.pain_location == "both_sides" and it.triggers == ("standing_up",) and it.age == 41
    assert it.new_pain is None and it.red_flags == {"fever": False, "cancer_history": True}
    with pytest.raises(IntakeError, match="pain_location"):
        up.intake_from_answers({"pain_location": "knee"})


def test_every_check_has_guidance_and_its_example():
    for ck in uc.CHECKS.values():
        assert ck.camera() and len(ck.steps()) >= 2 and ck.needs()
        if ck.sample:
            assert ck.sample_path().is_file() or not (ROOT / "sample_media" / "standing_side.mp4").is_file(), ck.id
    assert uc.get("standing_front").want == "frontal" and uc.get("thomas").test == "thomas"
    with pytest.raises(KeyError, match="choose from"):
        uc.get("yoga")


def test_setup_picture_is_the_rendered_figure_side_on():
    img = uc.render_setup_picture("standing_side")
    assert img.shape == (480, 640, 3) and img.dtype == np.uint8
    # the figure stands in the middle: its shirt (blue) is there, not at the edges
    blue = (img[..., 2] > 120) & (img[..., 0] < 90)
    cols = np.flatnonzero(blue.sum(axis=0) > 5)
    assert len(cols) and 200 < cols.mean() < 440


@pytest.mark.parametrize("check_id", ["hip_extension", "lunge", "thomas", "ely"])
def test_the_set_up_pictures_show_the_tested_leg_nearest_the_camera(check_id):
    """The set-up text of a one-leg test films the tested leg nearest the camera (and a tested leg named for
    the far side is warned about): its picture must show it so. The tested leg from the renderer's truth: the
    thigh swung back, the back leg, the hanging leg (least hip flexion), the bent knee (most knee flexion)."""
    from ui.checks import _setup_spec
    from vision.synthetic.frames import render_frame

    spec, shot = _setup_spec(check_id)
    _, truth = render_frame(spec, shot, seed=0)
    a, w = truth["angles_body"], truth["landmarks_world_m"]
    if check_id == "ely":
        tested = max(("left", "right"), key=lambda s: a[f"knee_flexion_{s}"])
    else:
        tested = min(("left", "right"), key=lambda s: a[f"hip_flexion_{s}"])
    cam = np.array(shot.camera.position)
    near = min(("left", "right"), key=lambda s: np.linalg.norm(np.array(w[f"{s}_hip"]) - cam))
    assert tested == near, (check_id, tested, near)
