"""The therapist's workflow on top of the records: analyse and store a capture, test-retest noise, compare
two captures, correct landmarks by hand, and the frames for side-by-side playback.

The Streamlit pages (``pages/``) and the CLI call these functions and hold no logic of their own.

Client media is never copied where nobody chose: an analysis runs in a private temporary folder that is
deleted when it ends (also on an error), a kept video is read from the database in place
(:meth:`records.store.Records.open_video`), exports are owner-only and their CSV cells spreadsheet-safe.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import numpy as np

from analysis import comparison as cmp
from privacy.files import make_private, open_private, private_dir, private_tempdir
from privacy.text import csv_row, display_text
from records.errors import InvalidInput
from records.store import CaptureIn, Records, now

PELVIC_MARKS = ("asis", "psis")


def landmark_choices() -> list[str]:
    from vision.landmarks import LANDMARK_NAMES

    return list(LANDMARK_NAMES) + list(PELVIC_MARKS)


# ----------------------------------------------------------------------------------------------------
# analysing and storing
# ----------------------------------------------------------------------------------------------------
def protocol_of(test: str | None) -> str:
    return test or "standing"


def analyse(path: str | Path, out_dir: str | Path, *, test: str | None = None, display_name: str | None = None,
            progress=None, segmentation: bool = True, calibration=None, leg: str | None = None):
    """Run the pipeline on a file (standing posture, or the movement ``test`` with its tested ``leg`` when
    stated), its outputs in ``out_dir``; returns the Analysis."""
    from capture.analyze import analyze_file

    return analyze_file(path, Path(out_dir), annotate=False, segmentation=segmentation, progress=progress,
                        display_name=display_name, test=test, calibration=calibration, role="therapist", leg=leg)


def capture_of_file(path: str | Path, *, test: str | None = None, display_name: str | None = None,
                    keep_video: bool = False, calibration=None, progress=None,
                    leg: str | None = None) -> CaptureIn:
    """Analyse a file in a private temporary folder (deleted when done, also on an error) and return what
    to store: everything is in memory, nothing of the analysis stays on disk."""
    with private_tempdir("posture-analysis-") as tmp:
        a = analyse(path, tmp, test=test, display_name=display_name, calibration=calibration, progress=progress,
                    leg=leg)
        return capture_from_analysis(a, path, test=test, keep_video=keep_video)


def capture_from_analysis(analysis, path: str | Path, *, test: str | None = None, keep_video: bool = False) -> CaptureIn:
    """A :class:`~records.store.CaptureIn` for an analysis of ``path`` (the video only with ``keep_video``)."""
    return capture_in(analysis.sequence, Path(analysis.outputs["track"]).read_bytes(), analysis.assessment,
                      analysis.summary, path, test=test, keep_video=keep_video)


def capture_in(seq, track: bytes, results: dict | None, summary: dict, path: str | Path, *, test: str | None = None,
               keep_video: bool = False) -> CaptureIn:
    """A :class:`~records.store.CaptureIn` from a track (``seq`` and its ``.pose.npz`` bytes), its results and
    summary, and the file ``path`` it came from (read for the key frame picture, and kept with ``keep_video``)."""
    import cv2

    from vision.sources import file_sha256, read_frame

    res = results or {}
    view = (res.get("view") or {}).get("label") if isinstance(res.get("view"), dict) else None
    if test:
        view = "side" if res.get("facing") in (1, -1) else view
    key = res.get("key_frame")
    if key is None and len(seq):
        key = int(np.flatnonzero(seq.detected)[len(np.flatnonzero(seq.detected)) // 2]) if seq.detected.any() else 0
    jpeg = None
    if key is not None:
        try:
            rgb = read_frame(path, int(seq.frame_index[key]), float(seq.timestamps[key]))
            ok, enc = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88])
            jpeg = enc.tobytes() if ok else None
        except Exception:  # noqa: BLE001 - a photo or an unreadable frame: no key frame image
            jpeg = None
    res = dict(res)
    res["key_frame"] = key
    data = Path(path).read_bytes() if keep_video else None
    name = display_text(seq.source.name or Path(path).name)
    return CaptureIn(protocol=protocol_of(test), results=res, track=track, view=view,
                     summary=summary, model=seq.model, source_name=name,
                     source_sha256=getattr(seq.source, "sha256", None) or file_sha256(Path(path)),
                     key_frame=jpeg, video=data, video_name=name if keep_video else None)


def analyse_and_store(rec: Records, client_id: int, paths: list[str | Path], *, test: str | None = None,
                      keep_video: bool = False, assessor: str = "", label: str = "", notes: list[str] = (),
                      display_names: list[str] | None = None, leg: str | None = None) -> tuple[int, list[int]]:
    """Analyse each file and store them as one new session (one transaction, after all analyses ran); ``leg``:
    the tested leg of a one-leg movement test as the therapist states it.

    The client's consent is checked first (``records``, and ``video`` with ``keep_video``), before any
    analysis runs; :class:`~records.errors.ConsentMissing` otherwise. Returns (session id, capture ids in order).
    """
    rec.require_consent(client_id, ["records"] + (["video"] if keep_video else []))
    caps = []
    cal = _calibration_for(rec, client_id)
    for i, p in enumerate(paths):
        name = display_names[i] if display_names else None
        caps.append(capture_of_file(p, test=test, display_name=name, keep_video=keep_video, calibration=cal,
                                    leg=leg))
    sid = rec.save_session(client_id, caps, assessor=assessor, label=label, notes=notes)
    return sid, [c["id"] for c in rec.captures(session_id=sid)]


def stored_copies(rec: Records, client_id: int, paths: list[str | Path],
                  names: list[str] | None = None) -> list[tuple[str, dict]]:
    """The files among ``paths`` whose content is already stored for this client: (name, the stored capture)
    each, so that a page can refuse to store the same clip twice."""
    from vision.sources import file_sha256

    have = {c["source_sha256"]: c for c in rec.captures(client_id=client_id) if c.get("source_sha256")}
    out = []
    for i, p in enumerate(paths):
        got = have.get(file_sha256(Path(p)))
        if got is not None:
            out.append((names[i] if names else Path(p).name, got))
    return out


def _calibration_for(rec: Records, client_id: int):
    cl = rec.client(int(client_id))
    if not cl:
        return None
    rows = rec.calibrations(cl["code"])
    return (float(rows[-1][1]), rows[-1][4]) if rows else None


# ----------------------------------------------------------------------------------------------------
# noise and comparison
# ----------------------------------------------------------------------------------------------------
def results_of(cap: dict) -> dict:
    """The results in force: the corrected ones when landmarks were corrected, else the automatic ones."""
    return cap.get("results_corrected") or cap["results"]


def signature(cap: dict) -> dict:
    return cmp.capture_signature(results_of(cap), cap["protocol"], cap["program_version"], cap.get("model"))


def test_retest(rec: Records, client_id: int, capture_ids: list[int]) -> dict:
    """SEM and MDC per metric from repeated captures of one client (same protocol and view), stored.

    Raises ``ValueError`` with fewer than two captures or captures that are not comparable.
    """
    if len(capture_ids) < 2:
        raise InvalidInput("test-retest needs at least two captures of the same test (three are better)")
    caps = [rec.capture_or_fail(i, blobs=False) for i in capture_ids]
    sig0 = signature(caps[0])
    for c in caps[1:]:
        ok, why = cmp.comparability(sig0, signature(c))
        if not ok:
            raise InvalidInput("the repeats are not comparable: " + "; ".join(why))
    table = cmp.reliability([results_of(c) for c in caps])
    rec.save_reliability(client_id, caps[0]["protocol"], caps[0]["view"], table, list(capture_ids))
    return table


def compare_captures(rec: Records, before_id: int, after_id: int, fps: float = 15.0) -> dict:
    """Compare two stored captures with the client's own noise (or the defaults) and sync their playback."""
    a, b = rec.capture_or_fail(before_id, blobs=False), rec.capture_or_fail(after_id, blobs=False)
    client = rec.client_of_capture(before_id)
    noise = None
    if client:
        r = rec.reliability(client["id"], a["protocol"])
        noise = r["table_json"] if r else None
    out = cmp.compare(results_of(a), results_of(b), signature(a), signature(b), noise)
    sa, sb = rec.sequence(before_id), rec.sequence(after_id)
    out["sync"] = cmp.sync_pairs(results_of(a), sa.timestamps, results_of(b), sb.timestamps, fps)
    out["before"] = {k: a[k] for k in ("id", "protocol", "view", "created_at", "source_name", "program_version")}
    out["after"] = {k: b[k] for k in ("id", "protocol", "view", "created_at", "source_name", "program_version")}
    out["client"] = client
    return out


