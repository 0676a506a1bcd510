"""The posture assessor's main page (``streamlit run app.py``). Thin: pages, widgets and layout only.

Every decision and sentence comes from :mod:`ui` (plain modules, tested without a browser), the analysis
from :mod:`vision` and :mod:`analysis`. The live webcam frame callback is :class:`ui.live.LiveProcessor`.
Other pages (the therapist/trainer workflow) live in ``pages/``; this file stays the main page.

A result leads with two or three colour-coded lines and folds its details below; a recording that could not
be measured shows only what went wrong and how to fix it; advice comes only after the safety questions.
"""

from __future__ import annotations

import logging
import os
import time

import streamlit as st

from analysis.intake import IntakeError, form as intake_form
from analysis.movement import STATED_LEG_KINDS
from privacy.files import private_umask
from privacy.text import md_escape
from ui import checks as uc
from ui import client as ucl
from ui import present as up
from ui import results as ur
from ui.analyse import Result, ResultCache, analyse_capture, analyse_path, analyse_upload, sha256_upload
from vision.errors import InputError
from vision.sources import file_sha256

log = logging.getLogger("posture.app")

SOURCES = {"sample": "Built-in example", "upload": "Upload a video or photo", "live": "Live webcam",
           "snapshot": "Webcam snapshot (photo)"}
CHECK_ICON = {"ok": ":green[:material/check_circle:]", "warn": ":orange[:material/warning:]",
              "bad": ":red[:material/cancel:]", "skip": ":gray[:material/remove:]"}
LEAD_BOX = {"good": (st.success, ":material/check_circle:"), "attention": (st.warning, ":material/error:"),
            "next": (st.info, ":material/arrow_forward:"), "problem": (st.error, ":material/cancel:")}
