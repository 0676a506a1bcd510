"""The modified Thomas test lying on a table: side view and front view.

Modified Thomas test (side view, the person lying on their back at the end of a table, one knee hugged
to the chest, the tested leg hanging over the edge):

* The **hugged** leg is the one whose hip bends most (smallest shoulder-hip-knee angle); the other is
  the **tested** leg. Values are read over the **hold**: the frames in which the hugged hip stays within
  5 % of its largest flexion (:func:`analysis.segmentation.find_repetitions` on its flexion). A second
  hug counts only when the hugged leg was let down in between (its hip flexion back to within
  ``thomas_release_fraction`` of the hug's rise above the resting level): the pose model's reading of a
  hugged hip can dip by 40 deg and rise again in a steady hold. Nor does one whose thighs were not both let
  down (the higher of the two, whatever the pose model names them, stayed above that level): the model can
  give the hugged knee the hanging leg's name for a while. The hip point is each side's own hip
  landmark (``leg_series(..., hip="side")``). Where the hugged hip's reading shows no hug because the far leg
  was not seen until it was drawn up, it is read at the tested leg's level before it was first seen
  (:func:`unseen_lying_with`), and a hug found so counts only when held ``thomas_unseen_rise_hold_min``.
* ``thigh_above_horizontal`` (deg): the tested thigh above the level of the table, **+ = knee higher than
  the hip** (the thigh does not drop to the table level: short hip flexors, iliopsoas). The level is the table
  top's edge where it was found in the picture (``table_edge``,
  :func:`analysis.movement.checks.level_edge_reading`), so that a tilted camera does not tilt the reading; else
  the picture's horizontal (a level camera and table assumed). With the body outline (tracking with
  segmentation) the thigh is its midline in the outline
  (:func:`analysis.movement.outline_limbs.thigh_midline_directions`) where that is found in at
  least ``movement_outline_coverage`` of the hold's frames, and not measured where it is not (the landmarks
  alone then read it up to 21 deg off); without an outline, the hip -> knee landmarks. Each repetition
  names its ``source``.
* ``knee_flexion`` (deg): 180 minus the hip-knee-ankle angle of the tested leg, **0 = straight**; under
  about 80 (clinical) or 67 (research cut-off) suggests a short rectus femoris (norms file). With the body
  outline it is given only where the outline's hanging lower leg confirms it within
  ``thomas_knee_outline_max`` (:func:`outline_knee_flexion`) and the outline showed the thigh (both readings
  take the hip -> knee points as the thigh: a held-out render's thigh points 15 deg high read the knee 9 deg
  more bent in both); otherwise it is not measured, with the reason (a knee read short would call a normal
  rectus femoris short). The value given is then the mean of the landmarks' reading and the outline's own (the
  angle between the thigh's midline and the lower leg's line, :func:`outline_knee_flexion`'s second reading), two
  readings with different weak points: in wide trousers the pose model put the knee point at the front of the knee
  and read it 6 to 8 degrees too bent (6 of 10 rendered clips), while the outline uses no knee point. On the
  rendered Thomas tests of five figure styles (benchmarks/eval_movement.py) the median / worst error went from
  0.5/1.3, 1.7/4.6, 0.2/2.9, 5.8/8.0 and 3.0/3.2 degrees (mesh, capsule, mannequin, loose clothes, ink cartoon) to
  1.5/2.6, 1.4/2.4, 1.2/1.3, 3.1/4.2 and 0.9/3.5. The lower leg's line was its midline until session 37, which a
  calf's bulge turned 3 to 4 degrees straighter; it is now taken three quarters of the way to the shin's edge
  (``lower_leg_front_fraction``), and the eight styles cached then read 0.3-2.8 median, 1.1-11.8 worst (mesh 1.3/2.6
  -> 0.3/1.1; loose clothes 3.1/4.2 -> 2.8/4.2; clinic 0.9/2.6 -> 1.4/4.3).
* **The tested leg hangs.** A hold counts only when something of the body hangs below the table's level during
  it: the body outline's lowest point at least ``thomas_hang_outline_min`` trunk lengths below its lowest point
  under the trunk, where the back lies (:func:`hang_depth`; without an outline, the lower ankle landmark
  ``thomas_hang_ankle_min`` below the hip midpoint). Lying on the
  floor, or on a table with both legs on it, the thigh cannot drop below level nor the knee bend to hang, so the
  test's two angles say nothing about the hip flexors or the front thigh: a thigh lying flat read "above the
  usual range" and a knee lying straight would read a short rectus femoris. Such a clip is refused (no movement).
* ``pelvis_moved`` flag: during the hold, the trunk line (shoulder -> hip midpoints) turned by more than
  ``thomas_pelvis_max_rotation`` degrees, or the hip midpoint rose by more than ``thomas_pelvis_max_rise``
  % of the trunk length. Published work finds the test unreliable unless the pelvis is held still
  (Peeler & Anderson 2008), so a flagged result is reported but marked as not reliable.

Front view (:func:`thomas_front_test`): ``thigh_abduction`` (deg), the angle of the thigh away from the
perpendicular to the hip line (left hip -> right hip) in the picture, **+ = knee further from the
midline than the hip (abduction)**; a large value at rest suggests a short tensor fasciae latae / ITB.
"""

