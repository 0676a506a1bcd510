"""The trust gates on landmark arrays: ranking and consequences, a blocking check blocks (numbers, curve and
advice), plausibility bounds, measuring what is visible, the view against the picture, readings that agree
with their ranges. Exact landmarks of the rendered figure's skeleton in any activity and view come from
``vision.synthetic.activities.clip_landmarks``; no model runs here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis import gates, plausibility
from analysis.advice import build_plan
from analysis.assessment import assess_standing
from analysis.causation import normalize_findings
from analysis.metric import Metric
from analysis.norms import norm
from analysis.pelvis import estimate_reading, tilt_reading, typical_error_deg
from analysis.posture_front import front_metrics
from analysis.posture_side import side_metrics
from analysis.quality import landmark_status, region_status
from analysis.report_text import format_assessment
from analysis.spine import depth_reading
from analysis.view import body_yaw, view_label, view_yaw
from vision.synthetic.activities import ACTIVITIES as POSES
from vision.synthetic.activities import activity_clip, clip_landmarks


def _arrays(name="standing", azimuth=-90.0, seconds=2.0, fps=10.0, **kw):
    return clip_landmarks(activity_clip(name, seconds=seconds, fps=fps, azimuth=azimuth, **kw))


def _assess(a, photo=False, **kw):
    sl = slice(len(a["pixels"]) // 2, len(a["pixels"]) // 2 + 1) if photo else slice(None)
    return assess_standing(a["pixels"][sl], a["visibility"][sl], a["world"][sl], a["image_size"][sl],
                           None if photo else a["timestamps"][sl], **kw)


def check(name, passed=False, blocking=False, reason=None, advice="do this"):
    return {"name": name, "passed": passed, "value": None, "unit": "", "reason": reason or f"{name} failed",
            "advice": advice, "checked": True, "blocking": blocking}


# ---- ranking, consequences, blocking ------------------------------------------------------------------

def test_problems_are_ranked_and_consequences_left_out():
    checks = [check("camera_level"), check("still"), check("view", blocking=True), check("activity", blocking=True),
              check("person_size"), check("person", blocking=True)]
    ranked = gates.rank_checks(checks)
    assert [c["name"] for c in ranked] == ["person", "activity", "view", "person_size", "camera_level", "still"]
    assert all(c["consequence_of"] == "person" for c in ranked[1:])
    assert gates.problems(checks) == ["person failed: do this"]
    # without the person problem the activity explains the rest ("you moved" after "you seem to be running")
    rest = [c for c in checks if c["name"] != "person"]
    assert gates.problems(rest) == ["activity failed: do this"]
    # a failed view hides the camera level judged from the feet, not stillness or size
    view = [check("view", blocking=True), check("camera_level"), check("still"), check("person_size")]
    assert gates.problems(view) == ["view failed: do this", "person_size failed: do this", "still failed: do this"]
    # each problem once
    assert gates.problems([check("still"), check("still")]) == ["still failed: do this"]


def test_a_blocking_check_added_later_withholds_every_number():
    a = _assess(_arrays("standing"))
    assert a["ok"] and a["metrics"] and a["blocked_by"] is None
    a["checks"].append(check("person", blocking=True, reason="two people of the same size"))
    gates.settle(a)
    assert not a["ok"] and a["blocked_by"] == "person" and a["metrics"] == [] and a["spinal_curve"] is None
    assert a["checks"][0]["name"] == "person" and a["view"] and a["activity"]["label"] == "standing"
    assert gates.settle(json.loads(json.dumps(a))) == a  # idempotent, JSON-ready
    text = format_assessment(a)
    assert "No posture numbers" in text and "two people" in text and "deg" not in text


@pytest.mark.parametrize("name", sorted(n for n, (_, label) in POSES.items() if label != "standing"))
def test_every_other_activity_is_refused_first_for_what_it_is(name):
    a = _assess(_arrays(name, seconds=2.5), photo=name not in ("walking", "running"))
    assert not a["ok"] and a["blocked_by"] == "activity" and a["metrics"] == []
    first = gates.problems(a["checks"])
    assert len(first) == 1 and first[0].startswith(a["activity"]["message"] or "you")
    assert not any(c.get("consequence_of") is None and not c["passed"] for c in a["checks"][1:])
    plan = build_plan(None, a)
    assert plan["contributors"] == [] and "rests on your answers only" in " ".join(plan["notes"])


def test_a_result_that_did_not_pass_contributes_no_finding():
    standing = {"ok": True, "checks": [], "metrics": [{"key": "pelvic_tilt", "value": 25.0, "unit": "deg",
                                                        "kind": "estimate", "confidence": 0.8}]}
    assert normalize_findings(standing)["pelvic_tilt"].value == 25.0
    assert normalize_findings(dict(standing, ok=False)) == {}
    movement = {"ok": False, "kind": "hip_extension", "checks": [],
                "summary": {"hip_extension": {"best": {"key": "hip_extension", "value": 2.0, "unit": "deg"}}}}
    assert normalize_findings(movement) == {}
    assert "hip_extension" in normalize_findings(dict(movement, ok=True))


# ---- plausibility --------------------------------------------------------------------------------------

def _every_metric():
    side = _arrays("standing", -90.0, seconds=0.2, fps=5.0)
    front = _arrays("standing", 0.0, seconds=0.2, fps=5.0)
    return (list(side_metrics(side["pixels"], side["visibility"], 1).values())
            + list(front_metrics(front["pixels"], front["visibility"], "front").values()))


def test_every_standing_metric_has_bounds_with_a_source_and_the_figure_is_inside_them():
    keys = {m.key for m in _every_metric()} | {"pelvic_tilt", "lumbar_lordosis_depth", "thoracic_kyphosis_depth"}
    for k in keys:
        b = plausibility.bounds(k)
        assert b is not None and b.low is not None and b.high is not None and b.source, k
        if b.unit != "deg" and k in ("head_forward", "plumb_ear"):
            assert b.unit == "% height"
    for m in _every_metric():
        assert m.value is not None and not plausibility.is_implausible(m), (m.key, m.value)


def test_an_implausible_value_is_never_a_measurement():
    n = norm("knee_frontal_angle")
    m = Metric("knee_frontal_right", "Right knee alignment", -127.8, "deg", "def", confidence=0.7, norm=n,
               reading="Right knee alignment: 128 degrees outwards", side="right")
    s = plausibility.screen(m)
    assert s.value is None and s.confidence == 0.0 and s.reading == "" and s.status == "unknown"
    assert s.reason.startswith("not measured: implausible") and "landmark error" in s.reason
    assert s.extra["rejected_value"] == -127.8 and "127" not in s.reason
    ok = Metric("knee_frontal_left", "Left knee alignment", 3.0, "deg", "def", norm=n)
    metrics, c = plausibility.screen_all([m, ok] + [Metric(f"x{i}", "x", 1.0, "deg", "d") for i in range(3)])
    assert [x.value for x in metrics[:2]] == [None, 3.0]
    assert not c.passed and not c.blocking and "right knee alignment" in c.reason and c.value == pytest.approx(0.2)
    metrics, c = plausibility.screen_all([m, ok])
    assert not c.passed and c.blocking  # half the numbers impossible: the capture is not trusted
    # bounds in % height follow the person's height when the value is in cm
    cm = Metric("lateral_pelvic_shift", "Pelvis shift sideways", 15.0, "cm", "d")
    assert not plausibility.is_implausible(cm, height_cm=200.0) and plausibility.is_implausible(cm, height_cm=150.0)


def test_implausible_values_in_an_assessment_count_against_the_capture():
    a = _arrays("standing", 0.0, seconds=0.2, fps=5.0)
    thigh = np.linalg.norm(a["pixels"][0, 26] - a["pixels"][0, 24])
    a["pixels"][:, 26, 0] += 0.25 * thigh  # the right knee misplaced: 28 degrees of "knee alignment"
    res = _assess(a, photo=True)
    m = {x["key"]: x for x in res["metrics"]}
    assert m["knee_frontal_right"]["value"] is None and "implausible" in m["knee_frontal_right"]["reason"]
    assert m["knee_frontal_left"]["value"] is not None and res["ok"]
    pl = next(c for c in res["checks"] if c["name"] == "plausibility")
    assert not pl["passed"] and not pl["blocking"]


# ---- measure what is visible ---------------------------------------------------------------------------

def _cropped(bottom_at: float, azimuth=-90.0):
    """A standing photo whose picture ends ``bottom_at`` of the way from the hips (0) to the ankles (1)."""
    a = _arrays("standing", azimuth, seconds=0.2, fps=5.0)
    hip = a["pixels"][0, [23, 24], 1].mean()
    ank = a["pixels"][0, [27, 28], 1].mean()
    a["image_size"][:, 1] = hip + bottom_at * (ank - hip)
    return a


def test_a_photo_cut_at_the_shins_measures_what_it_shows_and_names_the_rest():
    res = _assess(_cropped(0.75), photo=True)
    assert res["ok"] and res["blocked_by"] is None
    m = {x["key"]: x for x in res["metrics"]}
    for k in ("trunk_inclination", "hip_angle", "head_forward", "craniovertebral_proxy"):
        assert m[k]["value"] is not None, k
    for k in ("knee_flexion", "plumb_ear", "plumb_hip", "plumb_knee"):
        assert m[k]["value"] is None and "out of the picture" in m[k]["reason"], k
    whole = next(c for c in res["checks"] if c["name"] == "whole_body")
    assert not whole["passed"] and not whole["blocking"] and "feet were out of the picture" in whole["reason"]
    assert "step back" in whole["advice"]


def test_out_of_the_picture_and_not_seen_clearly_are_told_apart():
    a = _arrays("standing", -90.0, seconds=0.2, fps=5.0)
    lm = a["pixels"] / a["image_size"][:, None, :]
    assert set(region_status(lm, a["visibility"]).values()) == {"seen"}
    dark = a["visibility"].copy()
    dark[:, [25, 26]] = 0.3  # knees in the picture, seen poorly (dark trousers)
    st = region_status(lm, dark)
    assert st["knees"] == "unclear" and st["feet"] == "seen"
    assert landmark_status(lm, dark)[26] == "unclear"
    res = assess_standing(a["pixels"], dark, a["world"], a["image_size"])
    whole = next(c for c in res["checks"] if c["name"] == "whole_body")
    assert "knees were in the picture but not seen clearly" in whole["reason"]
    assert "step back" not in whole["advice"] and "light" in whole["advice"]
    # a head squeezed into the top edge by the model (a photo cut at the neck) is out of the picture
    sq = lm.copy()
    sh = sq[0, [11, 12], 1].mean()
    trunk = sq[0, [23, 24], 1].mean() - sh
    sq[0, :11, 1] = sh - 0.15 * trunk
    sq[0, :, 1] -= sq[0, :11, 1].min() - 0.01
    assert region_status(sq, a["visibility"])["head"] == "out"


def test_missing_shoulders_or_hips_block():
    a = _cropped(0.6)
    a["image_size"][:, 1] = a["pixels"][0, [11, 12], 1].mean() + 5  # cut just under the shoulders
    res = _assess(a, photo=True)
    assert not res["ok"] and res["metrics"] == []


# ---- view against the picture --------------------------------------------------------------------------

def test_a_side_on_photo_whose_world_yaw_drifted_is_still_a_side_view():
    a = _arrays("standing", -90.0, seconds=0.2, fps=5.0)
    w = a["world"][0].copy()
    ang = np.radians(45.0)  # MediaPipe's depth drifts: the world landmarks turned 45 degrees towards the back
    rot = np.array([[np.cos(ang), 0, np.sin(ang)], [0, 1, 0], [-np.sin(ang), 0, np.cos(ang)]])
    drifted = w @ rot.T
    assert view_label(float(body_yaw(drifted))) == "oblique"
    yaw = view_yaw(drifted[None], a["pixels"][:1])
    assert view_label(yaw) == "right side" and np.sign(yaw) == np.sign(body_yaw(w))
    # a true 45-degree view stays oblique: the picture shows the width too
    b = _arrays("standing", -45.0, seconds=0.2, fps=5.0)
    assert view_label(view_yaw(b["world"][:1], b["pixels"][:1])) == "oblique"
    f = _arrays("standing", 0.0, seconds=0.2, fps=5.0)
    assert view_label(view_yaw(f["world"][:1], f["pixels"][:1])) == "front"


# ---- readings agree with the numbers -------------------------------------------------------------------

@pytest.mark.parametrize("value", [-12.0, -1.0, 1.0, 10.0, 19.0, 24.0, 31.5])
def test_the_tilt_reading_agrees_with_its_usual_range(value):
    text = tilt_reading(value)
    status = norm("pelvic_tilt_standing").status(value)
    assert ("most adults" not in text) and ("usual finding" not in text or status == "within")
    assert {"above": "more than the usual range", "below": "below the usual range",
            "within": "the usual range"}[status] in text or (status == "below" and "just below" in text)


def test_the_typical_error_follows_the_confidence():
    assert typical_error_deg(0.29) > 2 * typical_error_deg(0.8)
    assert "about 11 deg" in estimate_reading(15.0, 0.29) and "about 3 deg" in estimate_reading(15.0, 0.8)


@pytest.mark.parametrize("key,value", [("lumbar_lordosis_depth", 23.9), ("lumbar_lordosis_depth", 8.0),
                                       ("lumbar_lordosis_depth", 1.0), ("thoracic_kyphosis_depth", 9.0)])
def test_curve_depth_readings_say_where_they_lie(key, value):
    m = depth_reading(Metric(key, "x", value, "% trunk length", "d", kind="estimate", norm=norm(key)))
    want = {"within": "within the usual range", "above": "above the usual range", "below": "below the usual range"}
    assert want[norm(key).status(value)] in m.reading and "neutral" not in m.reading