# ----------------------------------------------------------------------------------------------------
# manual landmark correction
# ----------------------------------------------------------------------------------------------------
def latest_corrections(rows: list[dict]) -> dict[tuple[int, str], dict]:
    out = {}
    for r in rows:
        out[(int(r["frame"]), r["landmark"])] = r
    return out


def corrected_track(auto: np.ndarray, marks: list[tuple[int, float, float]]) -> np.ndarray:
    """One landmark's track with hand-placed positions.

    Parameters
    ----------
    auto : ndarray, shape (T, 2)
        The model's positions (pixels; NaN where it had none).
    marks : list of (frame, x, y)
        Where the landmark was placed by hand, on one or more frames.

    Returns
    -------
    ndarray, shape (T, 2)
        The model's track moved by the hand-placed offset: one mark moves every frame by the same offset;
        several (a movement test's rest and peak) by offsets interpolated linearly between their frames and held
        before the first and after the last. A mark on a frame where the model had no point is put there as
        placed.
    """
    out = np.asarray(auto, dtype=np.float64).copy()
    known = [(f, np.array([x, y]) - out[f]) for f, x, y in sorted(marks) if np.isfinite(out[f]).all()]
    if known:
        fs = np.array([f for f, _ in known], float)
        frames = np.arange(len(out))
        for axis in (0, 1):
            out[:, axis] += np.interp(frames, fs, [d[axis] for _, d in known])
    for f, x, y in marks:
        if not np.isfinite(np.asarray(auto, float)[f]).all():
            out[f] = (x, y)
    return out