from __future__ import annotations

import numpy as np

from analysis import geometry as geo
from analysis.filtering import true_runs
from analysis.movement.outline_limbs import lower_leg_direction, thigh_midline_directions
from analysis.movement.series import (SIDE_IDX, clean_landmarks, curve, leg_series, median_at, midpoint,
                                      movement_found, other_side, rep_metric, shank_length, summarise,
                                      summary_dicts, thigh_length, trunk_length, visibility_confidence)
from analysis.norms import norm, threshold
from analysis.quality import quiet
from analysis.segmentation import find_repetitions

__all__ = ["thomas_test", "thomas_front_test", "thigh_abduction", "outline_knee_flexion", "table_edge_search",
           "hang_depth", "unseen_lying_with", "held_for"]


def table_edge_search(pixels: np.ndarray) -> dict | None:
    """Where to look for the table top's edge in one frame (the keyword arguments of
    :func:`vision.level.level_edge_angle`): the ``rows`` from 0.2 trunk lengths above to 1 below the hip midpoint,
    and the shortest edge counted, ``min_length`` 1.2 trunk lengths (longer than a thigh, whose edges lie in the
    same band; the table's front edge runs on in front of the body). ``pixels`` (33, 2) of the frame; None when
    the hips or shoulders are not found."""
    p = np.asarray(pixels, dtype=np.float64).reshape(1, 33, 2)
    hip, shoulder = midpoint(p, "hip")[0], midpoint(p, "shoulder")[0]
    trunk = float(np.linalg.norm(shoulder - hip))
    if not np.isfinite(trunk) or trunk <= 0:
        return None
    return {"rows": (float(hip[1] - 0.2 * trunk), float(hip[1] + trunk)), "min_length": 1.2 * trunk}


