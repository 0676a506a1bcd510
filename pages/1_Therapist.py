"""Therapist: clients, consent, sessions, before-and-after comparison, manual landmarks, reports, deletion. Thin:
the logic is in :mod:`records.workflow`, :mod:`records.store`, :mod:`analysis.comparison` and :mod:`reports`.

Text a person typed (names, codes, labels, notes, file names) is shown with ``st.text`` or escaped
(:func:`privacy.text.md_escape`), never rendered as Markdown. Uploads, reports and clips exist on disk only in a
private temporary folder while they are made, and are deleted afterwards.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from privacy.files import private_dir, private_tempdir, private_umask
from privacy.text import md_escape, one_line, unique_names
from records import workflow as wf
from records.db import default_location
from records.errors import RecordsError
from records.store import CONSENT_KINDS, CONSENT_TEXT, Records
from ui.analyse import save_upload
from ui.results import safe_filename

private_umask()
st.set_page_config(page_title="Therapist - posture records", layout="wide")
st.title("Therapist: client records and before-and-after")

loc = st.sidebar.text_input("Records database (a file in your data folder, or a postgresql:// URL)",
                            value=st.session_state.get("db", default_location()), key="db")
assessor = st.sidebar.text_input("Assessor", key="assessor")
CONSENT_LABEL = {"records": "Store assessments", "video": "Keep videos and photos", "report_sharing": "Share reports"}


@st.cache_resource
def _records(location: str) -> Records:
    return Records(location)


try:
    rec = _records(loc)
except RecordsError as e:
    st.error(f"The records database cannot be opened: {md_escape(e)}")
    st.stop()

if "flash" in st.session_state:  # the outcome of an action that reran the page
    st.success(st.session_state.pop("flash"))

# ---------------------------------------------------------------- client
clients = rec.clients()
codes = [c["code"] for c in clients]
with st.sidebar.expander("New client", expanded=not codes):
    new_code = st.text_input("Code (short id: letters, digits, '-', '_', '.')", key="new_code")
    new_name = st.text_input("Name", key="new_name")
    st.caption("Read the consent texts to the client; tick what they agree to.")
    consent = {k: st.checkbox(f"{CONSENT_LABEL[k]}: \"{CONSENT_TEXT[k]}\"", key=f"consent_{k}") for k in CONSENT_KINDS}
    if st.button("Add client", key="add_client") and new_code:
        try:
            cid = rec.add_client(new_code, new_name)
            for k, v in consent.items():
                if v:
                    rec.set_consent(cid, k, True, by=assessor)
            st.session_state["flash"] = f"Added {md_escape(new_code.strip())}."
            st.rerun()
        except RecordsError as e:
            st.error(f"Could not add the client: {md_escape(e)}")
if not codes:
    st.info("Add a client to start.")
    st.stop()
code = st.sidebar.selectbox("Client", codes, key="client")
client = rec.client(code)
cons = rec.consents(client["id"])
given = {k: bool(cons.get(k, {}).get("given")) for k in CONSENT_KINDS}
st.text(f"{one_line(client['name'])} ({client['code']})")
st.caption("Consent: " + ", ".join(f"{k} {'yes' if v['given'] else 'no'}" for k, v in cons.items()) if cons
           else "Consent: none recorded")

with st.sidebar.expander("Consent", expanded=not given["records"]):
    st.caption("What the client agrees to now (each change is kept with its date). Withdrawing the video consent "
               "deletes this client's stored videos.")
    new_consent = {k: st.checkbox(f"{CONSENT_LABEL[k]}: \"{CONSENT_TEXT[k]}\"", value=given[k],
                                  key=f"cons_{client['id']}_{k}") for k in CONSENT_KINDS}
    if st.button("Save consent", key="save_consent"):
        for k, v in new_consent.items():
            if v != given[k]:
                rec.set_consent(client["id"], k, v, by=assessor)
        st.session_state["flash"] = "Consent saved." + (" Stored videos deleted." if given["video"] and
                                                        not new_consent["video"] else "")
        st.rerun()

tab_new, tab_hist, tab_cmp, tab_fix, tab_rep = st.tabs(["New session", "History", "Compare", "Correct landmarks",
                                                        "Reports and export"])

# ---------------------------------------------------------------- new session
with tab_new:
    if not given["records"]:
        st.warning("This client has not given consent to store their assessments: record it under Consent (in the "
                   "sidebar) before storing a session.")
    ups = st.file_uploader("Clips or photos (three quick captures of the same test give this client's own noise)",
                           accept_multiple_files=True, key="uploads")
    test = st.selectbox("Protocol", ["standing"] + list(__import__("analysis.movement", fromlist=["KINDS"]).KINDS),
                        key="protocol")
    keep_video = st.checkbox("Keep the videos in the records (needs the client's video consent)", key="keep_video",
                             disabled=not given["video"])
    retest = st.checkbox("These are quick repeats: store test-retest noise", key="retest")
    note = st.text_area("Session note", key="session_note")
    if st.button("Analyse and store", key="store", disabled=not ups or not given["records"]):
        names = unique_names([Path(u.name.replace("\\", "/")).name for u in ups])  # same-name uploads stay apart
        with st.spinner("Tracking and measuring..."), private_tempdir("posture-upload-") as tmp:
            try:
                paths = []
                for i, u in enumerate(ups):  # each upload in its own folder: two files of one name never collide
                    paths.append(save_upload(u, private_dir(tmp / str(i)) / safe_filename(u.name)))
                sid, ids = wf.analyse_and_store(rec, client["id"], paths, test=None if test == "standing" else test,
                                                keep_video=keep_video and given["video"], assessor=assessor,
                                                notes=[note] if note else [], display_names=names)
                st.success(f"Stored session {sid}: captures {ids}.")
                if retest and len(ids) >= 2:
                    table = wf.test_retest(rec, client["id"], ids)
                    st.dataframe([{"metric": v["name"], "SEM": v["sem"], "MDC95": v["mdc"], "unit": v["unit"]}
                                  for v in table.values()])
            except Exception as e:  # noqa: BLE001 - an input or consent problem, shown in a line
                st.error(f"Could not analyse and store: {md_escape(e)}")

# ---------------------------------------------------------------- history
caps = rec.captures(client_id=client["id"])
labels = {c["id"]: f"#{c['id']} {c['created_at'][:16]} {c['protocol']} {c['view'] or ''} {one_line(c['source_name'], 80)}"
          for c in caps}
sessions = rec.sessions(client["id"])
with tab_hist:
    for s in sessions:
        st.markdown(f"**Session {s['id']}** {s['started_at']}")
        st.text(f"{one_line(s['label'])} - assessor {one_line(s['assessor']) or '-'}")
        for k in [c for c in caps if c["session_id"] == s["id"]]:
            st.text(labels[k["id"]] + (" (corrected landmarks)" if k["results_corrected"] else ""))
        for n in rec.notes(client["id"], s["id"]):
            st.text(n["text"])
    rel = {p: rec.reliability(client["id"], p) for p in sorted({c["protocol"] for c in caps})}
    for p, r in rel.items():
        if r:
            st.markdown(f"Test-retest noise for **{md_escape(p)}** ({r['created_at'][:10]}):")
            st.dataframe([{"metric": v["name"], "SEM": v["sem"], "MDC95": v["mdc"], "unit": v["unit"]}
                          for v in r["table_json"].values()])
    with st.expander("Delete records"):
        what = st.radio("Delete", ["a capture", "a session", "this client and everything stored about them"],
                        key="del_what")
        target = None
        if what == "a capture" and caps:
            target = st.selectbox("Capture", list(labels), format_func=labels.get, key="del_capture")
        elif what == "a session" and sessions:
            target = st.selectbox("Session", [s["id"] for s in sessions], key="del_session",
                                  format_func=lambda i: f"Session {i}")
        elif what.startswith("this client"):
            target = client["id"]
        sure = st.checkbox("Yes, delete it for good: this cannot be undone", key="del_confirm")
        if st.button("Delete", key="del_go", type="primary", disabled=target is None or not sure) and sure \
                and target is not None:
            if what == "a capture":
                rec.delete_capture(target)
                done = f"Deleted capture {target}."
            elif what == "a session":
                rec.delete_session(target)
                done = f"Deleted session {target} with its captures."
            else:
                rec.delete_client(target)
                done = f"Deleted client {md_escape(code)} and everything stored about them."
                st.session_state.pop("client", None)
            st.session_state.pop("del_confirm", None)
            st.session_state["flash"] = done
            st.rerun()

# ---------------------------------------------------------------- compare
with tab_cmp:
    if len(caps) < 2:
        st.info("Two captures are needed to compare.")
    else:
        ids = list(labels)
        a = st.selectbox("Before", ids, format_func=labels.get, index=0, key="cmp_before")
        b = st.selectbox("After", ids, format_func=labels.get, index=len(ids) - 1, key="cmp_after")
        comp = wf.compare_captures(rec, a, b)
        if not comp["comparable"]:
            st.warning("Not comparable: " + "; ".join(comp["reasons"]) + ". No change is judged.")
        st.dataframe([{"measure": r["name"], "unit": r["unit"], "before": r["before"], "after": r["after"],
                       "change": r["change"], "MDC": r["mdc"], "noise from": r["noise_source"], "verdict": r["verdict"]}
                      for r in comp["rows"]], key="cmp_table")
        pairs = comp["sync"]["pairs"]
        i = st.slider(f"Synchronised on the {comp['sync']['basis']}", 0, max(0, len(pairs) - 1), 0, key="cmp_pos")
        if pairs:
            with wf.FrameReader(rec, a) as ra, wf.FrameReader(rec, b) as rb:  # read in place, nothing copied
                st.image(wf.side_by_side(ra.annotated(pairs[i][0]), rb.annotated(pairs[i][1])))
        if st.button("Make the side-by-side clip", key="cmp_video"):
            with private_tempdir("posture-compare-") as tmp:
                st.video(wf.write_comparison_video(rec, comp, tmp / "side_by_side.mp4").read_bytes())
        with private_tempdir("posture-compare-") as tmp:
            csv_bytes = wf.comparison_csv(comp, tmp / "comparison.csv").read_bytes()
        st.download_button("Comparison CSV", csv_bytes, "comparison.csv", key="cmp_csv")

# ---------------------------------------------------------------- manual landmarks
with tab_fix:
    if not caps:
        st.info("No captures yet.")
    else:
        cid = st.selectbox("Capture", list(labels), format_func=labels.get, key="fix_capture")
        with wf.FrameReader(rec, cid) as fr:
            pos = int(fr.key if fr.key is not None else 0)
            corr = list(wf.latest_corrections(rec.corrections(cid)).values())
            name = st.selectbox("Landmark to place (ASIS/PSIS: mark the pelvis for a measured tilt)",
                                wf.landmark_choices(), index=wf.landmark_choices().index("right_hip"), key="fix_name")
            from vision.landmarks import LANDMARK_NAMES

            w, h = (int(v) for v in fr.seq.image_size[pos])
            auto = fr.seq.pixels[pos, LANDMARK_NAMES.index(name)] if name in LANDMARK_NAMES else (w / 2, h / 2)
            prev = next((c for c in corr if c["landmark"] == name and int(c["frame"]) == pos), None)
            x0 = float(prev["x"]) if prev else float(auto[0]) if auto[0] == auto[0] else w / 2
            y0 = float(prev["y"]) if prev else float(auto[1]) if auto[1] == auto[1] else h / 2
            x = st.slider("x (pixels)", 0.0, float(w), x0, 1.0, key=f"fix_x_{cid}_{name}")
            y = st.slider("y (pixels)", 0.0, float(h), y0, 1.0, key=f"fix_y_{cid}_{name}")
            preview = corr + [{"frame": pos, "landmark": name, "x": x, "y": y}]
            st.image(fr.annotated(pos, preview), caption=f"Key frame {pos}: automatic skeleton, your marks as crosses")
        if st.button("Save this landmark", key="fix_save"):
            res = wf.apply_corrections(rec, cid, [{"frame": pos, "landmark": name, "x": x, "y": y}], author=assessor)
            st.success("Stored beside the automatic landmark; the metrics were recomputed.")
            st.dataframe([{"measure": m["name"], "value": m["value"], "unit": m["unit"], "kind": m["kind"]}
                          for m in res.get("metrics", [])])
        if corr:
            st.caption("Stored corrections: " + ", ".join(f"{c['landmark']} ({c['x']:.0f}, {c['y']:.0f})" for c in corr))

# ---------------------------------------------------------------- reports and export
with tab_rep:
    from reports import comparison_report, session_report, write_html, write_pdf

    def offer_report(rep: dict, stem: str, key: str) -> None:
        """PDF and HTML made in a private temporary folder, offered from memory; the folder is deleted."""
        try:
            with private_tempdir("posture-report-") as tmp:
                pdf = write_pdf(rep, tmp / "report.pdf").read_bytes()
                page = write_html(rep, tmp / "report.html").read_bytes()
        except RecordsError as e:
            st.error(f"No report: {md_escape(e)}")
            return
        st.download_button("PDF", pdf, f"{stem}.pdf", key=f"{key}_pdf")
        st.download_button("HTML", page, f"{stem}.html", key=f"{key}_html")

    if sessions:
        sid = st.selectbox("Session", [s["id"] for s in sessions], key="rep_session")
        if st.button("Session report", key="rep_make"):
            offer_report(session_report(rec, sid), f"session_{sid}", "rep")
    if len(caps) >= 2 and st.button("Comparison report (the two captures chosen under Compare)", key="rep_cmp"):
        offer_report(comparison_report(rec, st.session_state["cmp_before"], st.session_state["cmp_after"], assessor),
                     "comparison", "cmp")
    st.download_button("Everything about this client (JSON)",
                       json.dumps(rec.export(client["id"]), indent=2, default=str).encode(),
                       f"{safe_filename(code)}.json", key="exp_json")
    base = Path(loc).expanduser().parent if "://" not in loc else Path.home() / ".posture"  # the data folder
    if st.button("Export folder (JSON, metrics CSV, tracks; readable by you only)", key="exp_dir"):
        dest = wf.export_folder(private_dir(base), code, client["id"])
        files = wf.export_client(rec, client["id"], dest)
        st.success(f"Wrote {len(files)} files to {md_escape(dest)}.")
