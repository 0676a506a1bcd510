"""All accuracy figures in one run: posture (pelvic-tilt estimate, landmark and joint-angle error) and the
movement tests, each printed as its own tables.

Usage::

    python benchmarks/evaluate.py [--quick]

Runs :mod:`eval_tilt` (rendered truth; real labelled side-view photos: AUC, Spearman, value/reason counts),
:mod:`eval_keypoints` (landmark error as a fraction of torso length, hip and knee angle error against
human and motion-capture keypoints) and :mod:`eval_movement` (rendered movements with known truth; real
walking, running and balance clips). Real-media parts skip with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import eval_keypoints  # noqa: E402
import eval_movement  # noqa: E402
import eval_tilt  # noqa: E402
from vision.estimator import silence_native_logs  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="movement: the sample clips only, no extra renders")
    args = ap.parse_args()
    silence_native_logs()
    status = 0
    for title, run in (("Posture: pelvic-tilt estimate", lambda: eval_tilt.main([])),
                       ("Posture: landmarks and joint angles against keypoint truth", lambda: eval_keypoints.main([])),
                       ("Movement tests", lambda: eval_movement.main(["--quick"] if args.quick else []))):
        print(f"\n{'=' * 100}\n{title}\n{'=' * 100}", flush=True)
        status |= run() or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