def recompute(seq, cap: dict, corrections: list[dict]) -> dict:
    """The capture's results recomputed with hand-placed landmarks (the automatic results stay as they are).

    A landmark moved on one frame is moved by the same offset in every frame of the track (a model that
    misplaces a landmark in a steady capture does so consistently); moved on several frames (a movement test's
    rest and peak), by offsets interpolated between those frames and held before the first and after the last.
    Corrected landmarks get visibility 1. Marked ASIS and PSIS (on one frame) replace the pelvic-tilt estimate
    with the measurement by its clinical definition; without them, a photo's estimate withheld because its two
    readings disagreed stays withheld. The result carries ``corrections`` (what was applied).
    """
    from analysis.assessment import assess_standing
    from analysis.movement import run_movement_test
    from analysis.pelvis import measured_tilt_metric
    from vision.landmarks import LANDMARK_NAMES

    px = seq.pixels.astype(np.float64).copy()
    vis = seq.visibility.astype(np.float64).copy()
    marks: dict[str, tuple] = {}
    applied = []
    by_landmark: dict[str, list[tuple[int, dict]]] = {}
    for (frame, name), c in sorted(latest_corrections(corrections).items()):
        if name in PELVIC_MARKS:
            marks[name] = (float(c["x"]), float(c["y"]), frame)
            applied.append({"frame": frame, "landmark": name, "x": c["x"], "y": c["y"]})
        else:
            by_landmark.setdefault(name, []).append((frame, c))
    for name, items in by_landmark.items():
        j = LANDMARK_NAMES.index(name)
        auto = seq.pixels[:, j].astype(np.float64)
        px[:, j] = corrected_track(auto, [(f, float(c["x"]), float(c["y"])) for f, c in items])
        for f, c in items:
            d = np.array([c["x"], c["y"]]) - auto[f]
            applied.append({"frame": f, "landmark": name, "x": c["x"], "y": c["y"],
                            "dx": round(float(d[0]), 2) if np.isfinite(d).all() else None,
                            "dy": round(float(d[1]), 2) if np.isfinite(d).all() else None})
        vis[:, j] = np.where(np.isfinite(px[:, j, 0]), 1.0, vis[:, j])
    old = cap["results"]
    if cap["protocol"] == "standing":
        res = assess_standing(px, vis, seq.world, seq.image_size, seq.timestamps if len(seq) > 1 else None,
                              seq.outline)
    else:
        res = run_movement_test(cap["protocol"], seq.timestamps, px, vis, outline=seq.outline, world=seq.world,
                                landmarks=seq.landmarks, image_size=seq.image_size)
    prior = next((m for m in old.get("metrics") or [] if m["key"] == "pelvic_tilt"), None)
    if prior is not None and prior["value"] is None and ((prior.get("extra") or {}).get("retest") or {}).get("value") \
            is not None and res.get("metrics") is not None:
        # a photo whose two readings disagreed (analysis.pelvis.retest_pelvic_tilt): moved landmarks do not mend its
        # outline, and the second reading is not stored to read again, so the estimate stays withheld
        res["metrics"] = [prior if x["key"] == "pelvic_tilt" else x for x in res["metrics"]]
    if "asis" in marks and "psis" in marks and res.get("metrics") is not None:
        m = measured_tilt_metric(marks["asis"][:2], marks["psis"][:2], now()[:10]).to_dict()
        m["extra"]["frame"] = marks["asis"][2]
        est = next((x for x in res["metrics"] if x["key"] == "pelvic_tilt"), None)
        if est is not None:
            m["extra"]["estimate_replaced"] = est["value"]
        res["metrics"] = [m] + [x for x in res["metrics"] if x["key"] != "pelvic_tilt"]
    res["plan"] = old.get("plan")
    res["corrections"] = applied
    res["corrected"] = True
    return res


