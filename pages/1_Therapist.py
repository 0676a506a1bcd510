"""Therapist: clients, consent, sessions, before-and-after comparison, landmarks placed by hand, reports, deletion.
Thin: the logic is in :mod:`records.workflow`, :mod:`records.store`, :mod:`analysis.comparison`, :mod:`reports` and
the page's wording in :mod:`ui.compare` and :mod:`ui.landmarks`.

Text a person typed (names, codes, titles, labels, notes, file names) is shown with ``st.text``, in table cells or
escaped (:func:`privacy.text.md_escape`), never rendered as Markdown. Uploads, reports and clips exist on disk only
in a private temporary folder while they are made, and are deleted afterwards; reports are made in memory when
their download button is pressed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import streamlit_image_coordinates as sic

from analysis.movement import STATED_LEG_KINDS
from analysis.red_flags import red_flag_questions
from privacy.files import private_dir, private_tempdir, private_umask
from privacy.text import md_escape, one_line, unique_names
from records import workflow as wf
from records.db import default_location
from records.errors import RecordsError
from records.store import CONSENT_KINDS, CONSENT_TEXT, Records
from reports.wording import third_person
from ui import compare as ucmp
from ui import landmarks as ul
from ui.analyse import save_upload
from ui.checks import LEG_CHOICES, LEG_HELP
from ui.client import sentence
from ui.present import STATUS_WORDS, fmt_range, fmt_value, intake_from_answers
from ui.results import safe_filename

private_umask()
st.set_page_config(page_title="Therapist - posture records", layout="wide")
st.title("Therapist: client records and before-and-after")

loc = st.sidebar.text_input("Records database (a file in your data folder, or a postgresql:// URL)",
                            value=st.session_state.get("db", default_location()), key="db")
assessor = st.sidebar.text_input("Assessor", key="assessor")
CONSENT_LABEL = {"records": "Store the assessments", "video": "Keep the videos and photos",
                 "report_sharing": "Share reports with the people the client names"}
PROTOCOLS = ["standing"] + list(__import__("analysis.movement", fromlist=["KINDS"]).KINDS)


@st.cache_resource
def _records(location: str) -> Records:
    return Records(location)


def flash(text: str, level: str = "success") -> None:
    """A message about the last action (``level`` success, warning or error) that stays at the top until the next
    action replaces it."""
    st.session_state["flash"] = (level, text)


def metric_rows(res: dict) -> list[dict]:
    """A stored result's numbers, rounded to their resolution, for a small table."""
    from analysis.comparison import decimals_for, load_defaults, metric_table

    noise = load_defaults().get("standing", {})
    rows = []
    for k, m in metric_table(res).items():
        if m["value"] is None:
            continue
        nd = decimals_for((noise.get(k.split(":")[0]) or {}).get("sem"))
        kind = "measured (hand-marked)" if k == "pelvic_tilt" and m["kind"] == "measurement" else m["kind"]
        rows.append({"Measure": m["name"] + (f" ({m['side']})" if m.get("side") and m["side"] not in m["name"].lower()
                                             else ""),
                     "Value": fmt_value(m, decimals=nd), "Usual range": fmt_range(m).replace("-", "–") if
                     fmt_range(m) == "-" else fmt_range(m),
                     "Compared with usual": STATUS_WORDS.get(m["status"], m["status"]), "Kind": kind})
    return rows


try:
    rec = _records(loc)
except RecordsError as e:
    st.error(f"The records database cannot be opened: {md_escape(e)}")
    st.stop()

if st.session_state.get("flash"):  # the outcome of the last action, until the next one
    level, text = st.session_state["flash"]
    {"success": st.success, "warning": st.warning, "error": st.error}[level](
        text, icon={"success": ":material/check_circle:", "warning": ":material/warning:",
                    "error": ":material/cancel:"}[level])

