"""The posture assessor's page (``streamlit run app.py``). Thin: widgets and layout only; every decision
and every sentence shown comes from :mod:`ui`, the analysis from :mod:`vision` and :mod:`analysis`.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from ui import results as ur
from ui.analyse import Result, ResultCache, analyse_path, analyse_upload, sha256_bytes
from vision.errors import InputError
from vision.sources import file_sha256

log = logging.getLogger("posture.app")


@st.cache_resource
def result_cache() -> ResultCache:
    return ResultCache(max_entries=4)


def run(key: tuple, analyse) -> Result | None:
    """Analyse once per file (by content hash), with a progress bar; None after showing an error."""
    cache = result_cache()
    result = cache.get(key)
    if result is not None:
        return result
    bar = st.progress(0.0, text="Opening the file ...")
    try:
        result = analyse(ur.ProgressReporter(lambda frac, text: bar.progress(frac, text=text)))
    except InputError as e:
        bar.empty()
        st.error(str(e))
        return None
    except Exception as e:  # not expected: say so plainly, keep the traceback for the server log
        log.exception("analysis failed")
        bar.empty()
        st.error(f"The analysis failed unexpectedly ({type(e).__name__}: {e}). Try another file, and please "
                 "report this with the server log.")
        return None
    bar.empty()
    cache.put(key, result)
    return result


def show(result: Result) -> None:
    st.subheader(f"Result: {result.name}")
    for problem in result.problems:
        st.warning(problem)
    if not result.problems:
        st.success(ur.NO_PROBLEMS)

    left, right = st.columns([1, 1])
    with left:
        if result.key_frame is not None:
            st.image(result.key_frame, caption=ur.key_frame_caption(result.summary, result.key_index, result.key_time),
                     width="stretch")
    with right:
        rows = ur.summary_rows(result.summary)
        st.table(pd.DataFrame({"Value": [v for _, v in rows]}, index=[k for k, _ in rows]))
    if result.kind == "video" and result.annotated:
        clip, _ = st.columns([1, 1])
        clip.markdown("**The whole clip with the landmarks drawn on**")
        clip.video(result.annotated, format="video/mp4")
    st.caption("This first version tracks the body's joints and checks the recording; posture measurements "
               "(trunk, hip and knee angles, pelvic tilt estimate) come next.")

    st.markdown("**Download** (made from the analysis held in memory; nothing was kept on disk)")
    cols = st.columns(4)
    cols[0].download_button("Summary (JSON)", result.summary_json, ur.download_name(result.stem, "summary"),
                            mime="application/json", on_click="ignore")
    cols[1].download_button("Landmarks (CSV)", result.csv_bytes, ur.download_name(result.stem, "csv"),
                            mime="text/csv", on_click="ignore")
    cols[2].download_button("Track (.pose.npz)", result.track_npz, ur.download_name(result.stem, "track"),
                            mime="application/octet-stream", on_click="ignore")
    if result.annotated:
        photo = result.kind == "photo"
        cols[3].download_button("Annotated " + ("photo" if photo else "video"), result.annotated,
                                ur.download_name(result.stem, "annotated_photo" if photo else "annotated_video"),
                                mime="image/png" if photo else "video/mp4", on_click="ignore")


def main() -> None:
    st.set_page_config(page_title=ur.TITLE, layout="wide")
    st.title(ur.TITLE)
    st.write(ur.INTRO)
    st.caption(ur.PRIVACY)
    uploaded = st.file_uploader("Video or photo of one person, whole body in view", type=list(ur.UPLOAD_TYPES),
                                help=ur.UPLOAD_HELP)
    if uploaded is not None:
        problem = ur.upload_problem(uploaded.name, uploaded.size, ur.MAX_UPLOAD_MB)
        if problem:
            st.error(problem)
            return
        data = uploaded.getvalue()
        result = run(("upload", sha256_bytes(data), uploaded.name),
                     lambda progress: analyse_upload(uploaded.name, data, progress=progress))
    else:
        sample = ur.sample_path()
        if not sample.is_file():
            st.info(ur.sample_missing_message(sample))
            return
        st.info(ur.sample_note(sample))
        result = run(("sample", file_sha256(sample), str(sample)), lambda progress: analyse_path(sample, progress=progress))
    if result is not None:
        show(result)


main()
