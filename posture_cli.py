"""The ``posture`` command line. Thin: it parses options, calls :mod:`capture.analyze`, prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from analysis.advice import format_plan_text
from analysis.movement import KINDS as MOVEMENT_TESTS
from analysis.movement import STATED_LEG_KINDS
from analysis.report_text import format_assessment, format_movement
from privacy.files import open_private, private_umask
from privacy.text import one_line, printable
from records.db import default_location
from records.errors import InvalidInput, RecordsError
from vision.errors import InputError
from vision.estimator import DEFAULT_MAX_SIDE, silence_native_logs

SAMPLE = Path(__file__).resolve().parent / "sample_media" / "standing_side.mp4"

EXIT_OK, EXIT_INPUT, EXIT_PROBLEMS = 0, 2, 3

ANALYZE_EPILOG = f"""\
outputs (in --out; NAME is the input's file name without its last suffix, so "Shot at 2.16.54 PM.png" gives
"Shot at 2.16.54 PM.summary.json"; when --out already holds outputs of another input with that NAME, e.g.
a.mp4 then a.mov, the new ones are named after the whole file name, "a.mov.summary.json", or "a-2...", and a
note says so; analysing the same file again replaces its own outputs):
  NAME.pose.npz        the landmark track: 33 MediaPipe landmarks per frame in pixels/normalised
                       coordinates and metres, visibility, timestamps; gaps where no person was found
  NAME.summary.json    frames read, frames with a person, view guess, mean visibility, framing, problems
  NAME.assessment.json the standing-posture assessment: view, capture checks, metrics with unit,
                       definition, kind (measurement/estimate), confidence, usual range; spinal curve
  NAME.keyframe.png    the steadiest frame with plumb line, hip and knee angles and the back contour
  NAME.movement.json   with --test: the movement test, per repetition and side, with its advice plan
  NAME.annotated.mp4   the skeleton drawn on every frame (a .png for a photo; an animated GIF, PNG or WebP
                       is a clip, timed by its frame delays)
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
    print(f"{printable(src['name'])}: {src['width']}x{src['height']} {kind}, rotation {src['rotation_deg']} deg")
    analysed = f", analysed: {s['frames']}" if src["frames_read"] != s["frames"] else ""
    print(f"  frames read: {src['frames_read']}{analysed}, with a person: {s['frames_with_person']} ({s['person_fraction']:.0%})")
    doubt = ", not accepted by the view check (see below)" if view.get("refused_by_check") else ""
    print(f"  view guess: {view['label']}{yaw}{doubt}; mean landmark visibility: {vis}")
    search = s.get("person_search") or {}
    if search.get("used"):
        how = next(t["description"] for t in search["tried"] if t["name"] == search["used"])
        print(f"  the pose model found nobody in the photo itself; the person was found on {how} and mapped back")
    if s["processing"]["fps"]:
        print(f"  processed at {s['processing']['fps']:.1f} frames/s")
    for kind, path in analysis.outputs.items():
        print(f"  {kind}: {printable(path)}")
    for note in analysis.notes:
        print(f"  note: {printable(note)}")


def leg_fits_test(args: argparse.Namespace) -> bool:
    """``--leg`` goes only with a one-leg movement test; says so on stderr when it does not."""
    if args.leg and args.test not in STATED_LEG_KINDS:
        print(f"error: --leg names the tested leg of a one-leg movement test: use it with --test "
              f"{', '.join(STATED_LEG_KINDS)}.", file=sys.stderr)
        return False
    return True


def add_leg_argument(parser: argparse.ArgumentParser, per_file: bool = False) -> None:
    """``--leg``; ``per_file`` (a batch) also offers ``from-name``: each clip's tested leg from its file name."""
    parser.add_argument("--leg", choices=["left", "right"] + (["from-name"] if per_file else []),
                        help="with --test hip_extension, lunge, thomas or ely: the tested leg (the one that swings "
                             "back, the back leg, the hanging leg, the bending knee). The test still finds it from "
                             "the movement; this names it when the pose model mixes up the legs' names in a side view"
                             + ("; from-name: each clip's from the word left or right in its file name "
                                "(JS-01-left.mp4), found from the movement in a clip whose name has neither"
                                if per_file else ""))