# ---------------------------------------------------------------- client
clients = rec.clients()
codes = [c["code"] for c in clients]
with st.sidebar.expander("New client", expanded=not codes):
    new_code = st.text_input("Code (short id: letters, digits, '-', '_', '.')", key="new_code")
    new_name = st.text_input("Name", key="new_name")
    st.markdown("**Consent.** Read each text to the client and tick what they agree to.")
    consent = {}
    for k in CONSENT_KINDS:
        consent[k] = st.checkbox(CONSENT_LABEL[k], key=f"consent_{k}")
        st.caption(f"“{CONSENT_TEXT[k]}”")
    if st.button("Add client", key="add_client", type="primary") and new_code:
        try:
            cid = rec.add_client(new_code, new_name)
            for k, v in consent.items():
                if v:
                    rec.set_consent(cid, k, True, by=assessor)
            given_now = [CONSENT_LABEL[k].lower() for k, v in consent.items() if v]
            flash(f"Added the client {md_escape(new_code.strip())}" + (
                f" with consent to: {'; '.join(given_now)}." if given_now else ", with no consent recorded yet."))
            st.session_state["client"] = new_code.strip()
            st.rerun()
        except RecordsError as e:
            st.error(f"Could not add the client: {md_escape(e)}")
if not codes:
    st.info("Add a client to start (in the sidebar).")
    st.stop()
if st.session_state.get("client") not in codes:
    st.session_state.pop("client", None)
code = st.sidebar.selectbox("Client", codes, key="client")
client = rec.client(code)
cons = rec.consents(client["id"])
given = {k: bool(cons.get(k, {}).get("given")) for k in CONSENT_KINDS}
st.text(f"{one_line(client['name'])} ({client['code']})")
st.caption("Consent: " + "; ".join(
    f"{CONSENT_LABEL[k].lower()}: {'yes' if given[k] else 'no'}"
    + (f" ({ucmp.readable_date(cons[k]['recorded_at'], with_time=False)})" if k in cons else "")
    for k in CONSENT_KINDS))

with st.sidebar.expander("Consent", expanded=not given["records"]):
    st.caption("What the client agrees to now (each change is kept with its date). Withdrawing the video consent "
               "deletes this client's stored videos.")
    new_consent = {}
    for k in CONSENT_KINDS:
        new_consent[k] = st.checkbox(CONSENT_LABEL[k], value=given[k], key=f"cons_{client['id']}_{k}")
        st.caption(f"“{CONSENT_TEXT[k]}”")
    if st.button("Save consent", key="save_consent"):
        for k, v in new_consent.items():
            if v != given[k]:
                rec.set_consent(client["id"], k, v, by=assessor)
        flash("Consent saved." + (" Stored videos deleted." if given["video"] and not new_consent["video"] else ""))
        st.rerun()

tab_new, tab_hist, tab_cmp, tab_fix, tab_rep = st.tabs(["New session", "History", "Compare", "Place landmarks",
                                                        "Reports and export"])
caps = rec.captures(client_id=client["id"])
labels = {c["id"]: ucmp.capture_label(c) for c in caps}
sessions = rec.sessions(client["id"])


def show_stored(capture_ids: list[int]) -> None:
    """The numbers of just-stored captures, with their key frames."""
    for cid in capture_ids:
        cap = rec.capture(cid, blobs=False)
        if cap is None:
            continue
        res = wf.results_of(cap)
        st.markdown(f"**{md_escape(labels.get(cid, cap['source_name']))}**")
        c1, c2 = st.columns([1, 2])
        with wf.FrameReader(rec, cid) as fr:
            key = fr.key if fr.key is not None else 0
            c1.image(fr.annotated(key), width="stretch")
        rows = metric_rows(res)
        warn = [third_person(c["reason"]) for c in res.get("checks") or [] if not c["passed"] and c.get("checked", True)
                and not c.get("blocking") and not c.get("consequence_of")]
        if rows and warn:
            c2.warning("Worth fixing next time: " + "; ".join(md_escape(w) for w in warn) + ".")
        if rows:
            c2.table(pd.DataFrame(rows), hide_index=True)
            if res.get("leg_note"):  # lying, the leg's name is the set-up's
                c2.caption(md_escape(sentence(res["leg_note"])))
        else:
            from analysis.gates import problems

            c2.error("Nothing was measured: " + " ".join(md_escape(p) for p in problems(res.get("checks") or [])
                                                         or ["no person was found"]))


