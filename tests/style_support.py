"""A rendered clip of a held-out figure style through the real pose model, beside the same test on its truth."""

from __future__ import annotations

import json

import numpy as np

from analysis.movement import run_movement_test


def analyze_with_truth(clip, tmp_path, test: str, side: str) -> tuple[dict, dict]:
    """``clip`` written to a video and run through ``capture.analyze.analyze_file`` (the real pose model), and the same
    test on the renderer's true landmarks of ``side`` (the truth, same definitions): (result, truth result)."""
    from capture.analyze import analyze_file
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.truth import landmark_array

    path = tmp_path / f"{clip.name}.mp4"
    truth = write_clip(path, clip)
    res = analyze_file(path, tmp_path / "out", annotate=False, test=test).assessment
    json.dumps(res)
    px = np.stack([landmark_array(f) for f in truth["frames"]])
    ref = run_movement_test(test, np.array([f["time_s"] for f in truth["frames"]]), px, np.ones(px.shape[:2]),
                            side=side, facing=res.get("facing") or 1, checks=False)
    return res, ref


def assert_measured_within(res: dict, ref: dict, side: str, reps: int, tolerance: float = 3.0) -> None:
    """A hip extension ``res`` (from :func:`analyze_with_truth`) measured: ``ok``, ``side`` named, ``reps``
    repetitions, each one's thigh behind the vertical within ``tolerance`` degrees of the truth ``ref``'s."""
    assert res["ok"] is True, [c["reason"] for c in res["checks"] if not c["passed"]]
    assert res["side"] == side and len(res["repetitions"]) == reps, (res["side"], len(res["repetitions"]))
    for got, want in zip(res["repetitions"], ref["repetitions"]):
        g, w = (r["metrics"]["thigh_behind_vertical"]["value"] for r in (got, want))
        assert abs(g - w) < tolerance, (g, w)


def assert_refused_for_a_leg_drawn_short(clip, tmp_path) -> None:
    """``clip`` (a person standing still) written to a video and run through the standing assessment
    (``capture.analyze.analyze_file``, the real pose model): refused by the activity check, which says that the pose
    model drew a leg short and never that the person stood on one leg, and no metric shown."""
    from capture.analyze import analyze_file
    from vision.synthetic.media_io import write_clip

    path = tmp_path / "standing.mp4"
    write_clip(path, clip)
    res = analyze_file(path, tmp_path / "out", annotate=False).assessment
    activity = next(c for c in res["checks"] if c["name"] == "activity")
    assert res["ok"] is False and not activity["passed"], activity
    assert "drew one leg short" in activity["reason"] and "standing on one leg" not in activity["reason"]
    assert all(m.get("value") is None for m in res.get("metrics") or [])