def correction_frames(cap: dict, seq) -> list[tuple[str, int]]:
    """The frames worth correcting a landmark on, as (label, track position): the key frame of a standing
    capture; the rest and the peak of each repetition of a movement test (the offsets between them are
    interpolated, see :func:`recompute`)."""
    res = results_of(cap)
    t = np.asarray(seq.timestamps, float)
    out: list[tuple[str, int]] = []
    if not len(t):
        return out

    def at(sec) -> int:
        return int(np.clip(np.searchsorted(t, float(sec) - 1e-6), 0, len(t) - 1))

    for r in (res.get("repetitions") or [])[:3]:
        ph = r.get("phases") or {}
        n = r.get("repetition", len(out) // 2 + 1)
        if ph.get("start_s") is not None:
            out.append((f"rest before repetition {n}", at(ph["start_s"])))
        if ph.get("peak_s") is not None:
            out.append((f"peak of repetition {n}", at(ph["peak_s"])))
    key = res.get("key_frame")
    if key is not None and all(f != int(key) for _, f in out):
        out.insert(0, ("key frame", int(key)))
    if not out:
        out.append(("first frame with a person", int(np.flatnonzero(seq.detected)[0]) if seq.detected.any() else 0))
    return out


def apply_corrections(rec: Records, capture_id: int, new: list[dict], author: str = "") -> dict:
    """Store hand-placed landmarks (each ``frame, landmark, x, y``) and the recomputed results.

    With both ASIS and PSIS marked, the client's pelvic-tilt calibration (marked minus the silhouette
    estimate on that frame) is stored too, so later captures apply it. Returns the corrected results.
    """
    cap = rec.capture_or_fail(capture_id, video=False)
    seq = rec.sequence(capture_id)
    from vision.landmarks import LANDMARK_NAMES

    rows = []
    for c in new:
        name = c["landmark"]
        if name not in LANDMARK_NAMES and name not in PELVIC_MARKS:
            raise ValueError(f"unknown landmark {name!r}")
        f = int(c["frame"])
        if not 0 <= f < len(seq):
            raise ValueError(f"frame {f} is outside the capture (0..{len(seq) - 1})")
        auto = seq.pixels[f, LANDMARK_NAMES.index(name)] if name in LANDMARK_NAMES else (None, None)
        rows.append({"frame": f, "landmark": name, "x": float(c["x"]), "y": float(c["y"]),
                     "auto_x": None if auto[0] is None or not np.isfinite(auto[0]) else float(auto[0]),
                     "auto_y": None if auto[1] is None or not np.isfinite(auto[1]) else float(auto[1])})
    allc = rec.corrections(capture_id) + rows
    res = recompute(seq, cap, allc)
    rec.add_corrections(capture_id, rows, res, author=author)
    marks = {r["landmark"]: r for r in latest_corrections(allc).values() if r["landmark"] in PELVIC_MARKS}
    tilt = next((m for m in res.get("metrics") or [] if m["key"] == "pelvic_tilt" and m["kind"] == "measurement"), None)
    if len(marks) == 2 and tilt is not None and tilt["extra"].get("estimate_replaced") is not None:
        from analysis.pelvis import estimate_pelvic_tilt

        k = int(marks["asis"]["frame"])
        o = seq.outline[k] if seq.outline is not None and np.isfinite(seq.outline[k]).all() else None
        est = estimate_pelvic_tilt(o, seq.pixels[k], seq.visibility[k])
        client = rec.client_of_capture(capture_id)
        if est.value is not None and client:
            rec.save_calibration(client["code"], float(tilt["value"] - est.value), float(tilt["value"]),
                                 float(est.value), now())
    return res


# ----------------------------------------------------------------------------------------------------
# frames for display, playback and reports
# ----------------------------------------------------------------------------------------------------
def _decode_jpeg(b: bytes) -> np.ndarray:
    import cv2

    img = cv2.imdecode(np.frombuffer(b, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


class StoredVideo:
    """Upright RGB frames of a video read from an open, seekable binary file (a video kept in the records,
    read in place), found by their time. Asking for later frames in order decodes on from the last one
    instead of seeking again (side-by-side playback)."""

    def __init__(self, f) -> None:
        import av

        self._c = av.open(f, metadata_errors="ignore")
        self._s = self._c.streams.video[0]
        self._s.codec_context.thread_count = 1
        self._start = self._s.start_time or 0
        self._half = 0.5 / float(self._s.average_rate or self._s.guessed_rate or 30)
        self._frames = None
        self._last: tuple[float, np.ndarray] | None = None

    def _decode(self):
        tb = self._s.time_base
        for fr in self._c.decode(self._s):
            if fr.pts is not None:
                yield float((fr.pts - self._start) * tb), fr

    def frame(self, t: float) -> np.ndarray | None:
        """The frame shown at ``t`` seconds (as in a track's timestamps), or None."""
        from vision.sources import frame_rgb, upright

        last = self._last
        if last is not None and abs(t - last[0]) <= self._half:
            return last[1]
        if last is None or self._frames is None or t < last[0] or t > last[0] + 2.0:
            self._c.seek(self._start + int(max(0.0, t - self._half) / self._s.time_base), stream=self._s,
                         backward=True)
            self._frames = self._decode()
        for ft, fr in self._frames:
            if ft >= t - self._half:
                rot = int(round(-(fr.rotation or 0) / 90.0)) * 90 % 360  # as vision.sources: FFmpeg turns anticlockwise
                self._last = (ft, upright(frame_rgb(fr), rot))
                return self._last[1]
        self._last = self._frames = None
        return None

    def close(self) -> None:
        self._c.close()


class FrameReader:
    """Frames of a stored capture: from the kept video when there is one (read from the database in place,
    never copied to a file), the key frame image for the key frame, else a grey canvas of the frame's size
    (the skeleton is drawn from the track either way).

    A context manager: ``with FrameReader(rec, capture_id) as fr:`` releases the database handle at the end.
    """

    def __init__(self, rec: Records, capture_id: int) -> None:
        self.cap = rec.capture_or_fail(capture_id, video=False)
        self.seq = PoseSeqCache.get(rec, capture_id, self.cap)
        self.key = results_of(self.cap).get("key_frame")
        self._stack = contextlib.ExitStack()
        self._video: StoredVideo | None = None
        if self.cap["has_video"]:
            try:
                self._video = StoredVideo(self._stack.enter_context(rec.open_video(capture_id)))
                self._stack.callback(self._video.close)
            except Exception:  # noqa: BLE001 - a kept file FFmpeg cannot read: the key frame picture instead
                self._stack.close()
                self._video = None

    def close(self) -> None:
        self._stack.close()
        self._video = None

    def __enter__(self) -> "FrameReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def raw(self, pos: int) -> np.ndarray:
        if self._video is not None:
            try:
                rgb = self._video.frame(float(self.seq.timestamps[pos]))
                if rgb is not None:
                    return rgb
            except Exception:  # noqa: BLE001 - a damaged part of the kept video: the key frame or a canvas
                pass
        standing = self.cap.get("protocol") == "standing"  # still: the key frame stands for every frame
        if self.cap.get("key_frame") and (self.key is None or pos == self.key or standing):
            return _decode_jpeg(self.cap["key_frame"])
        w, h = (int(v) for v in self.seq.image_size[pos])
        return np.full((h, w, 3), 40, np.uint8)

    @property
    def has_video(self) -> bool:
        return self._video is not None

    def person_box(self, margin: float = 0.12, aspect: float = 0.75) -> tuple[int, int, int, int] | None:
        """(x0, y0, x1, y1) pixels around every landmark of the person over the whole capture, with ``margin``
        (a fraction of the person's height) on each side, at least ``aspect`` times as wide as tall (room for the
        drawn labels), inside the frame; None when nobody was found."""
        px = self.seq.pixels[np.asarray(self.seq.detected, bool)].reshape(-1, 2).astype(float)
        px = px[np.isfinite(px).all(axis=1)]
        if not len(px):
            return None
        w, h = (int(v) for v in self.seq.image_size[0])
        (x0, y0), (x1, y1) = px.min(axis=0), px.max(axis=0)
        m = margin * max(y1 - y0, x1 - x0, 1.0)
        x0, y0, x1, y1 = x0 - m, y0 - m, x1 + m, y1 + m
        half = max(x1 - x0, aspect * (y1 - y0)) / 2
        cx = (x0 + x1) / 2
        return (int(max(0, cx - half)), int(max(0, y0)), int(min(w, cx + half)), int(min(h, y1)))

    def annotated(self, pos: int, corrections: list[dict] | None = None, plumb: bool = True,
                  pelvis: bool = True) -> np.ndarray:
        from vision.drawing import draw_side_assessment, draw_skeleton

        rgb = self.raw(pos)
        px = self.seq.pixels[pos].astype(np.float64)
        vis = self.seq.visibility[pos]
        res = results_of(self.cap)
        view = (res.get("view") or {}).get("label") if isinstance(res.get("view"), dict) else None
        if plumb and res.get("ok", True) and view in ("left side", "right side"):
            edge = (res.get("spinal_curve") or {}).get("key_frame_back_edge_px") if pos == self.key else None
            edge = None if edge is None else np.array([[np.nan if v is None else v for v in p] for p in edge], float)
            measured = {m["key"] for m in res.get("metrics") or [] if m.get("value") is not None}
            angles = tuple(a for a, key in (("hip", "hip_angle"), ("knee", "knee_flexion")) if key in measured)
            img = draw_side_assessment(rgb, px, vis, res["view"]["facing"], edge, angles=angles)
        else:  # a blocked result: no number drawn as a result
            img = draw_skeleton(rgb, px, vis)
        if pelvis and res.get("ok", True) and view in ("left side", "right side"):
            self._pelvis_line(img, pos, res, corrections)
        if corrections:
            draw_marks(img, corrections, pos)
        return img

    def _pelvis_line(self, img: np.ndarray, pos: int, res: dict, corrections: list[dict] | None) -> None:
        """The pelvis line: between the hand-placed ASIS and PSIS on the frame they were marked on; else through
        the hip at the tilt the results give (measured or estimated), labelled with it."""
        from vision.drawing import draw_pelvis_line, pelvis_line_ends

        tilt = next((m for m in res.get("metrics") or [] if m.get("key") == "pelvic_tilt"), None)
        marks = {c["landmark"]: c for c in (corrections or []) if c["landmark"] in PELVIC_MARKS and int(c["frame"]) == pos}
        if len(marks) == 2:
            a, p = marks["asis"], marks["psis"]
            label = f"pelvis {tilt['value']:.0f} deg (marked)" if tilt and tilt.get("value") is not None else ""
            draw_pelvis_line(img, (a["x"], a["y"]), (p["x"], p["y"]), label)
            return
        if not tilt or tilt.get("value") is None:
            return
        px = self.seq.pixels[pos].astype(np.float64)
        hip = np.nanmean(px[[23, 24]], axis=0)
        sh = np.nanmean(px[[11, 12]], axis=0)
        length = 0.35 * float(np.hypot(*(sh - hip)))  # about the ASIS-PSIS distance of an adult if np.isfinite(sh).all() and np.isfinite(hip).all() else np.nan
        if not np.isfinite(length) or length <= 0:
            return
        front, back = pelvis_line_ends(hip, tilt["value"], res["view"].get("facing") or 1, length)
        kind = "marked" if tilt.get("kind") == "measurement" else "estimate"
        draw_pelvis_line(img, front, back, f"pelvis {tilt['value']:.0f} deg ({kind})")


MARK_NAMES = {"asis": "ASIS", "psis": "PSIS"}


def draw_marks(img: np.ndarray, corrections: list[dict], pos: int) -> None:
    """Hand-placed points on frame ``pos``: a ring with a cross-hair and the point's name on a dark box (drawn
    over the skeleton, so a mark is never hidden under it)."""
    import cv2

    h = img.shape[0]
    r = max(7, h // 60)
    thick = max(2, h // 300)
    scale = max(0.45, h / 1100)
    for c in corrections:
        if int(c["frame"]) != pos:
            continue
        p = (int(round(c["x"])), int(round(c["y"])))
        colour = (255, 0, 255) if c["landmark"] in PELVIC_MARKS else (255, 230, 0)
        cv2.circle(img, p, r, (0, 0, 0), thick + 2, cv2.LINE_AA)
        cv2.circle(img, p, r, colour, thick, cv2.LINE_AA)
        for dx, dy in ((1, 0), (0, 1)):
            cv2.line(img, (p[0] - 2 * r * dx, p[1] - 2 * r * dy), (p[0] - r * dx // 2, p[1] - r * dy // 2), colour,
                     thick, cv2.LINE_AA)
            cv2.line(img, (p[0] + r * dx // 2, p[1] + r * dy // 2), (p[0] + 2 * r * dx, p[1] + 2 * r * dy), colour,
                     thick, cv2.LINE_AA)
        label = MARK_NAMES.get(c["landmark"], c["landmark"].replace("_", " "))
        (tw, th), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        x0, y0 = p[0] + 2 * r, max(th + 4, p[1] - 2 * r)
        cv2.rectangle(img, (x0 - 3, y0 - th - 4), (x0 + tw + 3, y0 + base), (20, 20, 20), -1)
        cv2.putText(img, label, (x0, y0), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


class PoseSeqCache:
    _cache: dict = {}

    @classmethod
    def get(cls, rec: Records, capture_id: int, cap: dict | None = None):
        from vision.sequence import PoseSequence

        k = (rec.location, capture_id)
        if k not in cls._cache:
            cap = cap or rec.capture_or_fail(capture_id, video=False)
            cls._cache[k] = PoseSequence.load(io.BytesIO(cap["track"]))
            if len(cls._cache) > 16:
                cls._cache.pop(next(iter(cls._cache)))
        return cls._cache[k]


def crop_box(rgb: np.ndarray, box: tuple[int, int, int, int] | None) -> np.ndarray:
    """``rgb`` cut to ``box`` (x0, y0, x1, y1), or whole when None."""
    if box is None:
        return rgb
    x0, y0, x1, y1 = box
    part = rgb[y0:y1, x0:x1]
    return part if part.size else rgb


def side_by_side(left: np.ndarray, right: np.ndarray, height: int = 360, labels=("before", "after")) -> np.ndarray:
    """Two RGB frames scaled to one height and put next to each other, labelled."""
    import cv2

    from vision.drawing import put_label

    out = []
    for img, lab in zip((left, right), labels):
        h, w = img.shape[:2]
        s = height / h
        im = cv2.resize(img, (max(2, int(round(w * s))), height), interpolation=cv2.INTER_AREA)
        out.append(put_label(im, lab))
    return np.concatenate(out, axis=1)


def comparison_frames(rec: Records, comparison: dict, step: int | None = None, height: int = 360):
    """Yield side-by-side frames for the synchronised pairs of :func:`compare_captures` (every ``step``-th)."""
    with FrameReader(rec, comparison["before"]["id"]) as ra, FrameReader(rec, comparison["after"]["id"]) as rb:
        pairs = comparison["sync"]["pairs"]
        for ia, ib in pairs[:: step or 1]:
            yield side_by_side(ra.annotated(ia), rb.annotated(ib), height,
                               (f"before {ra.seq.timestamps[ia]:.1f} s", f"after {rb.seq.timestamps[ib]:.1f} s"))


def write_comparison_video(rec: Records, comparison: dict, dest: str | Path, fps: float = 15.0,
                           height: int = 360) -> Path:
    """Write the synchronised side-by-side clip (skeletons drawn) as an MP4."""
    from vision.pipeline import VideoWriter

    w = VideoWriter(Path(dest), fps)
    try:
        for img in comparison_frames(rec, comparison, height=height):
            w.write(img)
    finally:
        w.close()
    return make_private(dest)


def export_client(rec: Records, client_id: int, dest: str | Path) -> list[Path]:
    """Write everything about a client into the folder ``dest`` (made owner-only when new; the files 600):
    ``client.json`` (all records), ``metrics.csv`` (one row per capture and metric, automatic and corrected)
    and each capture's track as ``capture_<id>.pose.npz`` and ``capture_<id>.landmarks.csv``."""
    dest = private_dir(dest)
    data = rec.export(client_id)
    files = [dest / "client.json"]
    with open_private(files[0], encoding="utf-8") as f:
        f.write(json.dumps(data, indent=2, default=str))
    p = dest / "metrics.csv"
    with open_private(p, newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["session_id", "session_date", "capture_id", "protocol", "view", "source", "results", "metric",
                    "name", "value", "unit", "kind", "confidence", "status", "norm_low", "norm_high", "side"])
        for s in data["sessions"]:
            for k in s["captures"]:
                for which in ("automatic", "corrected"):
                    res = k["results"] if which == "automatic" else k.get("results_corrected")
                    if not res:
                        continue
                    for key, m in cmp.metric_table(res).items():
                        n = m.get("norm") or {}
                        w.writerow(csv_row([s["id"], s["started_at"], k["id"], k["protocol"], k["view"],
                                            k["source_name"], which, key, m["name"], m["value"], m["unit"], m["kind"],
                                            m["confidence"], m["status"], n.get("low"), n.get("high"), m["side"]]))
    files.append(p)
    for s in data["sessions"]:
        for k in s["captures"]:
            seq = rec.sequence(k["id"])
            files.append(seq.save(dest / f"capture_{k['id']}.pose.npz"))
            files.append(seq.to_csv(dest / f"capture_{k['id']}.landmarks.csv"))
    for f in files:
        make_private(f)
    return files


def comparison_csv(comparison: dict, dest: str | Path) -> Path:
    """The comparison table as CSV (owner-only; cells spreadsheet-safe)."""
    dest = Path(dest)
    with open_private(dest, newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["metric", "name", "unit", "before", "after", "change", "sem", "mdc", "noise_source", "verdict"])
        for r in comparison["rows"]:
            w.writerow(csv_row([r["key"], r["name"], r["unit"], r["before"], r["after"], r["change"], r["sem"],
                                r["mdc"], r["noise_source"], r["verdict"]]))
    return make_private(dest)


def export_folder(base: str | Path, code: str, client_id: int) -> Path:
    """The folder under ``base`` for the page's "Export folder" of a client: ``export_<code>`` when the code
    is a safe name, else ``export_client_<id>`` (codes stored by older versions may hold anything); never
    outside ``base``."""
    from privacy.text import contained, is_safe_name

    return contained(base, f"export_{code}" if is_safe_name(f"export_{code}") else f"export_client_{int(client_id)}")
