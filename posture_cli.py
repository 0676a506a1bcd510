"""The ``posture`` command line. Thin: it parses options, calls :mod:`vision.pipeline`, prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vision.errors import InputError
from vision.estimator import DEFAULT_MAX_SIDE, silence_native_logs

SAMPLE = Path(__file__).resolve().parent / "sample_media" / "standing_side.mp4"

EXIT_OK, EXIT_INPUT, EXIT_PROBLEMS = 0, 2, 3

ANALYZE_EPILOG = f"""\
outputs (in --out, named after the input):
  NAME.pose.npz        the landmark track: 33 MediaPipe landmarks per frame in pixels/normalised
                       coordinates and metres, visibility, timestamps; gaps where no person was found
  NAME.summary.json    frames read, frames with a person, view guess, mean visibility, framing, problems
  NAME.annotated.mp4   the skeleton drawn on every frame (a .png for a photo)
  NAME.landmarks.csv   with --csv: one row per frame and landmark

exit status: {EXIT_OK} done; {EXIT_INPUT} the input could not be analysed (nothing written);
{EXIT_PROBLEMS} analysed and written, but with problems to fix (printed, and listed in the summary).
"""


def _progress_bar(quiet: bool):
    if quiet:
        return None, lambda: None
    from tqdm import tqdm

    bar = None

    def update(done: int, expected: int | None) -> None:
        nonlocal bar
        if bar is None:  # shown after 2 s, with time left when the frame count is known
            bar = tqdm(total=expected, unit="frame", delay=2, dynamic_ncols=True, leave=False, file=sys.stderr)
        bar.update(done - bar.n)

    return update, lambda: bar.close() if bar is not None else None


def _print_summary(analysis) -> None:
    s = analysis.summary
    src = s["source"]
    vis = f"{s['mean_visibility']:.2f}" if s["mean_visibility"] is not None else "n/a"
    kind = "photo" if src["kind"] == "image" else f"video, {src['fps'] or 0:.1f} fps"
    view = s["view"]
    yaw = f" (body turned {view['yaw_deg']:+.0f} deg from facing the camera)" if view["yaw_deg"] is not None else ""
    print(f"{src['name']}: {src['width']}x{src['height']} {kind}, rotation {src['rotation_deg']} deg")
    print(f"  frames read: {s['frames']}, with a person: {s['frames_with_person']} ({s['person_fraction']:.0%})")
    print(f"  view guess: {view['label']}{yaw}; mean landmark visibility: {vis}")
    if s["processing"]["fps"]:
        print(f"  processed at {s['processing']['fps']:.1f} frames/s")
    for kind, path in analysis.outputs.items():
        print(f"  {kind}: {path}")


def cmd_analyze(args: argparse.Namespace) -> int:
    from vision.pipeline import analyze_file

    path = Path(args.file) if args.file else SAMPLE
    if not args.file:
        print(f"No file given: analysing the built-in sample {path.name}.")
    update, close = _progress_bar(args.quiet)
    try:
        analysis = analyze_file(path, args.out, annotate=not args.no_annotate, csv=args.csv,
                                segmentation=args.segmentation, max_side=args.max_side or None, progress=update)
    except InputError as e:
        close()
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INPUT
    close()
    _print_summary(analysis)
    for p in analysis.problems:
        print(f"problem: {p}", file=sys.stderr)
    return EXIT_PROBLEMS if analysis.problems else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posture",
        description="Posture and pelvic-tilt assessor: pose landmarks and posture measurements from video or photos. "
        "Everything runs on this computer; nothing is uploaded or downloaded.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    a = sub.add_parser(
        "analyze", help="track the pose in a video or photo and write the landmark track, an annotated copy and a summary",
        description="Track the body pose (MediaPipe, 33 landmarks) in a video or photo, frame by frame.",
        epilog=ANALYZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument("file", nargs="?", help="video (mp4, mov, avi, webm, mkv) or photo (jpg, png, heic); "
                   "default: the built-in sample clip")
    a.add_argument("-o", "--out", default="posture-output", help="folder for the outputs (created if missing; default: %(default)s)")
    a.add_argument("--csv", action="store_true", help="also write the track as a tidy CSV (one row per frame and landmark)")
    a.add_argument("--no-annotate", action="store_true", help="do not write the annotated video/image (faster)")
    a.add_argument("--segmentation", action="store_true", help="also run MediaPipe's person segmentation (slower)")
    a.add_argument("--max-side", type=int, default=DEFAULT_MAX_SIDE, metavar="PX",
                   help="scale frames down to this longer side before the model (0 = never; default: %(default)s); "
                   "results are given in the original pixels")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    a.set_defaults(func=cmd_analyze)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    silence_native_logs()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("stopped by the user", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