def thomas_test(timestamps, pixels, visibility, *, side: str | None = None, outline=None,
                table_edge: float | None = None, knee_doubt: str | None = None) -> dict:
    """Modified Thomas test, side view (see the module docstring).

    Parameters
    ----------
    timestamps : ndarray (T,)
    pixels : ndarray (T, 33, 2)
    visibility : ndarray (T, 33)
    side : str, optional
        The person's tested (hanging) leg; default the leg that is not hugged.
    outline : ndarray (T, K, 2), optional
        ``PoseSequence.outline``: the thigh's angle from its midline in the outline.
    table_edge : float, optional
        The table top's edge in the picture (:func:`analysis.movement.checks.level_edge_reading`), degrees, + =
        rising towards the image right: the thigh's angle is taken against it. None or NaN: against the
        picture's horizontal.
    knee_doubt : str, optional
        Why the knee's bend is not to be given (the pose model named the hanging leg for the side away from the
        camera: :func:`analysis.movement.run.run_movement_test`); the thigh's angle is still read.

    Returns
    -------
    dict (JSON-ready)
        ``side`` (tested leg), ``hugged_side``, ``repetitions`` (one per hug-and-hold: hold times,
        metrics, ``pelvis_moved``, ``reliable``, ``source`` of the thigh's angle), ``thigh_source``,
        ``level`` (what the thigh's angle is taken against: ``{"reference": "table edge" or "picture",
        "table_edge_deg"}``), ``summary``, ``curve`` (per frame; none over a repetition whose value was
        withheld), ``problems``; ``hang`` when holds were found but in none did the tested leg hang
        (:func:`hang_depth`: ``depth_trunk_lengths``, ``source``, ``min``).
    """
    t = np.asarray(timestamps, dtype=np.float64)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    track = clean_landmarks(pixels, vis, t)
    p = track.p
    level = float(table_edge) if table_edge is not None and np.isfinite(table_edge) else float("nan")
    res = {"kind": "thomas", "side": side, "repetitions": [], "summary": {}, "problems": [],
           "level": {"reference": "table edge" if np.isfinite(level) else "picture",
                     "table_edge_deg": round(level, 1) if np.isfinite(level) else None}}
    ser = {s: leg_series(p, s, 0, hip="side") for s in ("left", "right")}
    flex = {s: 180.0 - ser[s]["hip_angle"] for s in ("left", "right")}
    if side is None:
        with quiet():
            m = {s: np.nanpercentile(flex[s], 95) if np.isfinite(flex[s]).any() else -np.inf for s in flex}
        hug = max(m, key=m.get)
        side = other_side(hug)
    hug = other_side(side)
    res["side"], res["hugged_side"] = side, hug
    reps = find_repetitions(flex[hug], t, threshold("thomas_min_hug"), side=side, min_gap_s=1.5)
    if not reps:  # the hug's rise not seen: read against the tested leg's level, and only a hug that was held
        # counts (the model can draw the unseen far knee up for a moment while the person lies still: held-out
        # clinic style, a helper beside the table, the far hip read 94-110 degrees for 0.3 s, truth 15)
        reps = [r for r in find_repetitions(unseen_lying_with(flex[hug], flex[side]), t, threshold("thomas_min_hug"),
                                            side=side, min_gap_s=1.5)
                if held_for(flex[hug], t, r.peak, r.rest_value + 0.5 * r.amplitude)
                >= threshold("thomas_unseen_rise_hold_min")]
    # a new hug starts only after the leg was let down again: a dip of the hugged hip's landmarks in the hold
    # that stays well above the hanging level is the same hug (the pose model's reading wobbles there), and so
    # is one while the other name's thigh is up: a knee let down leaves both thighs low, whatever their names (a
    # held-out render's one hold read as two when the model gave the hugged knee the hanging leg's name for a
    # while). Of the two readings of one hug the higher is its hold: a wobble of the hugged hip's reading while the
    # person lay still (5 to 30 degrees, the other thigh's up at 20) read as a first "hug" that swallowed the real
    # one, 123 degrees, on a held-out render of a heavy body (thigh 14.7 for -3.6, knee 81.5 for 99.5). A "hug"
    # that stays below half the other's rise is no hug of this test either, only the reading wobbling (a held-out
    # sunlit render's one 3-s hug, the two knees drawn half-way up through its second half: a second "hug" of 46
    # degrees beside the first's 116)
    release = threshold("thomas_release_fraction")
    top = np.fmax(flex["left"], flex["right"])
    for k in range(len(reps) - 1, 0, -1):
        let_down = min(r.rest_value for r in reps[:k]) + release * reps[k - 1].amplitude
        with quiet():
            dip = float(np.nanmin(top[reps[k - 1].peak:reps[k].peak + 1]))
        lo, hi = sorted(reps[k - 1:k + 1], key=lambda r: r.peak_value)
        if reps[k].rest_value > let_down or dip > let_down or lo.peak_value < hi.rest_value + 0.5 * hi.amplitude:
            if reps[k].peak_value > reps[k - 1].peak_value:
                reps[k - 1] = reps[k]
            del reps[k]
    # a knee hugged to the chest bends the hip far past a thigh drawn half-way up: a "hug" that never reaches
    # ``thomas_hug_flexion_min`` is the reading wobbling, not this test (a held-out render of a heavy body lying
    # still on the floor: the far hip read 28 degrees for 0.4 s, counted as a hold)
    hug_min = threshold("thomas_hug_flexion_min")
    shallow = max((r.peak_value for r in reps if r.peak_value < hug_min), default=None)
    reps = [r for r in reps if r.peak_value >= hug_min]
    L = trunk_length(p)
    depths = [hang_depth(outline, p, np.arange(r.hold_start, r.hold_end + 1), L) for r in reps]
    hung = [r for r, (d, src) in zip(reps, depths) if not d < threshold(f"thomas_hang_{src}_min")]  # NaN: not seen
    not_hung = None if hung or not reps else max(depths, key=lambda d: d[0])
    reps = hung
    for j, r in enumerate(reps, 1):
        r.index = j
    i = SIDE_IDX[side]
    trunk_ang = geo.line_angle_to_horizontal(midpoint(p, "hip"), midpoint(p, "shoulder"))
    hip_y = midpoint(p, "hip")[:, 1] / L * 100.0
    rows = []
    for r in reps:
        hold = np.arange(r.hold_start, r.hold_end + 1)
        # the settled hold: the hugged hip within 5 % of its peak rise (drawing the knee up tilts the
        # pelvis back on purpose; that part is not a fault). Did the pelvis turn or lift during it?
        settled = hold[flex[hug][hold] >= r.peak_value - 0.05 * r.amplitude]
        hold = settled if len(settled) >= 3 else hold
        with quiet():
            rot = float(np.nanmax(trunk_ang[hold]) - np.nanmin(trunk_ang[hold])) if np.isfinite(trunk_ang[hold]).any() \
                else np.nan
            rise = float(np.nanmax(hip_y[hold[0]] - hip_y[hold])) if np.isfinite(hip_y[hold]).any() else np.nan
        moved = bool((np.isfinite(rot) and rot > norm("thomas_pelvis_max_rotation").high)
                     or (np.isfinite(rise) and rise > threshold("thomas_pelvis_max_rise")))
        c = visibility_confidence(vis, (i["hip"], i["knee"], i["ankle"]), hold) * (0.5 if moved else 1.0)
        # values only from frames where the tested leg was seen (never from a bridged gap)
        thigh_seen = hold[track.seen[np.ix_(hold, [i["hip"], i["knee"]])].all(axis=1)]
        knee_seen = hold[track.seen[np.ix_(hold, [i["hip"], i["knee"], i["ankle"]])].all(axis=1)]
        thigh, source = _thigh_in_hold(outline, p, side, thigh_seen, median_at(ser[side]["thigh_above_horizontal"],
                                                                               thigh_seen))
        if np.isfinite(level) and len(thigh_seen):  # a thigh pointing the way the table's edge rises reads high
            with quiet():
                towards = np.sign(np.nanmedian(p[thigh_seen, i["knee"], 0] - p[thigh_seen, i["hip"], 0]))
            thigh -= level * towards
        knee = median_at(ser[side]["knee_flexion"], knee_seen)
        unseen = f"the {side} (hanging) leg was not seen clearly during the hold: film it nearest the camera"
        thigh_why = unseen
        if source == "unconfirmed":
            thigh, thigh_why = np.nan, (f"the body outline did not show the {side} hanging thigh through the hold, so "
                                        "its angle read from the body points could not be confirmed: film the hanging "
                                        "leg nearest the camera, in clothes that stand out from the table")
        knee_why = unseen
        ol_knee, ol_both = outline_knee_flexion(outline, p, side, knee_seen, ser[side]["knee_flexion"])
        if outline is not None and np.isfinite(knee):
            if source == "unconfirmed":  # both readings of the knee bend take the hip -> knee points as the thigh
                knee, knee_why = np.nan, (f"the body outline did not show the {side} hanging thigh through the hold, "
                                          "and the knee's bend is read against the thigh, so it could not be "
                                          "confirmed: film the hanging leg nearest the camera, in clothes that "
                                          "stand out from the table")
            elif not np.isfinite(ol_knee):
                knee, knee_why = np.nan, (f"the body outline did not show the {side} hanging lower leg through the "
                                          "hold, so the knee's bend read from the body points could not be confirmed: "
                                          "film the hanging leg nearest the camera, in clothes that stand out from "
                                          "the table")
            elif abs(ol_knee - knee) > threshold("thomas_knee_outline_max"):
                knee, knee_why = np.nan, (f"the body outline and the body points put the {side} hanging lower leg "
                                          f"{abs(ol_knee - knee):.0f} degrees apart, so the knee's bend was not taken: "
                                          "film the hanging leg nearest the camera, in clothes that stand out from "
                                          "the table")
        # two readings with different weak points, averaged: the landmarks' (their knee point sat at the front of a
        # knee in wide trousers: 6 to 8 degrees too bent in 6 of 10 rendered clips) and the outline's (the thigh's
        # midline and the lower leg's line: no knee point)
        lm_knee = knee
        if np.isfinite(knee) and np.isfinite(ol_both):
            knee = 0.5 * (knee + ol_both)
        if knee_doubt and np.isfinite(knee):
            knee, knee_why = np.nan, knee_doubt
        m = {
            "thigh_above_horizontal": rep_metric(
                "thomas_thigh_above_horizontal", "Thigh angle to horizontal", thigh, "deg",
                "Tested thigh above the level of the table during the hold (its midline in the body outline, "
                "or the hip -> knee landmarks: see source), degrees, + = knee higher than the hip (short hip "
                "flexors), - = below. The level is the table top's edge where it was found in the picture, "
                "else the picture's horizontal (see level).",
                side=side, rep=r.index, norm_key="thomas_thigh_above_horizontal", confidence=c, reason=thigh_why,
                extra={"source": source}),
            "knee_flexion": rep_metric(
                "thomas_knee_flexion", "Knee flexion of the hanging leg", knee, "deg",
                "180 minus the hip-knee-ankle angle of the tested leg during the hold, degrees, 0 = straight; "
                "with the body outline, the mean of the hip, knee and ankle points' reading and the outline's (the "
                "angle between the thigh's midline and the lower leg's line). Less bend suggests a short rectus "
                "femoris.", side=side, rep=r.index,
                norm_key="thomas_knee_flexion", confidence=c, reason=knee_why,
                extra={k: None if not np.isfinite(v) else round(v, 1) for k, v in (
                    ("outline_knee_flexion_deg", ol_knee), ("landmarks_knee_flexion_deg", lm_knee),
                    ("outline_midlines_knee_flexion_deg", ol_both))}),
            "pelvis_rotation": rep_metric(
                "thomas_pelvis_rotation", "Trunk-line turn during the hold", rot, "deg",
                "Range of the shoulder-hip line's angle to horizontal over the hold, degrees.", side=None,
                rep=r.index, norm_key="thomas_pelvis_max_rotation", confidence=c),
        }
        below = knee < threshold("thomas_knee_flexion_research") if np.isfinite(knee) else None
        rows.append({"repetition": r.index, "side": side, "source": source, "phases": r.to_dict(),
                     "pelvis_moved": moved, "hip_rise_pct_trunk": None if not np.isfinite(rise) else round(rise, 2),
                     "reliable": not moved,
                     "short_hip_flexors": bool(np.isfinite(thigh) and thigh > 0),
                     "short_rectus_femoris": bool(np.isfinite(knee) and m["knee_flexion"].status == "below"),
                     "below_research_cut_off": below,
                     "metrics": {k: v.to_dict() for k, v in m.items()}, "_m": m})
    res["repetitions"] = [{k: v for k, v in r.items() if k != "_m"} for r in rows]
    res["thigh_source"] = " and ".join(sorted({r["source"] for r in rows})) or None
    for key, name in (("thigh_above_horizontal", "Thigh angle to horizontal"),
                      ("knee_flexion", "Knee flexion of the hanging leg")):
        vals = [r["_m"][key].value if r["_m"][key].value is not None else np.nan for r in rows]
        s = summarise(f"thomas_{key}", name, vals, "deg", rows[0]["_m"][key].definition if rows else "", side,
                      f"thomas_{key}", float(np.mean([r["_m"][key].confidence for r in rows])) if rows else 0.0,
                      larger_is_better=(key == "knee_flexion"))
        res["summary"][key] = summary_dicts(s)
    # the chart does not plot a reading the result withheld: none over a repetition whose value was not given
    plotted = {k: ser[side][k].copy() for k in ("thigh_above_horizontal", "knee_flexion")}
    for r, row in zip(reps, rows):
        for k in plotted:
            if row["_m"][k].value is None:
                plotted[k][r.start:r.end + 1] = np.nan
    res["curve"] = curve(t, {"hugged_hip_flexion": flex[hug], **plotted, "trunk_line_angle": trunk_ang})
    if not_hung is not None:
        depth, src = not_hung
        res["hang"] = {"depth_trunk_lengths": round(depth, 2) if np.isfinite(depth) else None, "source": src,
                       "min": threshold(f"thomas_hang_{src}_min")}
        why = (f"your {side} leg did not hang over the table's edge during the hold, as far as the picture shows: "
               "lying on the floor, or with both legs on the table, the thigh cannot drop below level nor the knee "
               "bend to hang, so neither would say anything about tight hip flexors or front thighs (if it did hang, "
               "the pose model and the body outline both lost the hanging lower leg: film again in good light, in "
               "clothes that stand out from the floor and the wall behind)")
    elif shallow is not None:
        why = (f"no knee was hugged to the chest: the {hug} hip bent at most {shallow:.0f} degrees (a knee held to the "
               f"chest bends it past {hug_min:.0f}): hug one knee to the chest and hold it "
               "for a few seconds, side-on to the camera")
    else:
        why = "no hold found: hug one knee to the chest and hold it for a few seconds, side-on to the camera"
    movement_found(res, len(rows), f"hug-and-hold(s) of the {hug} knee", why)
    return res


