"""Therapist: clients, sessions, before-and-after comparison, manual landmarks, reports. Thin: the logic is in
:mod:`records.workflow`, :mod:`records.store`, :mod:`analysis.comparison` and :mod:`reports`."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import streamlit as st

from records import workflow as wf
from records.db import default_location
from records.store import CONSENT_KINDS, Records

st.set_page_config(page_title="Therapist - posture records", layout="wide")
st.title("Therapist: client records and before-and-after")

loc = st.sidebar.text_input("Records database (a file in your data folder, or a postgresql:// URL)",
                            value=st.session_state.get("db", default_location()), key="db")
assessor = st.sidebar.text_input("Assessor", key="assessor")


@st.cache_resource
def _records(location: str) -> Records:
    return Records(location)


try:
    rec = _records(loc)
except Exception as e:  # noqa: BLE001 - shown to the user, nothing else to do here
    st.error(f"The records database cannot be opened: {e}")
    st.stop()

# ---------------------------------------------------------------- client
clients = rec.clients()
codes = [c["code"] for c in clients]
with st.sidebar.expander("New client", expanded=not codes):
    new_code = st.text_input("Code (short id)", key="new_code")
    new_name = st.text_input("Name", key="new_name")
    consent = {k: st.checkbox(f"Consent: {k.replace('_', ' ')}", key=f"consent_{k}") for k in CONSENT_KINDS}
    if st.button("Add client", key="add_client") and new_code:
        try:
            cid = rec.add_client(new_code, new_name)
            for k, v in consent.items():
                rec.set_consent(cid, k, v, by=assessor)
            st.success(f"Added {new_code}.")
            st.rerun()
        except Exception as e:  # noqa: BLE001
            st.error(f"Could not add the client: {e}")
if not codes:
    st.info("Add a client to start.")
    st.stop()
code = st.sidebar.selectbox("Client", codes, key="client")
client = rec.client(code)
cons = rec.consents(client["id"])
st.caption(f"{client['name']} ({client['code']}) - consent: " + (", ".join(
    f"{k} {'yes' if v['given'] else 'no'}" for k, v in cons.items()) or "none recorded"))

tab_new, tab_hist, tab_cmp, tab_fix, tab_rep = st.tabs(["New session", "History", "Compare", "Correct landmarks",
                                                        "Reports and export"])

# ---------------------------------------------------------------- new session
with tab_new:
    ups = st.file_uploader("Clips or photos (three quick captures of the same test give this client's own noise)",
                           accept_multiple_files=True, key="uploads")
    test = st.selectbox("Protocol", ["standing"] + list(__import__("analysis.movement", fromlist=["KINDS"]).KINDS),
                        key="protocol")
    keep_video = st.checkbox("Keep the videos in the records (needs the client's video consent)", key="keep_video",
                             disabled=not cons.get("video", {}).get("given"))
    retest = st.checkbox("These are quick repeats: store test-retest noise", key="retest")
    note = st.text_area("Session note", key="session_note")
    if st.button("Analyse and store", key="store", disabled=not ups):
        tmp = Path(tempfile.mkdtemp(prefix="posture-up-"))
        paths = []
        for u in ups:
            p = tmp / Path(u.name).name
            p.write_bytes(u.getvalue())
            paths.append(p)
        with st.spinner("Tracking and measuring..."):
            try:
                sid, ids = wf.analyse_and_store(rec, client["id"], paths, test=None if test == "standing" else test,
                                                keep_video=keep_video, assessor=assessor, notes=[note] if note else [],
                                                display_names=[u.name for u in ups])
                st.success(f"Stored session {sid}: captures {ids}.")
                if retest and len(ids) >= 2:
                    table = wf.test_retest(rec, client["id"], ids)
                    st.dataframe([{"metric": v["name"], "SEM": v["sem"], "MDC95": v["mdc"], "unit": v["unit"]}
                                  for v in table.values()])
            except Exception as e:  # noqa: BLE001
                st.error(f"Could not analyse: {e}")

# ---------------------------------------------------------------- history
caps = rec.captures(client_id=client["id"])
labels = {c["id"]: f"#{c['id']} {c['created_at'][:16]} {c['protocol']} {c['view'] or ''} {c['source_name']}" for c in caps}
with tab_hist:
    for s in rec.sessions(client["id"]):
        st.markdown(f"**Session {s['id']}** {s['started_at']} {s['label']} - assessor {s['assessor'] or '-'}")
        for k in [c for c in caps if c["session_id"] == s["id"]]:
            st.write(f"{labels[k['id']]}" + (" (corrected landmarks)" if k["results_corrected"] else ""))
        for n in rec.notes(client["id"], s["id"]):
            st.caption(n["text"])
    rel = {p: rec.reliability(client["id"], p) for p in sorted({c["protocol"] for c in caps})}
    for p, r in rel.items():
        if r:
            st.markdown(f"Test-retest noise for **{p}** ({r['created_at'][:10]}):")
            st.dataframe([{"metric": v["name"], "SEM": v["sem"], "MDC95": v["mdc"], "unit": v["unit"]}
                          for v in r["table_json"].values()])

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
            ra, rb = wf.FrameReader(rec, a), wf.FrameReader(rec, b)
            st.image(wf.side_by_side(ra.annotated(pairs[i][0]), rb.annotated(pairs[i][1])))
        if st.button("Make the side-by-side clip", key="cmp_video"):
            out = Path(tempfile.mkdtemp()) / "side_by_side.mp4"
            st.video(str(wf.write_comparison_video(rec, comp, out)))
        st.download_button("Comparison CSV", Path(wf.comparison_csv(comp, Path(tempfile.mkdtemp()) / "c.csv")).read_bytes(),
                           "comparison.csv", key="cmp_csv")

# ---------------------------------------------------------------- manual landmarks
with tab_fix:
    if not caps:
        st.info("No captures yet.")
    else:
        cid = st.selectbox("Capture", list(labels), format_func=labels.get, key="fix_capture")
        fr = wf.FrameReader(rec, cid)
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

    sess = rec.sessions(client["id"])
    if sess:
        sid = st.selectbox("Session", [s["id"] for s in sess], key="rep_session")
        if st.button("Session report", key="rep_make"):
            d = Path(tempfile.mkdtemp())
            rep = session_report(rec, sid)
            st.download_button("PDF", write_pdf(rep, d / "session.pdf").read_bytes(), f"session_{sid}.pdf",
                               key="rep_pdf")
            st.download_button("HTML", write_html(rep, d / "session.html").read_bytes(), f"session_{sid}.html",
                               key="rep_html")
    if len(caps) >= 2 and st.button("Comparison report (the two captures chosen under Compare)", key="rep_cmp"):
        d = Path(tempfile.mkdtemp())
        rep = comparison_report(rec, st.session_state["cmp_before"], st.session_state["cmp_after"], assessor)
        st.download_button("PDF", write_pdf(rep, d / "comparison.pdf").read_bytes(), "comparison.pdf", key="cmp_pdf")
        st.download_button("HTML", write_html(rep, d / "comparison.html").read_bytes(), "comparison.html",
                           key="cmp_html")
    st.download_button("Everything about this client (JSON)",
                       json.dumps(rec.export(client["id"]), indent=2, default=str).encode(), f"{code}.json",
                       key="exp_json")
    if st.button("Export folder (JSON, metrics CSV, tracks)", key="exp_dir"):
        dest = Path(loc).expanduser().parent / f"export_{code}" if "://" not in loc else Path(tempfile.mkdtemp())
        files = wf.export_client(rec, client["id"], dest)
        st.success(f"Wrote {len(files)} files to {dest}.")
