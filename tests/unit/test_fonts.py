"""The CJK font of the report charts: found, registered once, and really draws Chinese (not tofu boxes)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="charts need the report extra: pip install 'complaint-triage[report]'")

from triage.exceptions import MissingDependencyError  # noqa: E402
from triage.labels import DISPLAY_NAMES  # noqa: E402
from triage.report import _fonts, find_cjk_font, missing_glyphs  # noqa: E402
from triage.report._charts import text_png  # noqa: E402

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
NO_CJK = {"font.family": ["DejaVu Sans"], "font.sans-serif": ["DejaVu Sans"]}  # a font without Chinese glyphs: draws tofu boxes
ONE = "产品问题处理时效"
TWO = "服务态度信息准确"  # same length as ONE, no character in common


def _pixels(png: bytes):
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(png))[..., :3]


def test_found_font_has_every_glyph_the_charts_use():
    path = find_cjk_font()
    assert path.is_file()
    text = ONE + TWO + "".join(DISPLAY_NAMES.values()) + "華東處理時效資訊態度" + "华东华南华北西南东北"
    assert missing_glyphs(text, path) == []
    assert missing_glyphs(ONE, DEJAVU) == list(ONE)  # the check itself can fail


def test_chinese_renders_as_glyphs_not_tofu():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        one, two = _pixels(text_png(ONE)), _pixels(text_png(TWO))
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert (one < 0.5).mean() > 0.01 and (two < 0.5).mean() > 0.01  # something was drawn
    with pytest.warns(UserWarning, match="missing from font"):
        tofu_one, tofu_two = _pixels(text_png(ONE, rc=NO_CJK)), _pixels(text_png(TWO, rc=NO_CJK))
    # tofu boxes are all alike: two different strings of the same length draw the same image ...
    assert (tofu_one == tofu_two).all()
    # ... while real glyphs differ from each other and from the boxes
    assert abs(one - two).mean() > 0.01
    assert abs(one - tofu_one).mean() > 0.01 and abs(two - tofu_two).mean() > 0.01


def test_charts_leave_global_rcparams_alone_and_register_the_font_once():
    from matplotlib import font_manager

    before = dict(matplotlib.rcParams)
    text_png(ONE)
    path = str(find_cjk_font())
    n = sum(e.fname == path for e in font_manager.fontManager.ttflist)
    text_png(TWO)
    _fonts.chart_rc()
    assert dict(matplotlib.rcParams) == before
    assert n >= 1 and sum(e.fname == path for e in font_manager.fontManager.ttflist) == n


def test_system_font_is_chosen_by_coverage_not_by_name(monkeypatch):
    from matplotlib import font_manager

    noto = _fonts._mplfonts_font()
    if noto is None:
        pytest.skip("mplfonts is not installed: pip install 'complaint-triage[report]'")
    fake = [
        SimpleNamespace(fname=str(DEJAVU), name="Fake Hei SC"),  # a CJK-sounding name, no CJK glyphs
        SimpleNamespace(fname=noto, name="Noto Sans CJK SC"),
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fake)
    assert _fonts._system_font() == noto
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fake[:1])
    assert _fonts._system_font() is None


def test_no_font_anywhere_raises_with_the_pip_line(monkeypatch):
    monkeypatch.setattr(_fonts, "_system_font", lambda: None)
    monkeypatch.setattr(_fonts, "_mplfonts_font", lambda: None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'complaint-triage\[report\]'") as err:
        _fonts._locate.__wrapped__(None)
    assert isinstance(err.value, ImportError)


def test_env_override_is_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("TRIAGE_CJK_FONT", str(DEJAVU))
    with pytest.raises(ValueError, match="no glyphs"):
        find_cjk_font()
    monkeypatch.setenv("TRIAGE_CJK_FONT", str(tmp_path / "nope.otf"))
    with pytest.raises(FileNotFoundError, match="TRIAGE_CJK_FONT"):
        find_cjk_font()
    monkeypatch.delenv("TRIAGE_CJK_FONT")
    good = find_cjk_font()
    monkeypatch.setenv("TRIAGE_CJK_FONT", str(good))
    assert find_cjk_font() == good


def test_text_made_inside_the_context_keeps_the_font_when_drawn_after_it():
    # notebooks' inline backend draws a figure after the cell's `with rc_context(...)` has ended
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_fonts.chart_rc()):
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.barh(list(TWO[:4]), [1, 2, 3, 4])
        ax.set_title(ONE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