# ---------------------------------------------------------------- new session
with tab_new:
    if not given["records"]:
        st.warning("This client has not given consent to store their assessments: record it under Consent (in the "
                   "sidebar) before storing a session.")
    else:
        with st.form("store_form", clear_on_submit=True):  # cleared after storing: nothing can be stored twice
            ups = st.file_uploader("Clips or photos of this session (three quick captures of the same test give this "
                                   "client's own noise)", accept_multiple_files=True, key="uploads")
            c1, c2 = st.columns(2)
            test = c1.selectbox("Protocol", PROTOCOLS, format_func=ucmp.protocol_name, key="protocol")
            session_label = c2.text_input("Session name (e.g. 'before treatment')", key="session_label")
            leg = c1.selectbox("Tested leg (hip extension, lunge, Thomas test, prone knee bend)",
                               list(LEG_CHOICES), key="tested_leg", format_func=LEG_CHOICES.get, help=LEG_HELP)
            keep_video = st.checkbox("Keep the videos in the records (needs the client's video consent)",
                                     key="keep_video", disabled=not given["video"])
            retest = st.checkbox("These are quick repeats of one test: store this client's own noise", key="retest")
            note = st.text_area("Session note", key="session_note")
            submitted = st.form_submit_button("Analyse and store", type="primary", key="store")
        if submitted:
            st.session_state.pop("flash", None)  # this action's outcome replaces the last one's
            if not ups:
                st.error("Choose at least one clip or photo, then press 'Analyse and store'.")
            else:
                names = unique_names([Path(u.name.replace("\\", "/")).name for u in ups])
                with st.spinner("Finding the body and measuring ..."), private_tempdir("posture-upload-") as tmp:
                    try:
                        paths = [save_upload(u, private_dir(tmp / str(i)) / safe_filename(u.name))
                                 for i, u in enumerate(ups)]  # each in its own folder: same names never collide
                        dupes = wf.stored_copies(rec, client["id"], paths, names)
                        if dupes:
                            flash("Not stored again: " + "; ".join(
                                f"{md_escape(n)} is already stored ({md_escape(ucmp.capture_label(c))})"
                                for n, c in dupes) + ".", "warning")
                        keep = [(p, n) for p, n in zip(paths, names) if n not in {d[0] for d in dupes}]
                        if keep:
                            sid, ids = wf.analyse_and_store(
                                rec, client["id"], [p for p, _ in keep], test=None if test == "standing" else test,
                                keep_video=keep_video and given["video"], assessor=assessor, label=session_label,
                                notes=[note] if note else [], display_names=[n for _, n in keep],
                                leg=leg if test in STATED_LEG_KINDS else None)
                            msg = f"Stored {len(ids)} capture(s) in a new session."
                            if retest and len(ids) >= 2:
                                wf.test_retest(rec, client["id"], ids)
                                msg += " This client's own noise was stored from the repeats."
                            st.session_state["stored"] = {"client": client["id"], "ids": ids}
                            flash(msg + (f" {st.session_state['flash'][1]}" if st.session_state.get("flash") else ""))
                        st.rerun()
                    except Exception as e:  # noqa: BLE001 - an input or consent problem, shown in a line
                        st.error(f"Could not analyse and store: {md_escape(e)}")
        stored = st.session_state.get("stored")
        if stored and stored["client"] == client["id"]:
            st.markdown("#### Just stored")
            show_stored(stored["ids"])