def unseen_lying_with(hugged: np.ndarray, tested: np.ndarray) -> np.ndarray:
    """The hugged hip's flexion (deg, (T,)) with the frames before it was first seen and after it was last seen
    read as the tested hip's: a leg not hugged lies with the other, and lying behind it, far from the camera, the
    pose model may not see it at all until it is drawn up (a held-out clinic-style render: the far knee's
    visibility 0.2 until the hug, so the hug's rise was never seen and no hold was found, though the hugged hip
    read 122-125 degrees for 3 s). Frames in between are left as they are (a gap inside a hold is not a release).
    Used only where the hugged hip's own reading gives no hug, and a hug found so, its rise unseen, counts only
    when held ``thomas_unseen_rise_hold_min`` (:func:`held_for`, in :func:`thomas_test`)."""
    x = np.array(hugged, dtype=np.float64, copy=True)
    seen = np.flatnonzero(np.isfinite(x))
    if not len(seen):
        return x
    edge = np.ones(len(x), bool)
    edge[seen[0]:seen[-1] + 1] = False
    x[edge] = np.asarray(tested, dtype=np.float64)[edge]
    return x


def held_for(x: np.ndarray, t: np.ndarray, peak: int, level: float) -> float:
    """How long (s) the reading ``x`` (T,) stayed at or above ``level`` without a break, through frame ``peak``
    (a frame not read is a break); 0 when it is not above it at the peak."""
    up = np.nan_to_num(np.asarray(x, dtype=np.float64), nan=-np.inf) >= level
    return next((float(t[b - 1] - t[a]) for a, b in true_runs(up) if a <= peak < b), 0.0)


