"""The fonts embedded in the PDF reports, so names print in any script.

ReportLab's built-in Helvetica has Latin-1 only: Chinese, Greek or Cyrillic names came out as black boxes.
The reports embed (as subsets) DejaVu Sans for Latin, Greek, Cyrillic and many symbols (also the emoticon
faces), and WenQuanYi Zen Hei for Chinese, Japanese and Korean; both are free fonts from Debian packages
(``fonts-dejavu-core``, ``fonts-wqy-zenhei``) that the README's set-up commands install. Each character is
set in the first of the two fonts that has it; a character neither has (most emoji) prints as the visible
replacement mark U+FFFD instead of an empty box. A missing font stops the report with a message that names
the package to install.
"""

from __future__ import annotations

import html
import os
import unicodedata
from pathlib import Path

from records.errors import RecordsError

REGULAR, BOLD, CJK = "DejaVuSans", "DejaVuSans-Bold", "WenQuanYiZenHei"
FILES = {REGULAR: ("DejaVuSans.ttf", "fonts-dejavu-core"), BOLD: ("DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
         CJK: ("wqy-zenhei.ttc", "fonts-wqy-zenhei")}
SEARCH = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/wqy", "/usr/share/fonts",
          "/usr/local/share/fonts", "~/.local/share/fonts")
ENV_DIR = "POSTURE_FONT_DIR"  # a folder holding the font files, searched first (systems without the packages)
REPLACEMENT = "\ufffd"


class ReportError(RecordsError):
    """A report cannot be made (the message says why and what to do)."""


class FontMissing(ReportError):
    """A font the reports embed is not installed."""


_cmaps: dict[str, set[int]] = {}


def find(file_name: str) -> Path | None:
    """The path of a font file in ``$POSTURE_FONT_DIR`` or the usual font folders, or None."""
    dirs = ([os.environ[ENV_DIR]] if os.environ.get(ENV_DIR) else []) + list(SEARCH)
    for d in dirs:
        d = Path(d).expanduser()
        if (d / file_name).is_file():
            return d / file_name
        if d.is_dir() and d.name == "fonts":  # the top folders: one level of subfolders (as Debian lays them out)
            for p in sorted(d.glob(f"*/{file_name}")):
                return p
    return None


def register() -> None:
    """Register the report fonts with ReportLab (once); :class:`FontMissing` names the package to install."""
    if _cmaps:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    missing = [(f, pkg) for name, (f, pkg) in FILES.items() if find(f) is None]
    if missing:
        pkgs = " ".join(sorted({pkg for _, pkg in missing}))
        raise FontMissing(f"the report fonts {', '.join(f for f, _ in missing)} are not installed: install them "
                          f"(sudo apt-get install -y {pkgs}) or put the files in a folder named by ${ENV_DIR}")
    cmaps = {}
    for name, (f, _) in FILES.items():
        font = TTFont(name, str(find(f)), **({"subfontIndex": 0} if f.endswith(".ttc") else {}))
        pdfmetrics.registerFont(font)
        cmaps[name] = set(font.face.charToGlyph)
    for bold, italic, name in ((0, 0, REGULAR), (0, 1, REGULAR), (1, 0, BOLD), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, name)
    _cmaps.update(cmaps)


def markup(text: str) -> str:
    """``text`` as escaped ReportLab paragraph markup, each run of characters in a font that has them
    (DejaVu Sans, else WenQuanYi Zen Hei, else the replacement mark)."""
    register()
    both = _cmaps[REGULAR] & _cmaps[BOLD]
    out, run, run_font = [], [], None

    def flush():
        if run:
            s = html.escape("".join(run), quote=False)
            out.append(s if run_font is None else f'<font name="{run_font}">{s}</font>')
            run.clear()

    for ch in str(text):
        o = ord(ch)
        if o in both or ch.isspace():
            font = None
        elif o in _cmaps[REGULAR]:
            font = REGULAR  # not in the bold face: the regular one, also inside bold text
        elif o in _cmaps[CJK]:
            font = CJK
        elif unicodedata.category(ch) in ("Mn", "Cf"):
            continue  # an emoji's variation selector or joiner, a combining mark no font has: left out
        else:
            ch, font = REPLACEMENT, None
        if font != run_font:
            flush()
            run_font = font
        run.append(ch)
    flush()
    return "".join(out)


def css_font_faces(text: str) -> str:
    """CSS ``@font-face`` rules that embed, as base64 TrueType, subsets of the report fonts holding just the
    characters of ``text``, for the families ``Report Sans`` (regular and bold) and ``Report Sans CJK``: the
    HTML report then shows every name the same on any computer, with no font fetched from anywhere.
    Characters neither font has are left to the reader's own fonts."""
    import base64
    import io

    import logging

    from fontTools import subset

    register()
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset": a font-editor table, dropped
    wanted = {ord(ch) for ch in text}
    rules = []
    for family, weight, name in (("Report Sans", 400, REGULAR), ("Report Sans", 700, BOLD),
                                 ("Report Sans CJK", 400, CJK)):
        chars = wanted & _cmaps[name]
        if not chars:
            continue
        opts = subset.Options()
        opts.notdef_outline, opts.font_number = True, 0  # the first face of a .ttc
        font = subset.load_font(str(find(FILES[name][0])), opts)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=chars)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        data = base64.b64encode(buf.getvalue()).decode()
        rules.append(f"@font-face{{font-family:'{family}';font-weight:{weight};"
                     f"src:url(data:font/ttf;base64,{data}) format('truetype')}}")
    return "\n".join(rules)