# ---------------------------------------------------------------- history
with tab_hist:
    if not sessions:
        st.info("No sessions yet: store one under 'New session'.")
    for s in reversed(sessions):
        st.markdown(f"**{ucmp.readable_date(s['started_at'])}** · assessor: {md_escape(one_line(s['assessor'])) or '-'}")
        if s["label"]:
            st.text(one_line(s["label"]))
        # st.table renders its cells as Markdown: typed text is escaped
        rows = [{"Capture": md_escape(one_line(c.get("title") or c["source_name"], 60)),
                 "File": md_escape(one_line(c["source_name"], 60)),
                 "Protocol": ucmp.protocol_name(c["protocol"]), "View": c["view"] or "–",
                 "Recorded": ucmp.readable_date(c["created_at"]),
                 "Landmarks": "placed by hand" if c["results_corrected"] else "automatic"}
                for c in caps if c["session_id"] == s["id"]]
        if rows:
            st.table(pd.DataFrame(rows), hide_index=True)
        for n in rec.notes(client["id"], s["id"]):
            st.text(n["text"])
    rel = {p: rec.reliability(client["id"], p) for p in sorted({c["protocol"] for c in caps})}
    for p, r in rel.items():
        if r:
            from analysis.comparison import decimals_for

            st.markdown(f"This client's own noise for **{ucmp.protocol_name(p)}** "
                        f"({ucmp.readable_date(r['created_at'], with_time=False)}):")
            st.table(pd.DataFrame([{"Measure": v["name"], "SEM": f"{v['sem']:.{decimals_for(v['sem'])}f}",
                                    "Smallest real change (MDC95)": f"{v['mdc']:.{decimals_for(v['sem'])}f}",
                                    "Unit": v["unit"]} for v in r["table_json"].values()]), hide_index=True)
    if caps:
        with st.expander("Rename a capture", icon=":material/edit:"):
            ren = st.selectbox("Capture", list(labels), format_func=labels.get, key="ren_capture")
            title = st.text_input("New name (e.g. 'before', 'after 6 weeks'; empty = its file name)", key="ren_title")
            if st.button("Rename", key="ren_go"):
                try:
                    rec.set_capture_title(ren, title)
                    flash(f"Renamed the capture to {md_escape(title.strip()) or 'its file name'}.")
                    st.rerun()
                except RecordsError as e:
                    st.error(md_escape(e))
    with st.expander("Delete records", icon=":material/delete:"):
        what = st.radio("Delete", ["a capture", "a session", "this client and everything stored about them"],
                        key="del_what")
        target = None
        if what == "a capture" and caps:
            target = st.selectbox("Capture", list(labels), format_func=labels.get, key="del_capture")
        elif what == "a session" and sessions:
            target = st.selectbox("Session", [s["id"] for s in sessions], key="del_session",
                                  format_func=lambda i: next(f"{ucmp.readable_date(s['started_at'])} "
                                                             f"{one_line(s['label'])}".strip()
                                                             for s in sessions if s["id"] == i))
        elif what.startswith("this client"):
            target = client["id"]
        sure = st.checkbox("Yes, delete it for good: this cannot be undone", key="del_confirm")
        if st.button("Delete", key="del_go", type="primary", disabled=target is None or not sure) and sure \
                and target is not None:
            if what == "a capture":
                done = f"Deleted the capture {md_escape(labels[target])}."
                rec.delete_capture(target)
            elif what == "a session":
                rec.delete_session(target)
                done = "Deleted the session with its captures."
            else:
                rec.delete_client(target)
                done = f"Deleted client {md_escape(code)} and everything stored about them."
                st.session_state.pop("client", None)
            st.session_state.pop("del_confirm", None)
            st.session_state.pop("stored", None)
            flash(done)
            st.rerun()

