"""The posture assessor's main page (``streamlit run app.py``). Thin: pages, widgets and layout only.

Every decision and sentence comes from :mod:`ui` (plain modules, tested without a browser), the analysis
from :mod:`vision` and :mod:`analysis`. The live webcam frame callback is :class:`ui.live.LiveProcessor`.
Other pages (the therapist/trainer workflow) live in ``pages/``; this file stays the main page.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from analysis.intake import IntakeError, form as intake_form
from privacy.files import private_umask
from privacy.text import md_escape
from ui import checks as uc
from ui import present as up
from ui import results as ur
from ui.analyse import Result, ResultCache, analyse_capture, analyse_path, analyse_upload, sha256_upload
from vision.errors import InputError
from vision.sources import file_sha256

log = logging.getLogger("posture.app")

SOURCES = {"sample": "Built-in example", "upload": "Upload a video or photo", "live": "Live webcam",
           "snapshot": "Webcam snapshot (photo)"}
LEVEL_ICON = {"ok": ":material/check_circle:", "warn": ":material/warning:", "bad": ":material/cancel:",
              "skip": ":material/remove:"}


@st.cache_resource
def result_cache() -> ResultCache:
    return ResultCache(max_entries=6)


@st.cache_resource(show_spinner="Drawing the setup picture ...")
def setup_picture(check_id: str):
    return uc.setup_picture(check_id)


def run(key: tuple, analyse) -> Result | None:
    """Analyse once per file and check (by content hash; sessions opening the same file at once share one
    analysis), with a progress bar; None after an error."""
    cache = result_cache()
    result = cache.get(key)
    if result is not None:
        return result
    bar = st.progress(0.0, text="Opening the file ...")
    try:
        result = cache.get_or_compute(
            key, lambda: analyse(ur.ProgressReporter(lambda frac, text: bar.progress(frac, text=text))))
    except InputError as e:
        bar.empty()
        st.error(md_escape(e))
        return None
    except Exception as e:  # not expected: say so plainly, keep the traceback for the server log
        log.exception("analysis failed")
        bar.empty()
        st.error(f"The analysis failed unexpectedly ({type(e).__name__}: {e}). Try another file, and please "
                 "report this with the server log.")
        return None
    bar.empty()
    return result


# ---------------------------------------------------------------------------------------------- set-up
def show_setup(ck: uc.CheckKind, expanded: bool) -> None:
    with st.expander(f"How to set up: {ck.title}", expanded=expanded, icon=":material/photo_camera:"):
        left, right = st.columns([2, 3])
        left.image(setup_picture(ck.id), caption="Where the camera and the person go (a rendered figure)",
                   width="stretch")
        right.markdown(f"**Camera.** {ck.camera()}")
        right.markdown("**The person**\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(ck.steps(), 1)))
        right.caption("The recording must show: " + ", ".join(ck.needs()) + ".")


# ---------------------------------------------------------------------------------------------- sources
def from_sample(ck: uc.CheckKind) -> Result | None:
    sample = ck.sample_path() if ck.sample else None
    if ck.id == uc.DEFAULT_CHECK or sample is None:
        sample = ur.sample_path() if ck.id == uc.DEFAULT_CHECK else sample
    if sample is None:
        st.info(f"There is no built-in example for {ck.title.lower()}; upload a recording instead.")
        return None
    if not sample.is_file():
        st.info(ur.sample_missing_message(sample))
        return None
    st.info(ur.sample_note(sample))
    return run(("sample", file_sha256(sample), str(sample), ck.id),
               lambda progress: analyse_path(sample, progress=progress, check=ck.id))


def from_upload(ck: uc.CheckKind) -> Result | None:
    uploaded = st.file_uploader("Video or photo of one person, whole body in view", type=list(ur.UPLOAD_TYPES),
                                help=ur.UPLOAD_HELP)
    if uploaded is None:
        st.caption("Choose a file above; the result appears here.")
        return None
    problem = ur.upload_problem(uploaded.name, uploaded.size, ur.MAX_UPLOAD_MB)
    if problem:
        st.error(problem)
        return None
    # streamed to a private temporary file: no copy of the whole upload in memory
    return run(("upload", sha256_upload(uploaded), uploaded.name, ck.id),
               lambda progress: analyse_upload(uploaded.name, uploaded, progress=progress, check=ck.id))


def from_snapshot(ck: uc.CheckKind) -> Result | None:
    if not ck.is_standing:
        st.info("A single photo cannot show a movement: record a short video of the test and upload it.")
        return None
    st.caption("For when the live video cannot connect: take one photo (set a timer or ask a helper).")
    shot = st.camera_input("Take a photo of the whole body")
    if shot is None:
        return None
    return run(("snapshot", sha256_upload(shot), ck.id),
               lambda progress: analyse_upload("webcam snapshot.jpg", shot, progress=progress, check=ck.id))


def live_processor(ck: uc.CheckKind):
    from ui.live import LiveConfig, LiveProcessor

    key = f"live_processor_{ck.want}"
    if key not in st.session_state:
        st.session_state[key] = LiveProcessor(LiveConfig(want=ck.want))
    return st.session_state[key]


def live_status_text(s) -> str:
    parts = [f"Frames analysed: {s.frames_processed} (with a person: {s.frames_with_person})"]
    if s.fps:
        parts.append(f"{s.fps:.1f} frames/s")
    if s.delay_ms is not None:
        parts.append(f"overlay delay about {s.delay_ms:.0f} ms (model and drawing {s.process_ms:.0f} ms)")
    if s.frames_dropped:
        parts.append(f"{s.frames_dropped} frames skipped to keep up")
    return " · ".join(parts)


def from_live(ck: uc.CheckKind) -> Result | None:
    if not ck.live:
        st.info("The live webcam check is for standing posture. Record this movement test with a phone or "
                "camera as shown in the set-up, then choose 'Upload a video or photo'.")
        return None
    import streamlit_webrtc as sw

    proc = live_processor(ck)
    st.caption("Press START and allow the camera. Stand back until your whole body is in the picture; when the "
               "checks on the picture turn green, a countdown starts and a few seconds are captured by themselves. "
               "The video goes only to this app on this computer.")
    video_col, side_col = st.columns([3, 2])
    with video_col:
        ctx = sw.webrtc_streamer(key=f"live-{ck.want}", mode=sw.WebRtcMode.SENDRECV,
                                 rtc_configuration={"iceServers": []},
                                 media_stream_constraints={"video": {"width": {"ideal": 640},
                                                                     "height": {"ideal": 480}}, "audio": False},
                                 queued_video_frames_callback=proc.recv_queued, on_video_ended=proc.close,
                                 async_processing=True)
    with side_col:
        if st.button("Start the countdown now", help="For when a helper runs the laptop"):
            proc.start_countdown()
        if st.button("Capture again"):
            proc.restart()
            st.session_state.pop(f"live_result_{ck.id}", None)
        checks_box, status_box = st.empty(), st.empty()
    playing = bool(getattr(getattr(ctx, "state", None), "playing", False))
    if playing:
        while True:  # refresh the status until a capture is complete (a click or STOP reruns the page)
            s = proc.status()
            status_box.caption(live_status_text(s))
            checks_box.markdown(f"**Now:** {s.message}" if s.state in ("waiting", "setup") else
                                f"**{s.state.capitalize()}**" + (f" - {s.seconds_left:.0f} s" if s.seconds_left else ""))
            if s.error:
                st.error(f"The live analysis stopped: {s.error}")
                break
            if s.captured:
                break
            time.sleep(0.3)
        capture = proc.take_capture()
        if capture is not None:
            result = run(("live", time.time(), ck.id),
                         lambda progress: analyse_capture(capture, progress=progress, check=ck.id))
            if result is not None:
                st.session_state[f"live_result_{ck.id}"] = result
        s = proc.status()
        status_box.caption(live_status_text(s))
        checks_box.markdown("**Captured.** The result is below; press *Capture again* for another.")
    else:
        st.caption("The camera is off. If it cannot connect (a browser or network that blocks live video), use "
                   "'Webcam snapshot (photo)' instead.")
    return st.session_state.get(f"live_result_{ck.id}")


# ---------------------------------------------------------------------------------------------- results
def show_checks(checks: list[dict]) -> None:
    for level, text in up.check_lines(checks):
        st.markdown(f"{LEVEL_ICON[level]} {text[0].upper() + text[1:]}")


def show_downloads(result: Result, plan: dict | None, metrics: list[dict]) -> None:
    st.markdown("**Download** (made from the analysis held in memory; nothing was kept on disk)")
    items = [("Report (JSON)", up.report_json(result, plan), f"{result.stem}.report.json", "application/json")]
    if metrics:
        items.append(("Measurements (CSV)", up.metrics_csv(metrics), f"{result.stem}.metrics.csv", "text/csv"))
    items.append(("Landmarks (CSV)", result.csv_bytes, ur.download_name(result.stem, "csv"), "text/csv"))
    items.append(("Track (.pose.npz)", result.track_npz, ur.download_name(result.stem, "track"),
                  "application/octet-stream"))
    if result.keyframe_png:
        items.append(("Key frame (PNG)", result.keyframe_png, f"{result.stem}.keyframe.png", "image/png"))
    if result.annotated:
        photo = result.kind == "photo"
        items.append(("Annotated " + ("photo" if photo else "video"), result.annotated,
                      ur.download_name(result.stem, "annotated_photo" if photo else "annotated_video"),
                      "image/png" if photo else "video/mp4"))
    for start in range(0, len(items), 3):
        cols = st.columns(3)
        for col, (label, data, name, mime) in zip(cols, items[start:start + 3]):
            col.download_button(label, data, name, mime=mime, on_click="ignore", width="stretch")


def series_chart(df):
    """One small line chart per angle (each with its own scale), stacked."""
    import altair as alt

    long = df.reset_index().melt(id_vars=df.index.name, var_name="angle", value_name="degrees").dropna()
    return (alt.Chart(long).mark_line().encode(
        x=alt.X(df.index.name, title="time (s)"), y=alt.Y("degrees", title=None, scale=alt.Scale(zero=False)))
        .properties(height=90).facet(row=alt.Row("angle", title=None, header=alt.Header(labelAngle=0,
                                                                                          labelAlign="left")))
        .resolve_scale(y="independent"))


def table_height(n: int) -> int:
    return 38 + 35 * n


def spinal_chart(df):
    import altair as alt

    x, y = df.columns[1], df.columns[0]
    return (alt.Chart(df).mark_line(point=True).encode(
        x=alt.X(x, title="back outline: + towards the back (% of trunk length)"),
        y=alt.Y(y, title="height: 0 = hip level, 1 = shoulder level", scale=alt.Scale(domain=[0, 1])),
        order=y).properties(height=320))


def show_result(result: Result, ck: uc.CheckKind, role: str) -> list[dict]:
    """The result sections; returns the metrics shown (for the downloads)."""
    expert = up.is_expert(role)
    a = result.assessment
    st.subheader(f"Result: {md_escape(result.name)}")  # a file name is shown as typed, never as Markdown
    for problem in result.problems:
        st.warning(md_escape(problem))
    if not result.problems:
        st.success(ur.NO_PROBLEMS)
    left, right = st.columns([3, 2])
    with left:
        if result.key_frame is not None:
            cap = ("Key frame: skeleton (orange = left side, blue = right), red dashed plumb line through the ankle, "
                   "hip and knee angles in yellow, the back's outline in green." if result.keyframe_png else
                   ur.key_frame_caption(result.summary, result.key_index, result.key_time))
            st.image(result.key_frame, caption=cap, width="stretch")
    with right:
        st.markdown("**Was the recording good enough?**")
        show_checks((a or {}).get("checks") or [])
        if expert:
            rows = ur.summary_rows(result.summary)
            st.dataframe({"What": [k for k, _ in rows], "Value": [v for _, v in rows]}, hide_index=True)
    metrics: list[dict] = []
    if a is None:
        st.info("Nothing could be measured (no person was found).")
    elif a.get("kind"):  # movement test
        metrics = up.movement_metrics(a) if up.shows_numbers(a) else []
        who = a.get("leg") or (f"{a['side']} side" if a.get("side") else "")
        st.markdown(f"#### {a['protocol']['name']}" + (f" - {who}" if who and up.shows_numbers(a) else ""))
        reps = a.get("repetitions") or a.get("steps") or []
        if not up.shows_numbers(a):
            st.error("No numbers: the recording does not show this test. Fix what is marked above and record "
                     "again.")
        else:
            st.caption(f"{len(reps)} repetition(s) found." if reps else "No repetition was found.")
        if metrics:
            st.dataframe(up.metrics_table(metrics, role), hide_index=True, width="stretch",
                         height=table_height(len(metrics)))
        for f in up.movement_flags(a) if up.shows_numbers(a) else []:
            st.markdown(f"- {f}")
        if not expert:
            for r in up.readings(metrics):
                st.markdown(f"- {r}")
        series = up.movement_series(a)
        if series is not None:
            st.markdown("**The movement over time** (degrees)")
            st.altair_chart(series_chart(series))
    else:
        metrics = (a.get("metrics") or []) if up.shows_numbers(a) else []
        if a.get("view"):
            st.markdown(f"#### Standing posture, {a['view']['label']} view")
        if not a.get("ok"):
            st.error("No posture numbers: the recording does not show what they need. Fix what is marked above "
                     "(the first problem explains the others) and record again.")
        if metrics:
            note = ("“Estimate” = inferred from the body's outline (pelvic tilt, low-back and upper-back curves); "
                    "“measurement” = read from the joint positions. Usual ranges are approximate.")
            if not expert:
                st.markdown("**In plain words**")
                for r in up.readings(metrics):
                    st.markdown(f"- {r}")
                with st.expander("The numbers behind this", icon=":material/table:"):
                    st.dataframe(up.metrics_table(metrics, role), hide_index=True, width="stretch",
                                 height=table_height(len(metrics)))
                    st.caption(note)
            else:
                st.dataframe(up.metrics_table(metrics, role), hide_index=True, width="stretch",
                             height=table_height(len(metrics)))
                st.caption(note)
                with st.expander("What each number means, and where its usual range comes from"):
                    for name, text in up.definitions(metrics):
                        st.markdown(f"**{name}.** {text}")
        curve = a.get("spinal_curve") if up.shows_numbers(a) else None
        if curve and curve.get("posture_type") not in (None, "unknown"):
            st.markdown(f"**Posture reading (an estimate):** {curve['posture_reason']}")
        series = up.standing_series(result.sequence, a)
        spine = up.spinal_curve_frame(curve)
        if series is not None or spine is not None:
            c1, c2 = st.columns(2)
            if series is not None:
                c1.markdown("**Angles over the recording** (degrees)")
                c1.altair_chart(series_chart(series))
            if spine is not None:
                c2.markdown("**The back's curve (spinal compensation), an estimate**")
                c2.altair_chart(spinal_chart(spine), width="stretch")
                c2.caption("The back's outline against the straight line from hip to shoulder: to the left "
                           "(negative) is the hollow of the low back (lordosis), to the right the rounding of the "
                           "upper back (kyphosis).")
        for n in a.get("notes") or []:
            st.caption(n)
    if result.kind == "video" and result.annotated:
        with st.expander("The whole clip with the landmarks drawn on", icon=":material/movie:"):
            st.video(result.annotated, format="video/mp4")
    return metrics


# ---------------------------------------------------------------------------------------------- intake, plan
def intake_section() -> None:
    answered = st.session_state.get("client_intake") is not None
    box = st.expander("Answer a few questions about your back (about 2 minutes)" if not answered else
                      "Your answers (change them here)", expanded=False, icon=":material/assignment:")
    box.markdown("Answer what applies; the advice below uses your answers with the measurements. "
                 "Nothing is stored: the answers stay in this browser tab.")
    with box.form("intake"):
        answers = {}
        safety = [q for q in intake_form() if q["id"].startswith("red_flags.")]
        for q in intake_form():
            if q["id"].startswith("red_flags."):
                continue
            opts = dict(q["options"])
            if q["type"] == "single":
                answers[q["id"]] = st.selectbox(q["text"], list(opts), index=None, format_func=opts.get,
                                                placeholder="not answered", key=f"q_{q['id']}")
            elif q["type"] == "multi":
                answers[q["id"]] = st.multiselect(q["text"], list(opts), format_func=opts.get, key=f"q_{q['id']}")
            elif q["type"] == "bool":
                answers[q["id"]] = st.radio(q["text"], ["not answered", "yes", "no"], horizontal=True,
                                            key=f"q_{q['id']}")
            elif q["type"] == "int":
                lo, hi = q["range"]
                answers[q["id"]] = st.number_input(q["text"], min_value=lo, max_value=hi, value=None, step=1,
                                                   key=f"q_{q['id']}")
            else:
                answers[q["id"]] = st.text_input(q["text"] + " (if you chose 'something else')", key=f"q_{q['id']}")
        st.markdown("**Safety questions** (answer every one before following any stretch)")
        cols = st.columns(2)
        for i, q in enumerate(safety):
            answers[q["id"]] = cols[i % 2].radio(q["text"], ["not answered", "yes", "no"], horizontal=True,
                                                 key=f"q_{q['id']}")
        if st.form_submit_button("Update the advice", type="primary"):
            try:
                st.session_state["client_intake"] = up.intake_from_answers(answers)
                st.session_state.pop("intake_error", None)
            except (IntakeError, ValueError) as e:
                st.session_state["intake_error"] = str(e)
    if st.session_state.get("intake_error"):
        st.error(f"Please check your answers: {st.session_state['intake_error']}")


def show_plan(plan: dict, role: str) -> None:
    stopped = plan["advice_stopped"]
    (st.error if stopped else st.info)(plan["headline"])
    if plan["red_flags"].get("level") not in (None, "clear") and plan["red_flags"]["message"] not in plan["headline"]:
        st.warning(plan["red_flags"]["message"])
    for c in plan["contributors"]:
        with st.expander(f"{c['rank']}. The {c['name']} ({c['muscles']}): {c['confidence_word']} confidence "
                         f"({c['confidence']:.2f}), an estimate"):
            for e in c["evidence"]:
                st.markdown(f"- {e['text']} *[{e['source']}]*")
            for e in c.get("against", []):
                st.markdown(f"- against: {e['text']} *[{e['source']}]*")
    for n in plan["conflicts"] + plan["notes"]:
        st.caption(n)
    if plan["recommendations"]:
        st.markdown("#### Stretches, and why each is suggested")
        for r in plan["recommendations"]:
            pic = uc.SAMPLES / r["picture"]
            c1, c2 = st.columns([1, 3])
            if pic.is_file():
                c1.image(str(pic), width="stretch")
            c2.markdown(f"**{r['name']}** ({r['position']})")
            c2.markdown(f"*Why:* {r['trigger']['text']}")
            c2.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(r["steps"], 1)))
            c2.markdown(f"*Dose:* {r['dose']}")
            for c in r["cautions"]:
                c2.markdown(f"- Caution: {c}")
            if r.get("side_focus"):
                c2.markdown(r["side_focus"]["text"])
        if plan["cautions"]:
            st.markdown("**How to stretch**\n" + "\n".join(f"- {c['text']}" for c in plan["cautions"]))
    if plan["avoid"]:
        st.markdown("**What to avoid**\n" + "\n".join(f"- **{a['name']}**: {a['text']} {a['trigger']['text']}"
                                                      for a in plan["avoid"]))
    if plan.get("retest"):
        rt = plan["retest"]
        st.markdown(f"**Measure again.** {rt['text']} Keep the same setup: {'; '.join(rt['setup'])}.")
    if plan.get("therapist_notes"):
        st.markdown("**For the therapist**\n" + "\n".join(f"- {n['text']} *({n['trigger']['text']})*"
                                                         for n in plan["therapist_notes"]))
    if plan.get("trainer_row"):
        row = plan["trainer_row"]
        st.dataframe([{k.replace("_", " "): v for k, v in row.items()}], hide_index=True)
    with st.expander("Where this advice comes from"):
        for h in plan["honesty"]:
            st.markdown(f"- *[{h['source']}]* {h['text']}")
    st.caption(plan["disclaimer"])


# ---------------------------------------------------------------------------------------------- page
def main() -> None:
    private_umask()  # anything the app writes is readable by its owner only
    # the icon is made here: a ":material/...:" icon makes the browser fetch it from fonts.gstatic.com
    st.set_page_config(page_title=ur.TITLE, page_icon=ur.app_icon(), layout="wide")
    with st.sidebar:
        st.header("Settings")
        role = st.radio("Who is looking at the results?", list(up.ROLES), format_func=up.ROLES.get, key="role")
        check_id = st.selectbox("What to check", list(uc.CHECKS), format_func=lambda c: uc.CHECKS[c].title,
                                key="check")
        st.caption(ur.PRIVACY)
    ck = uc.get(check_id)
    st.title(ur.TITLE)
    st.write(ur.INTRO)
    source = st.radio("Where the recording comes from", list(SOURCES), format_func=SOURCES.get, horizontal=True,
                      key="source")
    show_setup(ck, expanded=source != "sample")
    result = {"sample": from_sample, "upload": from_upload, "live": from_live, "snapshot": from_snapshot}[source](ck)
    if result is None:
        return
    metrics = show_result(result, ck, role)
    st.divider()
    st.header("Your symptoms and what to do")
    intake_section()
    a = result.assessment
    refused_test = bool(a and a.get("kind") and not a.get("ok"))  # a movement test whose gates failed
    plan = up.plan_for(result, st.session_state.get("client_intake"), role) if a and not refused_test else None
    if plan is not None:
        show_plan(plan, role)
    elif refused_test:
        st.info("No advice plan: the movement test measured nothing. Record it again as advised above.")
    st.divider()
    show_downloads(result, plan, metrics)


main()