def hang_depth(outline, p: np.ndarray, frames: np.ndarray, trunk: float) -> tuple[float, str]:
    """How far below the lying back something of the body hangs over ``frames``, in trunk lengths (+ = lower in
    the picture), and what gave it: the body outline (``"outline"``, where it was found in at least half of the
    frames) or the lower ankle landmark (``"ankle"``). Median over the frames; NaN where neither was seen (the hold
    then counts: nothing says the leg did not hang).

    From the outline: its lowest point, or the lower ankle landmark where that lies lower (the outline can lose a
    hanging lower leg against a floor of its colour: a wooden mannequin's read 0.12), below the lowest point of
    the outline's stretch under the trunk (between the hip and shoulder midpoints, the middle three fifths of it):
    what the back lies on is the table's (or the floor's) level, whatever the clothes' thickness. The outline's
    lowest point below the hip midpoint, the reading before, lay 0.28-0.33 trunk lengths down lying on the floor in
    three figure styles but 0.54 in loose clothes (a long top hangs below the back), where a table's end gave
    0.53-1.34. Without an outline (or no stretch under the trunk):
    the lower ankle landmark below the hip midpoint (renders at a table's end 0.46-1.11; three mannequin clips whose
    hanging foot the pose model lost: 0.16 down to -0.64; on the floor -0.56 to -0.06)."""
    hip = midpoint(p, "hip")[frames]
    with quiet():
        ankle = np.fmax(p[frames, SIDE_IDX["left"]["ankle"], 1], p[frames, SIDE_IDX["right"]["ankle"], 1])
    if outline is not None and len(frames):
        sh = midpoint(p, "shoulder")[frames]
        ol = np.asarray(outline, dtype=np.float64)[frames]
        depth = np.full(len(frames), np.nan)
        for j in range(len(frames)):
            x, y = ol[j, :, 0], ol[j, :, 1]
            if not (np.isfinite(hip[j]).all() and np.isfinite(sh[j]).all() and np.isfinite(y).any()):
                continue
            a, b = sorted((hip[j, 0], sh[j, 0]))
            under = np.isfinite(y) & (x >= a + 0.2 * (b - a)) & (x <= b - 0.2 * (b - a))
            if under.any():
                depth[j] = (np.fmax(np.nanmax(y), ankle[j]) - np.max(y[under])) / trunk
        ok = np.isfinite(depth)
        if ok.mean() >= 0.5:
            return float(np.median(depth[ok])), "outline"
    d = (ankle - hip[:, 1]) / trunk
    d = d[np.isfinite(d)]
    return (float(np.median(d)) if d.size else float("nan")), "ankle"