# ---------------------------------------------------------------- compare
with tab_cmp:
    if len(caps) < 2:
        st.info("Two captures are needed to compare.")
    else:
        ids = list(labels)
        same = [i for i, c in enumerate(caps) if i and (c["protocol"], c["view"]) == (caps[0]["protocol"], caps[0]["view"])]
        c1, c2 = st.columns(2)
        a = c1.selectbox("Before", ids, format_func=labels.get, index=0, key="cmp_before")
        b = c2.selectbox("After", ids, format_func=labels.get, index=same[-1] if same else len(ids) - 1,
                         key="cmp_after")
        comp = wf.compare_captures(rec, a, b)
        rows = pd.DataFrame(ucmp.table_rows(comp))
        colours = ucmp.verdict_colours(comp)
        styled = rows.style.apply(lambda col: [f"background-color: {c}" if c else "" for c in colours],
                                  subset=["Verdict"])
        st.table(styled, hide_index=True)  # every row, no scrolling
        for text in ucmp.caveats(comp):
            st.warning(text, icon=":material/info:")
        with st.expander("Where the 'smallest real change' comes from", icon=":material/help:"):
            st.markdown(ucmp.mdc_explanation(comp))
        with wf.FrameReader(rec, a) as ra, wf.FrameReader(rec, b) as rb:  # read in place, nothing copied
            times = ucmp.sync_times(comp, ra.seq.timestamps)
            if times:
                lo, hi = float(min(times)), float(max(times))
                start = float(np.clip(ra.seq.timestamps[ra.key], lo, hi)) if ra.key is not None else lo
                t = st.slider(f"Position in the 'before' clip, seconds (the 'after' clip follows, lined up on the "
                              f"{comp['sync']['basis']})", lo, max(hi, lo + 0.1), round(start, 1), 0.1,
                              format="%.1f s", key="cmp_pos")
                ia, ib = ucmp.pair_at(comp, times, t)
                corr_a = list(wf.latest_corrections(rec.corrections(a)).values())
                corr_b = list(wf.latest_corrections(rec.corrections(b)).values())
                pair = wf.side_by_side(wf.crop_box(ra.annotated(ia, corr_a), ra.person_box()),
                                       wf.crop_box(rb.annotated(ib, corr_b), rb.person_box()), 480,
                                       (f"before {ra.seq.timestamps[ia]:.1f} s", f"after {rb.seq.timestamps[ib]:.1f} s"))
                c1, c2 = st.columns([3, 2])
                c1.image(pair, width="stretch")
                c2.caption("Cut around the person. Skeleton, the red dashed plumb line through the ankle and the "
                           "magenta pelvis line: its angle to the horizontal is the pelvic tilt, marked by hand "
                           "(ASIS and PSIS) or estimated from the outline.")
                still = [x for x, r in (("before", ra), ("after", rb)) if not r.has_video]
                if still:
                    c2.caption(f"No video was kept of the {' and the '.join(still)} capture: its key frame picture "
                               "stands behind the skeleton of each moment.")
        if st.button("Make the side-by-side clip", key="cmp_video"):
            with private_tempdir("posture-compare-") as tmp:
                st.video(wf.write_comparison_video(rec, comp, tmp / "side_by_side.mp4").read_bytes())
        with private_tempdir("posture-compare-") as tmp:
            csv_bytes = wf.comparison_csv(comp, tmp / "comparison.csv").read_bytes()
        st.download_button("Comparison table (CSV)", csv_bytes, "comparison.csv", key="cmp_csv", on_click="ignore")

