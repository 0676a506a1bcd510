"""Landmark and joint-angle error of MediaPipe Pose against human / motion-capture keypoints.

Reads ``../shared/data/keypoints`` in place (Human3.6M frames with motion-capture 2D joints, COCO val
images with human-annotated keypoints, MPII images with human annotations; see
``../shared/data/README.md``), runs the real model (``PoseEstimator(static=True)``) on each image and
prints:

* landmark error per joint type as a fraction of the annotated torso length (shoulder midpoint to hip
  midpoint), median / mean / worst, and the share within 0.1 and 0.2 torso;
* hip angle (shoulder-hip-knee) and knee angle (hip-knee-ankle, interior) error in degrees, computed
  with the project's own functions (:func:`analysis.posture_side.side_series`) on MediaPipe's landmarks
  and on the annotated keypoints.

Caveat printed with the table: the datasets define joints differently from MediaPipe (Human3.6M hip
joints are motion-capture joint centres, on these frames about 0.1 torso length above BlazePose's hip
points; COCO/MPII hips are annotators' guesses at the hip joint on the image), so part of the hip error
is a definition difference, not a detection error. Human3.6M joints 1-3 are read as the right leg
(standard order; the names in the json beside the data say left, which the coordinates contradict).

Run::

    .venv/bin/python benchmarks/eval_keypoints.py            # --data DIR to point elsewhere
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "keypoints"

# common joints -> MediaPipe index
MP = {"left_shoulder": 11, "right_shoulder": 12, "left_elbow": 13, "right_elbow": 14, "left_wrist": 15,
      "right_wrist": 16, "left_hip": 23, "right_hip": 24, "left_knee": 25, "right_knee": 26, "left_ankle": 27,
      "right_ankle": 28}
# Standard Human3.6M 17-joint order: 1-3 = RIGHT hip, knee, foot; 4-6 = LEFT. (The names listed in
# mmpose__h36m_h36m_coco.json put the left leg first, but in every frame joints 1-3 lie on the side of the
# right shoulder (14), which :func:`h36m_leg_order_check` verifies and the output reports.)
H36M = {"right_hip": 1, "right_knee": 2, "right_ankle": 3, "left_hip": 4, "left_knee": 5, "left_ankle": 6,
        "left_shoulder": 11, "left_elbow": 12, "left_wrist": 13, "right_shoulder": 14, "right_elbow": 15,
        "right_wrist": 16}
COCO = {"left_shoulder": 5, "right_shoulder": 6, "left_elbow": 7, "right_elbow": 8, "left_wrist": 9,
        "right_wrist": 10, "left_hip": 11, "right_hip": 12, "left_knee": 13, "right_knee": 14, "left_ankle": 15,
        "right_ankle": 16}
MPII = {"right_ankle": 0, "right_knee": 1, "right_hip": 2, "left_hip": 3, "left_knee": 4, "left_ankle": 5,
        "right_wrist": 10, "right_elbow": 11, "right_shoulder": 12, "left_shoulder": 13, "left_elbow": 14,
        "left_wrist": 15}
TYPES = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")


def load_rgb(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


def to33(points: dict[str, tuple[float, float] | None]) -> np.ndarray:
    """Annotated joints -> (33, 2) array at MediaPipe indices (NaN elsewhere / where unlabelled)."""
    a = np.full((33, 2), np.nan)
    for name, xy in points.items():
        if xy is not None:
            a[MP[name]] = xy
    return a


def box(points: np.ndarray) -> np.ndarray:
    p = points[np.isfinite(points).all(axis=1)]
    return np.array([p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()])


def iou(a: np.ndarray, b: np.ndarray) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area = lambda r: max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])  # noqa: E731
    return inter / (area(a) + area(b) - inter + 1e-9)


def h36m_leg_order_check(data: Path) -> str:
    """How many Human3.6M frames have joint 1 (hip) on the same image side as joint 14 (right shoulder)."""
    part = np.load(data / "mmpose__h36m_test_h36m_body3d.npz")["part"]
    same = np.sign(part[:, 1, 0] - part[:, 4, 0]) == np.sign(part[:, 14, 0] - part[:, 11, 0])
    return (f"Human3.6M joint order: in {same.sum()} of {len(same)} frames hip joint 1 is on the right shoulder's "
            "side, so joints 1-3 are read as the right leg (standard H36M order), not the left as the json's names say")


def samples(data: Path):
    """Yield (dataset, image name, image path, list of annotated people as (33, 2) arrays)."""
    z = np.load(data / "mmpose__h36m_test_h36m_body3d.npz")
    for name, part in zip(z["imgname"], z["part"]):
        fname = "mmpose__h36m_" + str(name).replace("/", "_")
        pts = {k: (tuple(part[j, :2]) if part[j, 2] > 0 else None) for k, j in H36M.items()}
        yield "Human3.6M", fname, data / fname, [to33(pts)]
    coco = json.loads((data / "mmpose__coco_test_coco.json").read_text())
    for img in coco["images"]:
        people = []
        for a in coco["annotations"]:
            if a["image_id"] != img["id"] or a.get("num_keypoints", 0) < 6:
                continue
            k = np.array(a["keypoints"], dtype=float).reshape(17, 3)
            people.append(to33({n: (tuple(k[j, :2]) if k[j, 2] > 0 else None) for n, j in COCO.items()}))
        yield "COCO", img["file_name"], data / f"mmpose__coco_{img['file_name']}", people
    for e in json.loads((data / "mmpose__mpii_test_mpii.json").read_text()):
        j = np.array(e["joints"], dtype=float)
        v = np.array(e["joints_vis"])
        pts = {n: (tuple(j[i]) if v[i] > 0 and j[i, 0] > 0 else None) for n, i in MPII.items()}
        yield "MPII", e["image"], data / f"mmpose__mpii_{e['image']}", [to33(pts)]


def angles(p: np.ndarray) -> dict[str, float]:
    """Hip and knee angles (interior, degrees) of both sides with the project's side-view maths."""
    from analysis.posture_side import side_series

    out = {}
    for side in ("left", "right"):
        s = side_series(p[None], +1, side)
        out[f"hip_{side}"] = float(s["hip_angle"][0])
        out[f"knee_{side}"] = float(180.0 - abs(s["knee_flexion"][0]))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"skipped: keypoint data folder {args.data} is absent (it sits beside the repository in CI)")
        return 0
    from vision.estimator import PoseEstimator

    rows = []  # (dataset, image, joint type, name, error/torso, visibility)
    ang_rows = []  # (dataset, image, angle, mediapipe, truth)
    notes = []
    hip_dy: dict[str, list[float]] = {}  # MediaPipe hip y minus annotated hip y, / torso (+ = MediaPipe lower)
    with PoseEstimator(static=True) as est:
        for ds, name, path, people in samples(args.data):
            if not path.exists() or not people:
                notes.append(f"{ds} {name}: image or annotation missing")
                continue
            r = est.process(load_rgb(path))
            if not r.found:
                notes.append(f"{ds} {name}: MediaPipe found no person")
                continue
            px = r.pixels.astype(float)
            det_box = box(px[list(MP.values())])
            overlaps = [iou(det_box, box(p)) for p in people]
            k = int(np.argmax(overlaps))
            if overlaps[k] < 0.3:
                notes.append(f"{ds} {name}: detected person matches no annotated one (best box overlap {overlaps[k]:.2f})")
                continue
            gt = people[k]
            sh_mid = np.nanmean(gt[[11, 12]], axis=0)
            hip_mid = np.nanmean(gt[[23, 24]], axis=0)
            torso = float(np.linalg.norm(sh_mid - hip_mid))
            if not np.isfinite(torso) or torso <= 0:
                notes.append(f"{ds} {name}: no torso length (shoulders or hips unlabelled)")
                continue
            swapped = 0
            for n, i in MP.items():
                if np.isfinite(gt[i]).all():
                    err = float(np.linalg.norm(px[i] - gt[i])) / torso
                    rows.append((ds, name, n.split("_")[1], n, err, float(r.visibility[i])))
                    if n.endswith("hip"):
                        hip_dy.setdefault(ds, []).append(float(px[i, 1] - gt[i, 1]) / torso)
            # a left/right swap shows as both hips far off but close when exchanged
            if np.isfinite(gt[[23, 24]]).all():
                straight = np.linalg.norm(px[23] - gt[23]) + np.linalg.norm(px[24] - gt[24])
                crossed = np.linalg.norm(px[23] - gt[24]) + np.linalg.norm(px[24] - gt[23])
                swapped = int(crossed < 0.5 * straight)
            a_mp, a_gt = angles(px), angles(gt)
            for key in a_mp:
                if np.isfinite(a_gt[key]):
                    ang_rows.append((ds, name, key, a_mp[key], a_gt[key], swapped))
            if len(people) > 1:
                notes.append(f"{ds} {name}: {len(people)} annotated people, matched one by box overlap {overlaps[k]:.2f}")
            if swapped:
                notes.append(f"{ds} {name}: MediaPipe's left and right look swapped")

    if not rows:
        print("no image could be evaluated:\n  " + "\n  ".join(notes))
        return 1
    errs = np.array([r[4] for r in rows])
    vis = np.array([r[5] for r in rows])
    types = np.array([r[2] for r in rows])
    dsets = np.array([r[0] for r in rows])
    print(f"\nLandmark error / torso length (torso = annotated shoulder-mid to hip-mid), "
          f"{len(set((r[0], r[1]) for r in rows))} images")
    print(f"{'joint':10s} {'dataset':10s} {'n':>4s} {'median':>7s} {'mean':>6s} {'worst':>6s} {'<0.1':>5s} {'<0.2':>5s}"
          f" {'median vis>=0.5':>16s}")
    for t in TYPES:
        for ds in ("all", "Human3.6M", "COCO", "MPII"):
            m = (types == t) & ((dsets == ds) | (ds == "all"))
            if not m.any():
                continue
            e = errs[m]
            ev = errs[m & (vis >= 0.5)]
            print(f"{t:10s} {ds:10s} {m.sum():4d} {np.median(e):7.3f} {e.mean():6.3f} {e.max():6.3f} "
                  f"{np.mean(e < 0.1):5.0%} {np.mean(e < 0.2):5.0%} {np.median(ev) if ev.size else float('nan'):16.3f}")
    print(f"{'ALL':10s} {'all':10s} {len(errs):4d} {np.median(errs):7.3f} {errs.mean():6.3f} {errs.max():6.3f} "
          f"{np.mean(errs < 0.1):5.0%} {np.mean(errs < 0.2):5.0%}")

    print("\nJoint-angle error, degrees (MediaPipe minus annotation; interior angles, 180 = straight)")
    print(f"{'angle':8s} {'dataset':10s} {'n':>4s} {'median|e|':>9s} {'mean e':>7s} {'worst|e|':>8s}")
    for a in ("hip", "knee"):
        for ds in ("all", "Human3.6M", "COCO", "MPII"):
            sel = [r for r in ang_rows if r[2].startswith(a) and (ds == "all" or r[0] == ds)]
            if not sel:
                continue
            e = np.array([r[3] - r[4] for r in sel])
            print(f"{a:8s} {ds:10s} {len(e):4d} {np.median(np.abs(e)):9.1f} {e.mean():+7.1f} {np.abs(e).max():8.1f}")
    print("\nper image (hip / knee angle error, deg, left then right):")
    for key in dict.fromkeys((r[0], r[1]) for r in ang_rows):
        sel = {r[2]: r[3] - r[4] for r in ang_rows if (r[0], r[1]) == key}
        vals = "  ".join(f"{k}={v:+5.1f}" for k, v in sel.items())
        print(f"  {key[0]:9s} {key[1][:40]:40s} {vals}")
    print("\nnotes:")
    print("  " + h36m_leg_order_check(args.data))
    for n in notes:
        print("  " + n)
    dy = ", ".join(f"{d} {np.mean(v):+.2f}" for d, v in hip_dy.items())
    print("  Joint definitions differ: Human3.6M hips are motion-capture joint centres, COCO/MPII hips are "
          "annotators' estimates on the image, BlazePose's hip points are its own definition; part of the hip "
          "error, and so of the hip and knee angle error, is this definition difference, not a detection error.")
    print(f"  Mean vertical hip offset, MediaPipe minus annotation, in torso lengths (+ = MediaPipe lower): {dy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