def _thigh_in_hold(outline, p: np.ndarray, side: str, frames: np.ndarray, landmarks_value: float
                   ) -> tuple[float, str]:
    """The tested thigh above the horizontal over ``frames`` (deg, + = knee higher) and its source: the median of
    its midline in the outline where that was found in enough of them (``"outline"``); without an outline, the
    hip -> knee landmarks' ``landmarks_value`` (``"landmarks"``); with an outline that did not show the thigh,
    NaN (``"unconfirmed"``: on the renders of three figure styles every thigh read from the outline lay within
    2.8 deg of the truth, while the landmark readings the outline could not confirm erred by up to 21.5)."""
    if outline is None:
        return landmarks_value, "landmarks"
    if len(frames) == 0:
        return np.nan, "unconfirmed"
    i = SIDE_IDX[side]
    hip, knee = p[:, i["hip"]], p[:, i["knee"]]
    u = thigh_midline_directions(np.asarray(outline, dtype=np.float64), hip, knee, thigh_length(p, side), frames)
    found = np.isfinite(u[:, 0])
    if found.mean() < threshold("movement_outline_coverage"):
        return np.nan, "unconfirmed"
    h = hip[frames][found]
    return float(np.median(-geo.angle_below_horizontal(h, h + u[found]))), "outline"