# ---------------------------------------------------------------- landmarks placed by hand
with tab_fix:
    if not caps:
        st.info("No captures yet.")
    else:
        cid = st.selectbox("Capture", list(labels), format_func=labels.get, key="fix_capture")
        pend_key, pos_key = f"fix_pending_{cid}", f"fix_pos_{cid}"
        pending: dict = st.session_state.setdefault(pend_key, {})
        with wf.FrameReader(rec, cid) as fr:
            marks = wf.correction_frames(fr.cap, fr.seq)
            n = len(fr.seq)
            if pos_key not in st.session_state:
                st.session_state[pos_key] = marks[0][1]
            left, right = st.columns([3, 2])
            with right:
                mode = st.radio("What to place", ["pelvis", "point"], key="fix_mode",
                                format_func={"pelvis": "The pelvis: ASIS, then PSIS (a measured tilt)",
                                             "point": "A body point the model misplaced"}.get)
                name = None
                if mode == "point":
                    choices = [c for c in wf.landmark_choices() if c not in wf.PELVIC_MARKS]
                    name = st.selectbox("Body point", choices, index=choices.index("right_hip"), key="fix_name",
                                        format_func=lambda c: c.replace("_", " "))
                save_box = st.container()
                jump = st.selectbox("Go to", [f for _, f in marks], key=f"fix_jump_{cid}",
                                    format_func=lambda f: next(lab for lab, g in marks if g == f)
                                    + f" (frame {f + 1} of {n})")
                if st.session_state.get(f"fix_jumped_{cid}") != jump:
                    st.session_state[f"fix_jumped_{cid}"] = jump
                    st.session_state[pos_key] = jump
                b1, b2 = st.columns(2)
                if b1.button("◀ Previous frame", key="fix_prev", width="stretch"):
                    st.session_state[pos_key] = max(0, st.session_state[pos_key] - 1)
                if b2.button("Next frame ▶", key="fix_next", width="stretch"):
                    st.session_state[pos_key] = min(n - 1, st.session_state[pos_key] + 1)
                pos = int(st.session_state[pos_key])
                st.caption(f"Frame {pos + 1} of {n}, {fr.seq.timestamps[pos]:.2f} s.")
                zoom = st.select_slider("Zoom", list(ul.ZOOMS), value=2, key="fix_zoom", format_func=lambda z: f"{z}×")
            stored = list(wf.latest_corrections(rec.corrections(cid)).values())
            w, h = (int(v) for v in fr.seq.image_size[pos])
            if mode == "pelvis":
                centre = ul.pelvis_centre(fr.seq.pixels[pos])
                todo = ul.next_mark(pending)
            else:
                from vision.landmarks import LANDMARK_NAMES

                centre = tuple(fr.seq.pixels[pos, LANDMARK_NAMES.index(name)])
                todo = name
            v = ul.view((w, h), centre, zoom)
            marks_now = stored + [dict(p, landmark=k) for k, p in pending.items()]
            if all(k in pending for k in wf.PELVIC_MARKS):  # both placed: the line, without the stored pair
                marks_now = [m for m in stored if m["landmark"] not in wf.PELVIC_MARKS] + \
                    [dict(p, landmark=k) for k, p in pending.items()]
            img = ul.draw_on_shown(ul.crop(fr.annotated(pos, None, plumb=False, pelvis=False), v, 900), marks_now, v,
                                   pos)
            with left:
                if todo in ul.PROMPTS:
                    head, text = ul.PROMPTS[todo]
                    st.markdown(f"**{head}**: {text}")
                elif todo:
                    st.markdown(f"**Click where the {todo.replace('_', ' ')} is** on this frame.")
                else:
                    st.markdown("**Both points are placed.** Save them, or press 'Clear' to place them again.")
                done_here = sorted({ul.NAMES.get(m["landmark"], m["landmark"]) for m in stored if int(m["frame"]) == pos})
                if done_here and not pending:
                    st.caption(f"Stored on this frame: {', '.join(done_here)}. Clicking places a point again "
                               "(the newest counts).")
                cw, ch = v.size
                click = sic.streamlit_image_coordinates(img, key=f"fix_click_{cid}", width=int(min(600, 420 * cw / ch)),
                                                        cursor="crosshair")
            if click and click.get("unix_time") != st.session_state.get("fix_last_click") and todo:
                st.session_state["fix_last_click"] = click.get("unix_time")
                x, y = ul.to_frame(click, v)
                pending[todo] = {"frame": pos, "x": x, "y": y}
                st.rerun()
            with save_box:
                ready = (mode == "pelvis" and ul.next_mark(pending) is None) or (mode == "point" and name in pending)
                what = "ASIS and PSIS" if mode == "pelvis" else (name or "").replace("_", " ")
                c1, c2 = st.columns(2)
                if c1.button(f"Save {what}", key="fix_save", type="primary", disabled=not ready, width="stretch"):
                    new = [{"frame": p["frame"], "landmark": k, "x": p["x"], "y": p["y"]} for k, p in pending.items()
                           if (mode == "pelvis" and k in wf.PELVIC_MARKS) or k == name]
                    res = wf.apply_corrections(rec, cid, new, author=assessor)
                    tilt = next((m for m in res.get("metrics") or [] if m["key"] == "pelvic_tilt"), None)
                    st.session_state[pend_key] = {}
                    flash(f"Saved {what} on frame {pos + 1}; the numbers were recomputed" + (
                        f": pelvic tilt {tilt['value']:.1f}° ({'measured, hand-marked' if tilt['kind'] == 'measurement' else 'estimate'})."
                        if tilt and tilt.get("value") is not None else "."))
                    st.rerun()
                if c2.button("Clear", key="fix_clear", disabled=not pending, width="stretch"):
                    st.session_state[pend_key] = {}
                    st.rerun()
            corr = rec.corrections(cid)
            if corr:
                st.markdown("**Placed by hand** (kept beside the model's points)")
                rows = ul.stored_rows(list(wf.latest_corrections(corr).values()), fr.seq.timestamps)
                st.table(pd.DataFrame(rows), hide_index=True)
                now = rec.capture(cid, blobs=False)
                rows = metric_rows(wf.results_of(now))
                if rows:
                    st.markdown("**The numbers with these points**")
                    st.table(pd.DataFrame(rows), hide_index=True)