def cmd_analyze(args: argparse.Namespace) -> int:
    from capture.analyze import analyze_file

    path = Path(args.file) if args.file else SAMPLE
    if not leg_fits_test(args):
        return EXIT_INPUT
    if not args.file:
        print(f"No file given: analysing the built-in sample {path.name}.")
    update, close = _progress_bar(args.quiet)
    calibration = None
    if args.person:
        from records.calibration import load_calibration

        cal = load_calibration(args.db, args.person)
        calibration = (cal.offset_deg, cal.made_at) if cal else None
        if cal is None:
            print(f"No pelvic-tilt calibration stored for {printable(args.person)!r}: the tilt stays an uncalibrated "
                  "estimate.")
    intake = None
    if args.intake:
        from analysis.intake import Intake, IntakeError

        try:
            intake = Intake.from_dict(json.loads(Path(args.intake).read_text()))
        except (OSError, ValueError, IntakeError) as e:
            print(f"error: the intake file {args.intake} cannot be used ({e}). Write one with 'posture intake'.",
                  file=sys.stderr)
            return EXIT_INPUT
    try:
        analysis = analyze_file(path, args.out, annotate=not args.no_annotate, csv=args.csv,
                                segmentation=not args.no_segmentation, max_side=args.max_side or None,
                                progress=update, height_cm=args.height_cm, want_view=args.view,
                                calibration=calibration, intake=intake, role=args.role, test=args.test,
                                leg=args.leg, still_stride=args.still_stride)
    except InputError as e:
        close()
        print(f"error: {printable(e)}", file=sys.stderr)
        return EXIT_INPUT
    close()
    _print_summary(analysis)
    if analysis.assessment:
        if args.test:
            print(format_movement(analysis.assessment))
        else:
            print(format_assessment(analysis.assessment, detailed=args.detailed or args.role != "client"))
        print()
        if analysis.assessment["plan"] is None:
            print("No advice plan: the movement test measured nothing (see the problems).")
        else:
            print(format_plan_text(analysis.assessment["plan"]))
    for p in analysis.problems:
        print(f"problem: {printable(p)}", file=sys.stderr)
    return EXIT_PROBLEMS if analysis.problems else EXIT_OK


def _point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y in pixels, e.g. 412,388; got {text!r}") from None
    return x, y


def cmd_calibrate(args: argparse.Namespace) -> int:
    import datetime

    from records.calibration import save_calibration
    from capture.calibrate import calibrate_tilt

    try:
        c = calibrate_tilt(args.file, args.asis, args.psis, args.frame)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INPUT
    when = datetime.date.today().isoformat()
    save_calibration(args.db, args.person, c["offset_deg"], c["measured_deg"], c["estimated_deg"], when)
    print(f"Pelvic tilt from your ASIS/PSIS marks: {c['measured_deg']:+.1f} deg (+ = anterior); silhouette estimate "
          f"on the same frame: {c['estimated_deg']:+.1f} deg. Stored offset {c['offset_deg']:+.1f} deg for "
          f"{printable(args.person)!r} in {printable(args.db)}; later analyses with --person "
          f"{printable(args.person)} apply it.")
    return EXIT_OK