def outline_knee_flexion(outline, p: np.ndarray, side: str, frames: np.ndarray, guide: np.ndarray
                         ) -> tuple[float, float]:
    """The hanging knee's bend from the outline over ``frames`` (deg, 0 = straight), read two ways against the lower
    leg's line in the outline (:func:`analysis.movement.outline_limbs.lower_leg_direction`, hanging down, without
    the ankle landmark, found once per frame): against the hip -> knee line (a second reading of the landmarks' knee,
    to confirm it), and against the thigh's midline in the outline
    (:func:`analysis.movement.outline_limbs.thigh_midline_directions`: a reading that uses no knee point at all).
    Each is the median over the frames where its two directions are found; NaN without an outline or when they are
    found in fewer than half of the frames."""
    nan = (float("nan"), float("nan"))
    if outline is None or len(frames) == 0:
        return nan
    i = SIDE_IDX[side]
    ol = np.asarray(outline, dtype=np.float64)
    L = shank_length(p, side)
    frames = np.asarray(frames, dtype=int)
    midlines = thigh_midline_directions(ol, p[:, i["hip"]], p[:, i["knee"]], thigh_length(p, side), frames)
    on_points, on_midline = [], []
    for j, f in enumerate(frames):
        hip, knee = p[f, i["hip"]], p[f, i["knee"]]
        if not np.isfinite(ol[f]).all():
            continue
        u = lower_leg_direction(ol[f], hip, knee, L, guide=float(guide[f]), upward=False)
        if u is None:
            continue
        for th, vals in (((knee - hip) / np.linalg.norm(knee - hip), on_points), (midlines[j], on_midline)):
            if np.isfinite(th).all():
                vals.append(float(np.degrees(np.arccos(np.clip(th @ u, -1.0, 1.0)))))
    return tuple(float(np.median(v)) if len(v) >= 0.5 * len(frames) else float("nan")
                 for v in (on_points, on_midline))