LIVE_COLOUR = {"idle": "gray", "act": "orange", "ready": "green", "busy": "blue", "done": "green", "error": "red"}
LIVE_DETAILS = os.environ.get("POSTURE_LIVE_DETAILS") == "1"  # frame rate and delay, for benchmarks only


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
def setup_body(ck: uc.CheckKind) -> None:
    left, right = st.columns([2, 3])
    left.image(setup_picture(ck.id), caption="Where the camera and the person go (a rendered figure)",
               width="stretch")
    right.markdown(f"**Camera.** {ck.camera()}")
    right.markdown("**The person**\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(ck.steps(), 1)))
    right.caption("The recording must show: " + ", ".join(ck.needs()) + ".")


def show_setup(ck: uc.CheckKind) -> None:
    """The set-up guide, folded: it sits below the upload box, camera or progress, never above them."""
    with st.expander(f"How to set up: {ck.title}", expanded=False, icon=":material/photo_camera:"):
        setup_body(ck)


# ---------------------------------------------------------------------------------------------- sources
def from_sample(ck: uc.CheckKind, leg: str | None = None) -> Result | None:
    sample = ck.sample_path() if ck.sample else None
    if ck.id == uc.DEFAULT_CHECK or sample is None:
        sample = ur.sample_path() if ck.id == uc.DEFAULT_CHECK else sample
    if sample is None:
        st.info(f"There is no built-in example for {ck.title.lower()}; upload a recording instead.")
        show_setup(ck)
        return None
    if not sample.is_file():
        st.info(ur.sample_missing_message(sample))
        return None
    st.caption(ur.sample_note(sample))
    return run(("sample", file_sha256(sample), str(sample), ck.id, leg),
               lambda progress: analyse_path(sample, progress=progress, check=ck.id, leg=leg))


def from_upload(ck: uc.CheckKind, leg: str | None = None) -> Result | None:
    uploaded = st.file_uploader("Video or photo of one person, whole body in view", type=list(ur.UPLOAD_TYPES),
                                help=ur.UPLOAD_HELP)
    if uploaded is None:
        st.caption("Choose a file above; the result appears here.")
        show_setup(ck)
        return None
    problem = ur.upload_problem(uploaded.name, uploaded.size, ur.MAX_UPLOAD_MB)
    if problem:
        st.error(problem)
        show_setup(ck)
        return None
    # streamed to a private temporary file: no copy of the whole upload in memory
    result = run(("upload", sha256_upload(uploaded), uploaded.name, ck.id, leg),
                 lambda progress: analyse_upload(uploaded.name, uploaded, progress=progress, check=ck.id, leg=leg))
    if result is None:
        show_setup(ck)
    return result


def from_snapshot(ck: uc.CheckKind, leg: str | None = None) -> Result | None:
    if not ck.is_standing:
        st.info("A single photo cannot show a movement: record a short video of the test and upload it.")
        return None
    st.caption("For when the live video cannot connect: take one photo (set a timer or ask a helper).")
    shot = st.camera_input("Take a photo of the whole body")
    if shot is None:
        show_setup(ck)
        return None
    return run(("snapshot", sha256_upload(shot), ck.id, leg),
               lambda progress: analyse_upload("webcam snapshot.jpg", shot, progress=progress, check=ck.id, leg=leg))


def live_processor(ck: uc.CheckKind):
    from ui.live import LiveConfig, LiveProcessor

    key = f"live_processor_{ck.want}"
    if key not in st.session_state:
        st.session_state[key] = LiveProcessor(LiveConfig(want=ck.want))
    return st.session_state[key]


def show_live_state(box, view) -> None:
    box.markdown(f"### :{LIVE_COLOUR[view.level]}[{view.label}]\n{view.text}")


def show_live_checks(box, checks: list[dict], want: str) -> None:
    names = {"whole_body": "Whole body in the picture",
             "view": "Seen from the side" if want == "side" else "Facing the camera", "still": "Standing still"}
    lines = []
    for c in checks:
        if c["name"] not in names:
            continue
        level = "ok" if c["passed"] else "skip" if not c.get("checked", True) else "bad"
        lines.append(f"{CHECK_ICON[level]} {names[c['name']]}")
    box.markdown("  \n".join(lines) if lines else " ")


def from_live(ck: uc.CheckKind, leg: str | None = None) -> Result | None:
    from ui.live import live_view, telemetry_text

    if not ck.live:
        st.info("The live webcam check is for standing posture. Record this movement test with a phone or "
                "camera as shown in the set-up, then choose 'Upload a video or photo'.")
        show_setup(ck)
        return None
    import streamlit_webrtc as sw

    proc = live_processor(ck)
    video_col, side_col = st.columns([3, 2])
    with video_col:
        ctx = sw.webrtc_streamer(key=f"live-{ck.want}", mode=sw.WebRtcMode.SENDRECV,
                                 rtc_configuration={"iceServers": []},
                                 media_stream_constraints={"video": {"width": {"ideal": 640},
                                                                     "height": {"ideal": 480}}, "audio": False},
                                 queued_video_frames_callback=proc.recv_queued, on_video_ended=proc.close,
                                 async_processing=True)
        st.caption("Press START and allow the camera. When the checks turn green a countdown starts and a few "
                   "seconds are captured by themselves. The video goes only to this app on this computer.")
    with side_col:
        state_box = st.empty()
        checks_box = st.empty()
        if st.button("Start the countdown now"):  # for a helper at the laptop; no tooltip over the checks
            st.session_state["live_refusal"] = proc.start_countdown()
        refusal_box = st.empty()
        if st.button("Capture again"):
            proc.restart()
            st.session_state.pop(f"live_result_{ck.id}", None)
            st.session_state.pop("live_refusal", None)
        tech_box = st.empty()
    show_setup(ck)
    playing = bool(getattr(getattr(ctx, "state", None), "playing", False))
    done = st.session_state.get(f"live_result_{ck.id}") is not None
    if not playing:
        show_live_state(state_box, live_view(None, False, done=done))
        if not done:
            checks_box.caption("If the camera cannot connect (a browser or network that blocks live video), use "
                               "'Webcam snapshot (photo)' instead.")
        return st.session_state.get(f"live_result_{ck.id}")
    refusal = st.session_state.get("live_refusal")
    while True:  # refresh the state until a capture is complete (a click or STOP reruns the page)
        s = proc.status()
        show_live_state(state_box, live_view(s, True, done=done and s.state in ("waiting", "setup")))
        show_live_checks(checks_box, s.checks, ck.want)
        if refusal and s.state in ("waiting", "setup"):
            refusal_box.warning(refusal, icon=":material/front_hand:")
        else:
            refusal_box.empty()
        if LIVE_DETAILS:
            tech_box.caption(telemetry_text(s))
        if s.error or s.captured:
            break
        time.sleep(0.3)
    capture = proc.take_capture()
    if capture is not None:
        show_live_state(state_box, live_view(proc.status(), True, analysing=True))
        result = run(("live", time.time(), ck.id, leg),
                     lambda progress: analyse_capture(capture, progress=progress, check=ck.id, leg=leg))
        if result is not None:
            st.session_state[f"live_result_{ck.id}"] = result
    s = proc.status()
    if not s.error:
        show_live_state(state_box, live_view(s, True, done=True))
    if LIVE_DETAILS:
        tech_box.caption(telemetry_text(s))
    return st.session_state.get(f"live_result_{ck.id}")


# ---------------------------------------------------------------------------------------------- results
def show_checks(checks: list[dict]) -> None:
    st.markdown("  \n".join(f"{CHECK_ICON[level]} {ucl.sentence(text)}" for level, text in up.check_lines(checks)))


def show_failure(fail: ucl.Failure, result: Result) -> None:
    """A recording that could not be measured: each problem once, how to fix it, the set-up picture."""
    st.error(f"**{fail.title}.** Nothing was measured, so there are no numbers or advice for this recording.",
             icon=":material/cancel:")
    left, right = st.columns([2, 3])
    with left:
        if result.key_frame is not None:
            st.image(up.fit_image(result.key_frame, 360), caption="What the camera saw"
                     + (f" ({result.key_note})" if result.key_note else ""))
    with right:
        st.markdown("#### What went wrong, and how to fix it")
        for i, (what, fix) in enumerate(fail.problems, 1):
            st.markdown(f"**{i}. {md_escape(what)}**" + (f"  \n{md_escape(fix)}" if fix else ""))
    st.markdown("#### Set it up like this, then record again")
    setup_body(uc.get(fail.setup_check))


def show_lead(lines: list[ucl.Line]) -> None:
    for ln in lines:
        box, icon = LEAD_BOX[ln.level]
        box(ln.text, icon=icon)


def line_charts(df) -> None:
    """One small chart per series, each with an honest axis (at least 10 degrees tall, or its unit's least height:
    :func:`ui.present.chart_min_span`) and the column's width."""
    import altair as alt

    for name in df.columns:
        dom = up.axis_domain(df[name].to_numpy(), up.chart_min_span(name))
        if dom is None:
            continue
        data = df[[name]].reset_index().rename(columns={name: "value"})
        chart = (alt.Chart(data, title=alt.TitleParams(name, fontSize=12, anchor="start"))
                 .mark_line().encode(x=alt.X(df.index.name, title="time (s)"),
                                     y=alt.Y("value", title=None, scale=alt.Scale(domain=list(dom), nice=False)))
                 .properties(height=200))  # Streamlit fits title, axes and plot into this height
        st.altair_chart(chart, width="stretch")


def spinal_chart(df):
    import altair as alt

    x, y = df.columns[1], df.columns[0]
    return (alt.Chart(df).mark_line(point=True).encode(
        x=alt.X(x, title="back outline: + towards the back (% of trunk length)"),
        y=alt.Y(y, title="height: 0 = hip, 1 = shoulder", scale=alt.Scale(domain=[0, 1])),
        order=y).properties(height=300))


def table_height(n: int) -> int:
    return 38 + 35 * n


def show_charts(result: Result, a: dict) -> None:
    if a.get("kind"):
        series = up.movement_series(a)
        if series is not None:
            st.markdown("**The movement over time**")
            line_charts(series)
        return
    curve = a.get("spinal_curve")
    series = up.standing_series(result.sequence, a)
    spine = up.spinal_curve_frame(curve)
    if series is None and spine is None:
        return
    c1, c2 = st.columns(2)
    if series is not None:
        with c1:
            st.markdown("**Angles over the recording**")
            line_charts(series)
    if spine is not None:
        with c2:
            st.markdown("**The back's curve, an estimate from the outline**")
            st.altair_chart(spinal_chart(spine), width="stretch")
            st.caption("The back's outline against the straight line from hip to shoulder: to the left (negative) "
                       "is the hollow of the low back, to the right the rounding of the upper back.")


def metrics_of(a: dict) -> list[dict]:
    return up.movement_metrics(a) if a.get("kind") else (a.get("metrics") or [])


def show_numbers(result: Result, a: dict, role: str) -> None:
    """The expert view of a result: the checks, the recording, every number with its definition, the charts."""
    metrics = metrics_of(a)
    c1, c2 = st.columns([3, 2])
    with c1:
        st.markdown("**Was the recording good enough?**")
        show_checks(a.get("checks") or [])
    with c2:
        rows = ur.summary_rows(result.summary)
        st.dataframe({"What": [k for k, _ in rows], "Value": [v for _, v in rows]}, hide_index=True)
    if a.get("kind"):
        reps = a.get("repetitions") or a.get("steps") or []
        st.caption(f"{len(reps)} repetition(s) found." if reps else "No repetition was found.")
    if metrics:
        st.dataframe(up.metrics_table(metrics, role), hide_index=True, width="stretch",
                     height=table_height(len(metrics)))
        st.caption("“Estimate” = inferred from the body's outline (pelvic tilt, low-back and upper-back curves); "
                   "“measurement” = read from the joint positions. Usual ranges are approximate.")
        with st.expander("What each number means, and where its usual range comes from"):
            for name, text in up.definitions(metrics):
                st.markdown(f"**{name}.** {text}")
    for f in up.movement_flags(a):
        st.markdown(f"- {f}")
    curve = a.get("spinal_curve")
    if curve and curve.get("posture_type") not in (None, "unknown"):
        st.markdown(f"**Posture reading (an estimate):** {curve['posture_reason']}")
    show_charts(result, a)
    for n in a.get("notes") or []:
        st.caption(n)


def show_plain(result: Result, a: dict, role: str) -> None:
    """The client's details, folded: each measure in everyday words, the checks, the numbers and charts."""
    metrics = metrics_of(a)
    with st.expander("Each measure in everyday words", icon=":material/list:"):
        for text in [ucl.plain_line(m) for m in ucl.client_metrics(metrics)]:
            st.markdown(f"- {text}")
        for f in ucl.flag_lines(a) if a.get("kind") else []:
            st.markdown(f"- {f}")
    with st.expander("How the recording was checked", icon=":material/fact_check:"):
        show_checks(a.get("checks") or [])
    with st.expander("The numbers and charts (for a therapist)", icon=":material/table:"):
        if metrics:
            st.dataframe(up.metrics_table(metrics, role), hide_index=True, width="stretch",
                         height=table_height(len(metrics)))
        show_charts(result, a)


def summary_pdf(result: Result, plan: dict | None, ck: uc.CheckKind):
    """The printable summary, made when the button is pressed (nothing is made or kept before)."""
    def make() -> bytes:
        from reports.client_summary import client_summary_pdf, summary_data

        return client_summary_pdf(summary_data(result, plan, ck.title))
    return make


def show_result(result: Result, ck: uc.CheckKind, role: str, plan: dict | None) -> bool:
    """The result sections; returns whether the result may show numbers and advice."""
    a = result.assessment
    st.subheader(f"Result: {md_escape(result.name)}")  # a file name is shown as typed, never as Markdown
    fail = ucl.failure(a, result.problems, ck.id)
    if fail is not None:
        show_failure(fail, result)
        return False
    st.markdown(f"#### {ucl.what_was_measured(a)}")
    if a.get("leg_note"):
        st.caption(ucl.sentence(a["leg_note"]))
    left, right = st.columns([2, 3])
    with left:
        if result.key_frame is not None:
            cap = ("Skeleton (orange = left side, blue = right), red dashed plumb line through the ankle, hip and "
                   "knee angles in yellow, the back's outline in green." if result.keyframe_png else
                   ur.key_frame_caption(result.summary, result.key_index, result.key_time, result.key_note))
            st.image(up.fit_image(result.key_frame, 430), caption=cap)
    with right:
        show_lead(ucl.lead_lines(a, plan))
        warnings = ucl.warnings(a, result.problems)
        if warnings:
            st.markdown("**Worth fixing next time:** " + " ".join(md_escape(w) for w in warnings))
        st.download_button("Printable summary (PDF)", summary_pdf(result, plan, ck), f"{result.stem}.summary.pdf",
                           mime="application/pdf", on_click="ignore", type="primary", icon=":material/print:",
                           key="summary_pdf")
    if up.is_expert(role):
        show_numbers(result, a, role)
    else:
        show_plain(result, a, role)
    if result.kind == "video" and result.annotated:
        with st.expander("The whole clip with the landmarks drawn on", icon=":material/movie:"):
            st.video(result.annotated, format="video/mp4")
    return True


# ---------------------------------------------------------------------------------------------- questions, plan
def answer_widget(q: dict, where):
    """The widget of one intake question (safety questions: yes / no, nothing chosen until answered)."""
    key = f"q_{q['id']}"
    if q["type"] == "bool":
        return where.radio(q["text"], ["no", "yes"], index=None, horizontal=True, key=key,
                           format_func=str.capitalize)
    opts = dict(q["options"])
    if q["type"] == "single":
        return where.selectbox(q["text"], list(opts), index=None, format_func=opts.get, placeholder="not answered",
                               key=key)
    if q["type"] == "multi":
        return where.multiselect(q["text"], list(opts), format_func=opts.get, key=key)
    if q["type"] == "int":
        lo, hi = q["range"]
        return where.number_input(q["text"], min_value=lo, max_value=hi, value=None, step=1, key=key)
    return where.text_input(q["text"] + " (if you chose 'something else')", key=key)


def questions_section() -> None:
    """The safety questions first, asked as questions, then the optional questions about the back."""
    questions = intake_form()
    safety = [q for q in questions if q["id"].startswith("red_flags.")]
    others = [q for q in questions if not q["id"].startswith("red_flags.")]
    answered = st.session_state.get("client_intake") is not None
    with st.expander("Your answers (change them here)" if answered else "Before any advice: a few questions",
                     expanded=not answered, icon=":material/assignment:"):
        st.markdown("First, a few yes-or-no questions about your health. Most people answer no to all of them; a "
                    "yes means a clinician should see you before you try any stretch. Nothing is stored: the answers "
                    "stay in this browser tab.")
        with st.form("intake"):
            answers = {}
            cols = st.columns(2)
            for i, q in enumerate(safety):
                answers[q["id"]] = answer_widget(q, cols[i % 2])
            st.markdown("**About your back** (optional: it helps the advice fit)")
            cols = st.columns(2)
            for i, q in enumerate(others):
                answers[q["id"]] = answer_widget(q, cols[i % 2])
            if st.form_submit_button("Show the advice", type="primary"):
                missing = [q for q in safety if answers.get(q["id"]) is None]
                if missing:
                    st.session_state["intake_error"] = (f"Please answer every safety question first ({len(missing)} "
                                                        "still open).")
                else:
                    try:
                        st.session_state["client_intake"] = up.intake_from_answers(answers)
                        st.session_state.pop("intake_error", None)
                        st.rerun()
                    except (IntakeError, ValueError) as e:
                        st.session_state["intake_error"] = f"Please check your answers: {e}"
    if st.session_state.get("intake_error"):
        st.error(st.session_state["intake_error"])


def show_plan(plan: dict, role: str) -> None:
    expert = up.is_expert(role)
    if plan["advice_stopped"]:
        st.error(plan["red_flags"]["message"], icon=":material/emergency:")
        for n in plan["notes"]:
            st.caption(n)
        for n in plan.get("therapist_notes", []):
            st.markdown(f"- {n['text']}")
        st.caption(plan["disclaimer"])
        return
    st.info(plan["findings_headline"])
    for c in plan["contributors"]:
        conf = f"{c['confidence_word']} confidence" + (f" ({c['confidence']:.2f})" if expert else "")
        with st.expander(f"{c['rank']}. The {c['name']} ({c['muscles']}): {conf}, an estimate"):
            for e in c["evidence"]:
                st.markdown(f"- {e['text']} *[{e['source']}]*")
            for e in c.get("against", []):
                st.markdown(f"- against: {e['text']} *[{e['source']}]*")
    for n in plan["conflicts"] + (plan["notes"] if expert else []):
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
        st.markdown(f"**{rt['text']}** Keep the same setup: {'; '.join(rt['setup'])}.")
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


def show_downloads(result: Result, plan: dict | None, metrics: list[dict]) -> None:
    with st.expander("More files (for a therapist or another program)", icon=":material/download:"):
        st.caption("Made from the analysis held in memory; nothing was kept on disk.")
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
        ck = uc.get(check_id)
        leg = None
        if ck.test in STATED_LEG_KINDS:
            leg = st.radio("Tested leg", list(uc.LEG_CHOICES), format_func=uc.LEG_CHOICES.get, key="leg",
                           help=uc.LEG_HELP)
        st.caption(ur.PRIVACY)
    st.title(ur.TITLE)
    st.caption(ur.INTRO)
    source = st.radio("Where the recording comes from", list(SOURCES), format_func=SOURCES.get, horizontal=True,
                      key="source")
    result = {"sample": from_sample, "upload": from_upload, "live": from_live,
              "snapshot": from_snapshot}[source](ck, leg)
    if result is None:
        return
    a = result.assessment
    intake = st.session_state.get("client_intake")
    measured = ucl.failure(a, result.problems, ck.id) is None
    plan = up.plan_for(result, intake, role) if measured and intake is not None else None
    if not show_result(result, ck, role, plan):
        return
    st.divider()
    st.header("What to do")
    questions_section()
    if plan is None:
        st.info("The advice appears here once the safety questions above are answered.",
                icon=":material/assignment:")
    else:
        show_plan(plan, role)
    show_downloads(result, plan, metrics_of(a))


main()