# ---------------------------------------------------------------- reports and export
with tab_rep:
    from reports import comparison_report, session_report
    from reports.build import render_html, render_pdf

    st.markdown("#### Safety questions")
    sk = f"safety_{client['id']}"
    with st.form("safety_form"):
        st.caption("Ask the client before making a report; the answers go into the report's red-flag section "
                   "(they are not stored in the records).")
        answers = {}
        cols = st.columns(2)
        for i, q in enumerate(red_flag_questions()):
            answers[q["id"]] = cols[i % 2].radio(q["text"], ["no", "yes"], index=None, horizontal=True,
                                                 key=f"sq_{client['id']}_{q['id']}", format_func=str.capitalize)
        if st.form_submit_button("Use these answers", key="safety_go"):
            if any(v is None for v in answers.values()):
                st.error("Answer every safety question (or leave them all, and the report says they were not asked).")
            else:
                st.session_state[sk] = intake_from_answers(answers)
    intake = st.session_state.get(sk)
    if intake is None:
        st.caption("Not asked yet: reports say the safety questions were not asked.")
    else:
        from analysis.red_flags import screen

        scr = screen(intake)
        (st.error if scr["stop_advice"] else st.success)(scr["message"])

    def deferred(make, fmt: str):
        """The report made only when its button is pressed (nothing made or kept before)."""
        def build() -> bytes:
            rep = make()
            return render_pdf(rep) if fmt == "pdf" else render_html(rep).encode("utf-8")
        return build

    st.markdown("#### Reports")
    if sessions:
        sid = st.selectbox("Session", [s["id"] for s in sessions][::-1], key="rep_session",
                           format_func=lambda i: next(f"{ucmp.readable_date(s['started_at'])} {one_line(s['label'])}"
                                                      .strip() for s in sessions if s["id"] == i))
        c1, c2 = st.columns(2)
        c1.download_button("Session report (PDF)", deferred(lambda: session_report(rec, sid, intake), "pdf"),
                           f"session_{sid}.pdf", mime="application/pdf", key="rep_pdf", on_click="ignore",
                           type="primary", icon=":material/picture_as_pdf:", width="stretch")
        c2.download_button("Session report (HTML)", deferred(lambda: session_report(rec, sid, intake), "html"),
                           f"session_{sid}.html", mime="text/html", key="rep_html", on_click="ignore", width="stretch")
    if len(caps) >= 2:
        a, b = st.session_state.get("cmp_before", caps[0]["id"]), st.session_state.get("cmp_after", caps[-1]["id"])
        st.caption(f"Comparison: {md_escape(labels.get(a, a))} → {md_escape(labels.get(b, b))} (chosen under Compare).")
        c1, c2 = st.columns(2)
        c1.download_button("Comparison report (PDF)",
                           deferred(lambda: comparison_report(rec, a, b, assessor, intake), "pdf"), "comparison.pdf",
                           mime="application/pdf", key="cmp_pdf", on_click="ignore", type="primary",
                           icon=":material/picture_as_pdf:", width="stretch")
        c2.download_button("Comparison report (HTML)",
                           deferred(lambda: comparison_report(rec, a, b, assessor, intake), "html"), "comparison.html",
                           mime="text/html", key="cmp_html", on_click="ignore", width="stretch")
    st.markdown("#### Export")
    st.download_button("Everything about this client (JSON)",
                       json.dumps(rec.export(client["id"]), indent=2, default=str).encode(),
                       f"{safe_filename(code)}.json", key="exp_json", on_click="ignore")
    base = Path(loc).expanduser().parent if "://" not in loc else Path.home() / ".posture"  # the data folder
    if st.button("Export folder (JSON, metrics CSV, tracks; readable by you only)", key="exp_dir"):
        dest = wf.export_folder(private_dir(base), code, client["id"])
        files = wf.export_client(rec, client["id"], dest)
        st.success(f"Wrote {len(files)} files to {md_escape(dest)}.")