def cmd_intake(args: argparse.Namespace) -> int:
    """Ask the intake questions in the terminal and save the answers as JSON."""
    from analysis.intake import Intake, IntakeError, form

    answers: dict = {}
    print("Symptom intake. Press Enter to skip a question; the safety questions matter most.")
    for q in form():
        if q.get("show_if") and q["show_if"][1] not in (answers.get(q["show_if"][0]) or []):
            continue
        print(f"\n{q['text']}")
        for i, (_, text) in enumerate(q["options"], 1):
            print(f"  {i}. {text}")
        hint = {"multi": "numbers separated by commas", "bool": "y or n", "int": "a number", "text": "text"}.get(q["type"], "a number")
        while True:
            raw = input(f"[{hint}] > ").strip()
            if not raw:
                break
            try:
                if q["type"] == "single":
                    answers[q["id"]] = q["options"][int(raw) - 1][0]
                elif q["type"] == "multi":
                    answers[q["id"]] = [q["options"][int(v) - 1][0] for v in raw.split(",")]
                elif q["type"] == "bool":
                    if raw.lower()[0] not in "yn":
                        raise ValueError
                    answers[q["id"]] = raw.lower().startswith("y")
                elif q["type"] == "int":
                    answers[q["id"]] = int(raw)
                else:
                    answers[q["id"]] = raw
                break
            except (ValueError, IndexError):
                print("  Please answer with " + hint + ".")
    try:
        intake = Intake.from_dict(answers)
    except IntakeError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INPUT
    Path(args.out).write_text(json.dumps(intake.to_dict(), indent=2))
    print(f"\nSaved to {args.out}. Use it with: posture analyze VIDEO --intake {args.out}")
    return EXIT_OK


def _records(args):
    from records.store import Records

    return Records(args.db)


def _confirm(args, what: str, code: str) -> None:
    """Ask before deleting (``--yes`` answers for scripts); :class:`InvalidInput` when not confirmed."""
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise InvalidInput(f"deleting {what} cannot be undone: run it again with --yes to confirm")
    answer = input(f"Delete {what}? This cannot be undone. Type the client code ({code}) to confirm: ")
    if answer.strip() != code:
        raise InvalidInput("not confirmed: nothing was deleted")


def _consent_line(rec, cl: dict) -> str:
    return ", ".join(f"{k}={'yes' if v['given'] else 'no'}" for k, v in rec.consents(cl["id"]).items()) or "none recorded"


