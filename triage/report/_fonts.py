"""A font that draws Chinese in charts: located once, registered once, used per figure.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs: a chart label
such as ``产品问题`` comes out as empty boxes ("tofu") with a "Glyph … missing
from font" warning. :func:`find_cjk_font` finds a font that has the glyphs, in
this order:

1. the file named by ``$TRIAGE_CJK_FONT`` (when set, it must exist and cover Chinese);
2. an installed system font that matplotlib knows and that covers the probe
   characters (simplified and traditional);
3. Noto Sans CJK SC shipped inside the ``mplfonts`` package (the ``report``
   extra), located by path: mplfonts' own installer, which writes into
   matplotlib's directory, is never called;
4. otherwise :class:`~triage.exceptions.MissingDependencyError` with the pip line.

:func:`chart_rc` registers the font with matplotlib's font manager (once per
process) and returns rc settings for :func:`matplotlib.rc_context`, so the
caller's global ``rcParams`` are never changed.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from ..exceptions import MissingDependencyError

__all__ = ["find_cjk_font", "missing_glyphs", "chart_rc", "PROBE", "INSTALL_HINT"]

logger = logging.getLogger(__name__)

#: Characters a font must have to be used: chart labels, simplified and traditional.
PROBE = "投诉类型紧急程度产品问题服务态度处理时效信息准确性政策执行非愤怒失望焦虑平静立即优先常规華東處理時效資訊態"
#: The pip line that installs the bundled fallback font.
INSTALL_HINT = "pip install 'complaint-triage[report]'"
_ENV = "TRIAGE_CJK_FONT"
# names of fonts likely to cover Chinese: only these system fonts are opened and checked
_HINTS = (
    "cjk", "han ", "hans", "hant", " sc", " tc", "hei", "song", "ming", "kai", "fang", "yuan", "wenquanyi", "wqy",
    "droid sans fallback", "uming", "ukai", "simsun", "yahei", "pingfang", "hiragino", "sarasa", "lxgw", "zcool",
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def missing_glyphs(text: str, path: str | os.PathLike[str]) -> list[str]:
    """The characters of ``text`` that the font file at ``path`` has no glyph for.

    Whitespace is ignored. A character is missing when the font's character
    map sends it to glyph 0 (the ``.notdef`` box).

    Parameters
    ----------
    text : str
    path : str or path
        A TrueType/OpenType font file (``.ttf``, ``.otf``, ``.ttc``).

    Returns
    -------
    list of str
        Missing characters, each once, in order of appearance.

    Examples
    --------
    >>> import matplotlib
    >>> from pathlib import Path
    >>> dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    >>> missing_glyphs("ok 投诉", dejavu)
    ['投', '诉']
    """
    from matplotlib.ft2font import FT2Font

    font = FT2Font(os.fsdecode(path))
    seen: dict[str, None] = {}
    for ch in text:
        if not ch.isspace() and ch not in seen and font.get_char_index(ord(ch)) == 0:
            seen[ch] = None
    return list(seen)


def _covers(path: str) -> bool:
    try:
        return not missing_glyphs(PROBE, path)
    except (OSError, RuntimeError, ValueError):  # unreadable or unsupported font file
        return False


def _system_font() -> str | None:
    from matplotlib import font_manager

    seen: set[str] = set()
    for entry in font_manager.fontManager.ttflist:
        fname, name = entry.fname, entry.name.lower()
        if fname in seen or not fname.lower().endswith(_FONT_SUFFIXES):
            continue
        seen.add(fname)
        if any(h in f" {name} " for h in _HINTS) and _covers(fname):
            return fname
    return None


def _mplfonts_font() -> str | None:
    import importlib.util

    spec = importlib.util.find_spec("mplfonts")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.is_file():
            return str(path)
    return None


@functools.lru_cache(maxsize=4)
def _locate(override: str | None) -> Path:
    if override:
        if not Path(override).is_file():
            raise FileNotFoundError(f"${_ENV} names {override!r}, which is not a file; unset it or point it to a .ttf/.otf font")
        missing = missing_glyphs(PROBE, override)
        if missing:
            raise ValueError(
                f"${_ENV} names {override!r}, which has no glyphs for {''.join(missing[:10])!r}: "
                "pick a font with Chinese glyphs (for example Noto Sans CJK SC) or unset it"
            )
        return Path(override)
    found = _system_font()
    if found:
        logger.info("CJK font for charts: system font %s", found)
        return Path(found)
    found = _mplfonts_font()
    if found and _covers(found):
        logger.info("CJK font for charts: %s (from mplfonts)", found)
        return Path(found)
    raise MissingDependencyError(
        "charts need a font with Chinese glyphs: none is installed on this system and mplfonts "
        f"(which ships Noto Sans CJK SC) is missing. Run: {INSTALL_HINT} "
        f"(or set ${_ENV} to a .ttf/.otf font file that covers Chinese)"
    )


def find_cjk_font() -> Path:
    """The path of a font file with Chinese glyphs, found once per process.

    See the module docstring for the search order (``$TRIAGE_CJK_FONT``, a
    system font, mplfonts' Noto Sans CJK SC).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    MissingDependencyError
        No font with Chinese glyphs was found; the message has the pip line.

    Examples
    --------
    >>> missing_glyphs("产品问题 處理時效", find_cjk_font())
    []
    """
    return _locate(os.environ.get(_ENV) or None)


@functools.lru_cache(maxsize=4)
def _register(path: str) -> str:
    from matplotlib import font_manager

    if not any(e.fname == path for e in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def chart_rc() -> dict:
    """rc settings that draw text with the CJK font, for :func:`matplotlib.rc_context`.

    The font is registered with matplotlib's font manager on the first call
    only; the caller's global ``rcParams`` are left alone.

    Examples
    --------
    >>> import matplotlib
    >>> rc = chart_rc()
    >>> with matplotlib.rc_context(rc):
    ...     inside = matplotlib.rcParams["font.sans-serif"][0]
    >>> inside == rc["font.sans-serif"][0] != matplotlib.rcParams["font.sans-serif"][0]
    True
    """
    family = _register(str(find_cjk_font()))
    return {
        # the family by name (not the generic "sans-serif"), so text made inside the context keeps
        # the font when the figure is drawn after it (as notebooks' inline backend does)
        "font.family": [family, "DejaVu Sans"],
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,  # CJK fonts often lack U+2212 MINUS SIGN
    }
