"""Pelvic tilt from hand-marked ASIS and PSIS, compared with the silhouette estimate on the same frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vision.errors import InputError
from vision.estimator import DEFAULT_MAX_SIDE
from vision.pipeline import reread_photo, track
from vision.sources import ImageSource, open_source


def calibrate_tilt(path: str | Path, asis_xy: tuple[float, float], psis_xy: tuple[float, float],
                   frame_index: int = 0, max_side: int | None = DEFAULT_MAX_SIDE) -> dict:
    """Compare a pelvic-tilt measurement from hand-marked ASIS and PSIS with the silhouette estimate.

    Parameters
    ----------
    path
        The photo or clip the marks were made on.
    asis_xy, psis_xy : (float, float)
        The marked anterior and posterior superior iliac spines, in that frame's pixels (x right, y down).
    frame_index : int
        Which frame of a clip was marked (0 for a photo).

    Returns
    -------
    dict
        ``measured_deg`` (the clinical definition: ASIS-PSIS line to horizontal, + = anterior),
        ``estimated_deg`` (silhouette estimate on the same frame; a photo's read twice, as the assessment reads it:
        :func:`analysis.pelvis.retest_pelvic_tilt`) and ``offset_deg`` (measured minus
        estimated, to add to this person's later estimates).

    Raises
    ------
    InputError
        When the file cannot be read, has no such frame, or the estimate cannot be made on that frame.
    """
    from analysis.pelvis import (calibration_offset, estimate_pelvic_tilt, reading_tilt, retest_pelvic_tilt,
                                 tilt_from_asis_psis)

    source = open_source(path)
    try:
        seq = track(source, segmentation=True, max_side=max_side, probe_people=False).sequence
    finally:
        source.close()
    hits = np.flatnonzero(seq.frame_index == frame_index)
    if len(hits) == 0:
        raise InputError(f"{Path(path).name} has no frame {frame_index} (it has {len(seq)}): give the frame you marked.")
    k = int(hits[0])
    outline = seq.outline[k] if seq.outline is not None and np.isfinite(seq.outline[k]).all() else None
    est = estimate_pelvic_tilt(outline, seq.pixels[k], seq.visibility[k])
    if isinstance(source, ImageSource) and est.value is not None:  # as the assessment reads a photo: twice
        est = retest_pelvic_tilt(est, reading_tilt(reread_photo(source, max_side=max_side)))
    if est.value is None:
        raise InputError(f"No tilt estimate on frame {frame_index} to calibrate against: {est.reason}.")
    measured = float(tilt_from_asis_psis(asis_xy, psis_xy))
    return {"measured_deg": measured, "estimated_deg": float(est.value),
            "offset_deg": calibration_offset(measured, est.value), "frame_index": frame_index}