def cmd_client(args: argparse.Namespace) -> int:
    """Client records: add, list, show, export, consent, delete."""
    from records.store import CONSENT_TEXT

    if args.action != "list" and not args.code:
        raise InvalidInput(f"give the client's code: posture client {args.action} CODE")
    if args.action == "export" and not args.dest:
        raise InvalidInput(f"give the folder to export to: posture client export {printable(args.code)} FOLDER")
    with _records(args) as rec:
        if args.action == "add":
            cid = rec.add_client(args.code, args.name or "", args.birth_year)
            code = rec.client(cid)["code"]
            for kind in args.consent or []:
                rec.set_consent(cid, kind, True, by=args.by or "")
                print(f"Consent ({kind}) recorded: \"{CONSENT_TEXT[kind]}\"")
            print(f"Client {printable(code)!r} added (id {cid}) to {printable(rec)}.")
            if "records" not in (args.consent or []):
                print(f"No consent to store records yet: sessions cannot be stored until it is given "
                      f"(posture client consent {printable(code)} --give records).")
        elif args.action == "list":
            for c in rec.clients():
                sessions = rec.sessions(c["id"])
                print(f"{printable(c['code']):<16} {one_line(printable(c['name']), 40):<24} sessions: {len(sessions):>3}  "
                      f"captures: {sum(s['n_captures'] for s in sessions):>3}")
        elif args.action == "show":
            cl = rec.client_or_fail(args.code)
            print(f"{printable(cl['code'])} - {one_line(printable(cl['name']))}; consent: {_consent_line(rec, cl)}")
            for s in rec.sessions(cl["id"]):
                print(f"  session {s['id']} {s['started_at']} {one_line(printable(s['label']))} "
                      f"(assessor {one_line(printable(s['assessor'])) or '-'})")
                for k in rec.captures(session_id=s["id"]):
                    corr = " corrected" if k["results_corrected"] else ""
                    video = ", video kept" if k["video_name"] else ""
                    print(f"    capture {k['id']}: {k['protocol']}, {k['view']} view, "
                          f"{one_line(printable(k['source_name']))}{corr}{video}")
        elif args.action == "export":
            from records.workflow import export_client

            cl = rec.client_or_fail(args.code)
            files = export_client(rec, cl["id"], args.dest)
            print(f"Exported {len(files)} files to {printable(args.dest)} (client.json, metrics.csv, tracks; "
                  "readable by you only).")
        elif args.action == "consent":
            cl = rec.client_or_fail(args.code)
            if not args.give and not args.withdraw:
                raise InvalidInput(f"say which consent: posture client consent {printable(cl['code'])} --give records "
                                   "(or --withdraw video ...)")
            for kind in args.give or []:
                rec.set_consent(cl["id"], kind, True, by=args.by or "")
                print(f"Consent ({kind}) recorded: \"{CONSENT_TEXT[kind]}\"")
            for kind in args.withdraw or []:
                had = sum(1 for k in rec.captures(client_id=cl["id"]) if k["video_name"]) if kind == "video" else 0
                rec.set_consent(cl["id"], kind, False, by=args.by or "")
                print(f"Consent ({kind}) withdrawn." + (f" {had} stored video(s) deleted." if had else ""))
            print(f"Consent in force for {printable(cl['code'])}: {_consent_line(rec, cl)}")
        else:  # delete
            cl = rec.client_or_fail(args.code)
            code = cl["code"]
            if args.capture is not None:
                cap = rec.capture_or_fail(args.capture, blobs=False)
                if rec.client_of_capture(args.capture)["id"] != cl["id"]:
                    raise InvalidInput(f"capture {args.capture} is not one of {printable(code)}'s")
                _confirm(args, f"capture {args.capture} of {printable(code)} ({one_line(printable(cap['source_name']))})",
                         code)
                rec.delete_capture(args.capture)
                print(f"Deleted capture {args.capture} of {printable(code)}.")
            elif args.session is not None:
                if rec.session_or_fail(args.session)["client_id"] != cl["id"]:
                    raise InvalidInput(f"session {args.session} is not one of {printable(code)}'s")
                _confirm(args, f"session {args.session} of {printable(code)} with its captures", code)
                rec.delete_session(args.session)
                print(f"Deleted session {args.session} of {printable(code)}.")
            else:
                n = len(rec.sessions(cl["id"]))
                _confirm(args, f"client {printable(code)} and everything stored about them ({n} sessions)", code)
                rec.delete_client(cl["id"])
                print(f"Deleted client {printable(code)} and everything stored about them.")
    return EXIT_OK