def thigh_abduction(p: np.ndarray, side: str) -> np.ndarray:
    """Thigh abduction in a front (or back) view, per frame (deg, + = knee away from the midline). (T,)

    The angle between the thigh (hip -> knee) and the direction perpendicular to the hip line pointing
    towards the knees; positive when the knee lies further from the other hip than the hip does.
    """
    i, o = SIDE_IDX[side], SIDE_IDX[other_side(side)]
    hip, knee, other = p[:, i["hip"]], p[:, i["knee"]], p[:, o["hip"]]
    out_dir = hip - other  # from the midline outwards
    perp = np.stack([-out_dir[:, 1], out_dir[:, 0]], -1)
    # orient the perpendicular towards the knees
    s = np.sign(np.sum(perp * (knee - hip), -1))
    perp = perp * np.where(s == 0, 1.0, s)[:, None]
    ang = geo.angle_between(perp, knee - hip)
    outward = np.sign(np.sum((knee - hip) * out_dir, -1))
    return ang * outward


def thomas_front_test(timestamps, pixels, visibility, *, side: str | None = None) -> dict:
    """Front-view part of the modified Thomas test: thigh abduction of the hanging leg (TFL / ITB).

    Returns
    -------
    dict (JSON-ready)
        ``side``, ``measured``, ``metrics`` (``thigh_abduction``: median over the second half of
        the clip, read where the hips and the knee were seen), ``curve``, ``movement``, ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    track = clean_landmarks(pixels, vis, t)
    p = track.p
    ab = {s: thigh_abduction(p, s) for s in ("left", "right")}
    if side is None:  # the hanging leg: the knee lower in the picture (further from the hugged chest)
        with quiet():
            ky = {s: np.nanmedian(p[:, SIDE_IDX[s]["knee"], 1]) for s in ab}
        side = max(ky, key=lambda s: ky[s] if np.isfinite(ky[s]) else -np.inf)
    i = SIDE_IDX[side]
    half = np.arange(len(t) // 2, len(t))
    v = median_at(ab[side], half[track.seen[np.ix_(half, [23, 24, i["knee"]])].all(axis=1)])
    c = visibility_confidence(vis, (23, 24, i["knee"]), half)
    m = rep_metric("thomas_thigh_abduction", "Thigh abduction (front view)", v, "deg",
                   "Angle of the tested thigh (hip -> knee) away from the perpendicular to the hip line in a front "
                   "view, degrees, + = knee further out than the hip (abduction). Median over the second half of "
                   "the clip (the hold).", side=side, rep=1, norm_key="thomas_thigh_abduction", confidence=c)
    return {"kind": "thomas_front", "side": side, "measured": m.value is not None,
            "metrics": {"thigh_abduction": m.to_dict()}, "repetitions": [{"repetition": 1, "side": side,
                                                                        "metrics": {"thigh_abduction": m.to_dict()}}]
            if m.value is not None else [],
            "curve": curve(t, {"thigh_abduction_left": ab["left"], "thigh_abduction_right": ab["right"]}),
            "movement": {"found": m.value is not None, "repetitions": int(m.value is not None),
                         "reason": "the hold was seen" if m.value is not None else
                         "the hips and knee were not seen from the front"},
            "problems": [] if m.value is not None else ["the hips and knee were not seen from the front"]}
