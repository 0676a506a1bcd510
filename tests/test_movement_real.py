"""Movement tests on real clips of ../shared/data: the expected verdicts of benchmarks/real_manifest_movement.toml.

Only the short clips run here (each tracked once for the module, without segmentation); the benchmark
(benchmarks/eval_movement.py) runs every clip of the manifest.
"""

from __future__ import annotations

import tomllib

import pytest

from analysis.gates import blocking_failure
from analysis.movement import run_movement_test
from analysis.report_text import format_movement

from conftest import ROOT, SHARED_DATA, needs_shared_data

MANIFEST = tomllib.loads((ROOT / "benchmarks" / "real_manifest_movement.toml").read_text())
SHORT = ("video/sports2d__demo3.mp4", "video/tiffanytgr__good-video-8.mp4", "video/pose2sim__StaticTrial_cam01.mp4")
CASES = [(c["file"], t) for c in MANIFEST["clip"] if c["file"] in SHORT for t in c["test"]]


@pytest.fixture(scope="module")
def tracks():
    from vision.pipeline import track
    from vision.sources import open_source

    cache = {}

    def get(rel):
        if rel not in cache:
            src = open_source(SHARED_DATA / rel)
            try:
                cache[rel] = track(src, segmentation=False, probe_people=False).sequence
            finally:
                src.close()
        return cache[rel]

    return get


@needs_shared_data
@pytest.mark.parametrize("rel,exp", CASES, ids=[f"{r.split('/')[-1]}-{e['test']}" for r, e in CASES])
def test_real_clip_gets_its_expected_verdict(tracks, rel, exp):
    s = tracks(rel)
    res = run_movement_test(exp["test"], s.timestamps, s.pixels, s.visibility, world=s.world, landmarks=s.landmarks,
                            image_size=s.image_size)
    failed = [c["name"] for c in res["checks"] if c["blocking"] and not c["passed"]]
    if exp["verdict"] == "measured":
        assert res["ok"], [(c["name"], c["reason"]) for c in res["checks"] if not c["passed"]]
        for k in ("side", "near_side"):
            if k in exp:
                assert res[k] == exp[k]
    else:
        assert not res["ok"] and set(exp["because"]) & set(failed), failed
        if "first" in exp:  # the problem the user reads first says what the clip shows
            assert blocking_failure(res["checks"])["name"] == exp["first"], res["problems"]
        text = format_movement(res)
        assert "repetition 1 (" not in text and "step 1 (" not in text and ", best:" not in text


@needs_shared_data
def test_on_real_legs_the_thighs_midline_lower_down_leans_back_and_the_line_nearer_its_back_edge_less():
    """The evidence for ``thigh_lower_line_fraction`` on real people (benchmarks/eval_thigh_line.py): on the
    side-view standing photos of the shared data, the thigh's midline lower down (0.6-0.95 of its length, read where a
    hand hangs at its front) leans back of its midline higher up, as it leans back of the true thigh on renders (real
    thighs: about 2 degrees, medians against the pose model's hip -> knee line), and the line 0.4 of the way from the
    back edge less far: the turn the hip extension's thigh at rest is read against."""
    import sys

    import numpy as np

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from eval_thigh_line import real_thighs

    thighs = real_thighs(SHARED_DATA / "side_standing")
    assert len(thighs) >= 6
    upper, lower, nearer_back = (float(np.median([t[k] for t in thighs])) for k in ("upper 0.5", "lower 0.5",
                                                                                    "lower 0.4"))
    assert lower > upper + 1.0
    assert nearer_back < lower - 0.5


def test_on_real_legs_the_calf_pulls_the_lower_legs_midline_back_and_the_shin_runs_along_it():
    """The evidence for ``lower_leg_front_fraction`` on real people (benchmarks/eval_lower_leg_line.py): on the
    side-view standing photos of the shared data, the lower leg's midline in the outline lies forward of the pose
    model's knee -> ankle line at its lower end (the calf behind it; 3.4 degrees, median of 9 legs), the line three
    quarters of the way to the shin's edge closer to it, the shin's edge closest: the order the prone knee bend's and
    the Thomas test's reading of the lower leg rests on."""
    import sys

    import numpy as np

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from eval_lower_leg_line import real_legs

    legs = real_legs(SHARED_DATA / "side_standing")
    assert len(legs) >= 6
    mid, three_quarter, shin = (float(np.median([leg[f] for leg in legs])) for f in (0.5, 0.75, 1.0))
    assert mid > 2.0 and abs(three_quarter) < mid - 1.0 and abs(shin) < abs(three_quarter)