def cmd_record(args: argparse.Namespace) -> int:
    """Analyse clips and store them as one session of a client."""
    from records import workflow as wf

    if args.retest and len(args.files) < 2:
        raise InvalidInput("--retest needs at least two files: quick repeats of the same capture (three are better)")
    if not leg_fits_test(args):
        return EXIT_INPUT
    with _records(args) as rec:
        cl = rec.client_or_fail(args.client)
        code = printable(cl["code"])
        try:
            sid, ids = wf.analyse_and_store(rec, cl["id"], args.files, test=args.test, keep_video=args.keep_video,
                                            assessor=args.assessor or "", label=args.label or "",
                                            notes=[args.note] if args.note else [], leg=args.leg)
        except InputError as e:
            print(f"error: {printable(e)} Nothing was stored.", file=sys.stderr)
            return EXIT_INPUT
        print(f"Stored session {sid} for {code!r}: captures {', '.join(map(str, ids))}.")
        if args.retest:
            try:
                table = wf.test_retest(rec, cl["id"], ids)
            except InvalidInput as e:
                print(f"problem: the session is stored, but no test-retest noise: {e}", file=sys.stderr)
                return EXIT_PROBLEMS
            print(f"Test-retest noise from {len(ids)} captures stored for {code!r}:")
            for k, v in table.items():
                print(f"  {v['name']:<44} SEM {v['sem']:.2f} {v['unit']}, MDC95 {v['mdc']:.2f}")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """Before-and-after comparison of two stored captures."""
    from records import workflow as wf

    with _records(args) as rec:
        comp = wf.compare_captures(rec, args.before, args.after)
        if not comp["comparable"]:
            print("NOT COMPARABLE: " + "; ".join(comp["reasons"]) + ". No change is judged.")
        print(f"{'measure':<46}{'before':>9}{'after':>9}{'change':>9}{'MDC':>7}  verdict")
        f = lambda v, s="": "-" if v is None else format(v, s + ".1f")  # noqa: E731
        for r in comp["rows"]:
            print(f"{(r['name'] + ' (' + r['unit'] + ')')[:45]:<46}{f(r['before']):>9}{f(r['after']):>9}"
                  f"{f(r['change'], '+'):>9}{f(r['mdc']):>7}  {r['verdict']}"
                  + (f" ({r['noise_source']} noise)" if r["noise_source"] else ""))
        if args.csv:
            print(f"CSV: {printable(wf.comparison_csv(comp, args.csv))}")
        if args.json:
            with open_private(args.json, encoding="utf-8") as fh:
                fh.write(json.dumps({k: v for k, v in comp.items()}, indent=2, default=str))
            print(f"JSON: {printable(args.json)}")
        if args.video:
            print(f"Side-by-side clip ({comp['sync']['basis']}): "
                  f"{printable(wf.write_comparison_video(rec, comp, args.video))}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """A printable report (PDF, and HTML) of a session or a comparison."""
    from reports import comparison_report, session_report, write_html, write_pdf

    with _records(args) as rec:
        rep = (comparison_report(rec, args.compare[0], args.compare[1], args.assessor or "") if args.compare
               else session_report(rec, args.session))
        out = Path(args.out)
        pdf = write_pdf(rep, out.with_suffix(".pdf"))
        print(f"PDF: {printable(pdf)}")
        if not args.no_html:
            print(f"HTML: {printable(write_html(rep, out.with_suffix('.html')))}")
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    """Screen every clip in a folder; resumable."""
    from tqdm import tqdm

    from records.batch import list_inputs, run_batch

    src = Path(args.dir)
    if not src.exists():
        print(f"error: {printable(src)} does not exist", file=sys.stderr)
        return EXIT_INPUT
    total = len(list_inputs(src))
    if total == 0:
        print(f"error: no video files (mp4, mov, avi, webm, mkv) in {printable(src)}", file=sys.stderr)
        return EXIT_INPUT
    out = Path(args.out or (src if src.is_dir() else src.parent) / "posture-batch")
    if args.cluster not in (None, "local") and args.workers is not None:
        print("error: --workers starts worker processes on this machine (with --cluster local or without --cluster); "
              "a cluster's workers are started on its machines (dask worker ADDRESS)", file=sys.stderr)
        return EXIT_INPUT
    workers = args.workers or ((os.cpu_count() or 1) if args.cluster == "local" else 1)
    # the bar shows files done and the time left, estimated from the clips finished in this run
    bar = None if args.quiet else tqdm(total=total, unit="file", dynamic_ncols=True, file=sys.stderr,
                                       bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]")

    def progress(name, entry, done, tot, left):
        if bar is not None:
            bar.n = done
            eta = f", {tqdm.format_interval(left)} left" if left is not None and done < tot else ""
            bar.set_postfix_str(f"{printable(name)}: {entry['status']}{eta}", refresh=True)
        if entry["status"] == "failed":
            (bar.write if bar is not None else print)(f"skipped {printable(name)}: {printable(entry['error'])}")

    try:
        s = run_batch(src, out, args.test, workers=workers, cluster=args.cluster, send=args.send, db=args.db,
                      segmentation=not args.no_segmentation, in_turn=not args.one_per_file,
                      redo_failed=args.redo_failed, leg=args.leg, on_progress=progress)
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        print(f"interrupted: finished files are kept in {printable(out)}; run the same command again to resume",
              file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
    print(f"{s['total']} files: {len(s['done'])} screened now, {len(s['skipped'])} already done before, "
          f"{len(s['failed'])} failed ({s['seconds']:.0f} s).")
    if s["engine"] != "this process":
        print(f"  screened on {s['engine']}")
    if s["retried"]:
        print(f"  run again after their worker process stopped: {printable(', '.join(sorted(set(s['retried']))))}")
    for name, err in s["failed"]:
        print(f"  failed: {printable(name)}: {printable(err)}")
    if args.db:
        print(f"  stored in the records: {len(s['stored'])}; not stored: {len(s['not_stored'])}")
        for name, why in s["not_stored"]:
            print(f"  not stored: {printable(name)}: {printable(why)}")
    print(f"{'person':<28}{'value':>8}  {'status':<9} needs")
    for r in s["rows"]:
        v = "-" if r["value"] is None else f"{r['value']:.1f}"
        print(f"{printable(r['person'])[:27]:<28}{v:>8}  {r['status']:<9} {r['needs']}")
    print(f"Roster: {printable(s['roster_csv'])}")
    return EXIT_PROBLEMS if s["failed"] else EXIT_OK


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
    a.add_argument("--test", choices=list(MOVEMENT_TESTS), metavar="TEST",
                   help="analyse the clip as a movement test instead of standing posture: " + ", ".join(MOVEMENT_TESTS))
    add_leg_argument(a)
    a.add_argument("--height-cm", type=float, metavar="CM",
                   help="the person's standing height: plumb-line offsets and shifts in cm instead of %% of height")
    a.add_argument("--view", choices=["any", "side", "frontal", "front", "back"], default="any",
                   help="which view the capture must be (default: %(default)s; side gives pelvic tilt and the spine curve)")
    a.add_argument("--person", metavar="ID", help="apply this person's stored pelvic-tilt calibration (see 'posture calibrate')")
    a.add_argument("--db", default=default_location(), metavar="FILE", help="records database: a SQLite file or a postgresql:// URL (default: $POSTURE_DB or %(default)s)")
    a.add_argument("--detailed", action="store_true", help="print each measure's definition and the source of its usual range")
    a.add_argument("--intake", metavar="FILE", help="symptom intake answers (JSON, made by 'posture intake') for the advice plan")
    a.add_argument("--role", choices=["client", "therapist", "trainer"], default="client",
                   help="who reads the result: therapists and trainers get definitions, sources and their notes")
    a.add_argument("--no-segmentation", action="store_true",
                   help="skip the person outline (faster; no pelvic-tilt estimate or spinal curve)")
    a.add_argument("--max-side", type=int, default=DEFAULT_MAX_SIDE, metavar="PX",
                   help="scale frames down to this longer side before the model (0 = never; default: %(default)s); "
                   "results are given in the original pixels")
    a.add_argument("--still-stride", type=int, default=1, metavar="N",
                   help="while the person stands still, analyse only every N-th frame (faster on long standing clips, "
                   "less accurate on short ones: with 3, metrics of a 3 s clip moved by up to 4 deg; movement brings "
                   "back every frame; default: %(default)s = every frame)")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    a.set_defaults(func=cmd_analyze)
    c = sub.add_parser(
        "calibrate", help="measure pelvic tilt from ASIS/PSIS marked on a frame and store the person's offset",
        description="Pelvic tilt by its clinical definition (the ASIS-PSIS line to horizontal, + = anterior) from two "
        "points you mark on a side-view photo or clip frame (e.g. read off an image viewer). The difference to the "
        "silhouette estimate on the same frame is stored for the person and applied to their later analyses.",
    )
    c.add_argument("file", help="the side-view photo or clip you marked")
    c.add_argument("--asis", type=_point, required=True, metavar="X,Y", help="anterior superior iliac spine, pixels")
    c.add_argument("--psis", type=_point, required=True, metavar="X,Y", help="posterior superior iliac spine, pixels")
    c.add_argument("--frame", type=int, default=0, help="frame number of a clip you marked (default: %(default)s)")
    c.add_argument("--person", required=True, metavar="ID", help="whose calibration this is (a name or client id)")
    c.add_argument("--db", default=default_location(), metavar="FILE", help="records database: a SQLite file or a postgresql:// URL (default: $POSTURE_DB or %(default)s)")
    c.set_defaults(func=cmd_calibrate)
    q = sub.add_parser("intake", help="answer the symptom and safety questions in the terminal; saves them as JSON",
                       description="Where the low back hurts, what brings it on, and the safety (red-flag) questions.")
    q.add_argument("-o", "--out", default="intake.json", help="where to save the answers (default: %(default)s)")
    q.set_defaults(func=cmd_intake)

    db_help = "records database: a SQLite file or a postgresql:// URL (default: $POSTURE_DB or %(default)s)"

    consent_kinds = ["records", "video", "report_sharing"]
    cl = sub.add_parser("client", help="client records: add, list, show, export, consent, delete",
                        description="Client records in the records database. Storing a session needs the client's "
                        "'records' consent, keeping videos their 'video' consent; withdrawing the video consent "
                        "deletes their stored videos. 'delete' removes a client (or one session or capture) with "
                        "everything stored about them, the bytes overwritten in the database file.")
    cl.add_argument("action", choices=["add", "list", "show", "export", "consent", "delete"])
    cl.add_argument("code", nargs="?", help="the client's code (a short id: letters, digits, '-', '_', '.')")
    cl.add_argument("dest", nargs="?", help="export: the folder to write to (made readable by you only)")
    cl.add_argument("--name", help="add: the client's name")
    cl.add_argument("--birth-year", type=int)
    cl.add_argument("--consent", action="append", choices=consent_kinds,
                    help="add: consent given (repeat for several)")
    cl.add_argument("--give", action="append", choices=consent_kinds, metavar="KIND",
                    help="consent: consent given now (records, video, report_sharing; repeat for several)")
    cl.add_argument("--withdraw", action="append", choices=consent_kinds, metavar="KIND",
                    help="consent: consent withdrawn now (withdrawing 'video' deletes the stored videos)")
    cl.add_argument("--by", help="who recorded the consent")
    cl.add_argument("--session", type=int, help="delete: only this session (with its captures)")
    cl.add_argument("--capture", type=int, help="delete: only this capture")
    cl.add_argument("-y", "--yes", action="store_true", help="delete: do not ask for confirmation")
    cl.add_argument("--db", default=default_location(), help=db_help)
    cl.set_defaults(func=cmd_client)
    r = sub.add_parser("record", help="analyse clips and store them as a session of a client",
                       description="Analyse one or more clips (standing posture or a movement test) and store them, "
                       "with their landmark tracks and results, as one session of a client (one transaction).")
    r.add_argument("client", help="the client's code (add the client first, with consent: posture client add)")
    r.add_argument("files", nargs="+", help="the clips or photos")
    r.add_argument("--test", choices=list(MOVEMENT_TESTS), help="a movement test instead of standing posture")
    add_leg_argument(r)
    r.add_argument("--keep-video", action="store_true", help="also store the video itself (needs the client's video "
                   "consent; default: only the track, results and the key frame picture)")
    r.add_argument("--retest", action="store_true", help="the files are quick repeats of the same capture: store "
                   "the client's test-retest noise (SEM, MDC) from them")
    r.add_argument("--assessor")
    r.add_argument("--label")
    r.add_argument("--note")
    r.add_argument("--db", default=default_location(), help=db_help)
    r.set_defaults(func=cmd_record)
    cp = sub.add_parser("compare", help="before-and-after comparison of two stored captures",
                        description="Every metric before and after, the change, and whether it is larger than the "
                        "measurement's noise (MDC95, the client's own or the documented default).")
    cp.add_argument("before", type=int, help="capture id before")
    cp.add_argument("after", type=int, help="capture id after")
    cp.add_argument("--csv", help="write the table as CSV")
    cp.add_argument("--json", help="write the comparison as JSON")
    cp.add_argument("--video", help="write the synchronised side-by-side clip (MP4)")
    cp.add_argument("--db", default=default_location(), help=db_help)
    cp.set_defaults(func=cmd_compare)
    rp = sub.add_parser("report", help="a printable PDF (and HTML) report of a session or a comparison")
    g = rp.add_mutually_exclusive_group(required=True)
    g.add_argument("--session", type=int, help="session id")
    g.add_argument("--compare", type=int, nargs=2, metavar=("BEFORE", "AFTER"), help="two capture ids")
    rp.add_argument("-o", "--out", default="posture-report.pdf", help="output file (.pdf; the .html goes beside it)")
    rp.add_argument("--no-html", action="store_true")
    rp.add_argument("--assessor")
    rp.add_argument("--db", default=default_location(), help=db_help)
    rp.set_defaults(func=cmd_report)
    b = sub.add_parser("batch", help="trainer screen: every clip in a folder through a hip-flexor test, into a roster",
                       description="Screen every clip in DIR (one per person, or people in turn in one clip) with a "
                       "quadriceps / hip-flexor test and write a roster (CSV) of who needs what. Resumable: run the "
                       "same command again after an interruption and finished files are not redone.")
    b.add_argument("dir", help="folder of clips (or one clip)")
    b.add_argument("-o", "--out", help="output folder (default: DIR/posture-batch)")
    b.add_argument("--test", default="hip_extension", choices=["hip_extension", "lunge", "thomas", "ely"])
    b.add_argument("--cluster", metavar="ADDRESS",
                   help="screen on a Dask cluster: its scheduler's tcp://HOST:PORT, or 'local' for worker processes "
                   "on this machine (see \"A screen across several machines\" in the README)")
    b.add_argument("--workers", type=int, metavar="N",
                   help="worker processes on this machine, each with one model (default: 1 without --cluster, "
                   "every core with --cluster local); more than 1 starts a local Dask cluster")
    b.add_argument("--send", choices=["auto", "path", "bytes"], default="auto",
                   help="how clips reach the cluster's workers: 'path' when every worker reads DIR at the same path "
                   "(a shared folder), 'bytes' through the cluster; 'auto' (default) checks the workers and chooses")
    b.add_argument("--db", metavar="LOCATION",
                   help="also store each clip named after a client's code (JS-01.mp4) in this records database (a "
                   "SQLite file or a postgresql:// URL), when the client gave their records consent")
    add_leg_argument(b, per_file=True)
    b.add_argument("--no-segmentation", action="store_true",
                   help="skip the person outline (about a fifth faster; the thigh is then read from the body points "
                   "alone, which read a far or poorly seen leg short, and no low-back compensation)")
    b.add_argument("--segmentation", action="store_true", help=argparse.SUPPRESS)  # the default since 0.3
    b.add_argument("--one-per-file", action="store_true", help="never split a clip into several people")
    b.add_argument("--redo-failed", action="store_true", help="try failed files again")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_batch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    silence_native_logs()
    private_umask()  # every file and folder this command writes is readable by its owner only
    try:
        return args.func(args)
    except RecordsError as e:  # records, batch and report problems: one line, what to do
        print(f"error: {one_line(printable(e))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("stopped by the user", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stderr = open(os.devnull, "w")
        return 0


if __name__ == "__main__":
    sys.exit(main())
