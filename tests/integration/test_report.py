"""``triage report`` / :func:`triage.report.build_report`: a self-contained, escaped, complete HTML page."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser

import pytest

pytest.importorskip("matplotlib", reason="reports need the report extra: pip install 'complaint-triage[report]'")

from triage.cli import main  # noqa: E402
from triage.datasets import Spike, sample_tickets  # noqa: E402
from triage.exceptions import InputFormatError  # noqa: E402
from triage.report import SECTIONS, build_report  # noqa: E402

PLANTED_WEEK = ("2026-03-30", "2026-04-05")  # the default Spike: Monday nearest mid-range, 7 days
_VOID = {"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "wbr", "source", "track", "embed", "param"}


class _Checker(HTMLParser):
    """Collects tags, attributes and section ids, and checks that every element is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.sections: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            self.attrs.append((tag, k, v or ""))
        if tag == "section":
            self.sections.append(dict(attrs).get("id"))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def _check(html: str) -> _Checker:
    assert html.startswith("<!DOCTYPE html>")
    parser = _Checker()
    parser.feed(html)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert not parser.stack, f"unclosed elements: {parser.stack}"
    return parser


@pytest.fixture(scope="module")
def labelled(model):
    # a stronger spike than the default share (2 %), so 1,500 rows are enough to see it
    return model.predict_frame(sample_tickets(1500, seed=0, spikes=[Spike(share=0.06)]))


@pytest.fixture(scope="module")
def built(labelled, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    summary = build_report(labelled, path, by=["type", "industry"], source="sample.csv", model_name="bundled")
    return summary, path.read_text(encoding="utf-8")


def test_report_is_self_contained_valid_html(built):
    summary, html = built
    parser = _check(html)
    refs = [(t, k, v) for t, k, v in parser.attrs if k in ("src", "href", "srcset", "action", "data")]
    assert not [r for r in refs if re.match(r"\s*(https?:|//|file:)", r[2], re.I)], "external references"
    images = [v for t, k, v in parser.attrs if t == "img" and k == "src"]
    assert len(images) >= 5
    assert all(v.startswith("data:image/png;base64,") for v in images)
    import matplotlib.image

    for v in images:  # every image decodes as a PNG of a sensible size
        pixels = matplotlib.image.imread(io.BytesIO(base64.b64decode(v.split(",", 1)[1])))
        assert 150 <= pixels.shape[0] <= 2000 and 250 <= pixels.shape[1] <= 2000
    assert not {"script", "link", "iframe", "object"} & parser.tags
    assert all(v.startswith("#") for t, k, v in parser.attrs if k == "href")
    assert "Content-Security-Policy" in html
    assert summary.path.stat().st_size < 2_000_000


def test_report_has_every_section_and_finds_the_planted_spike(built):
    summary, html = built
    assert summary.sections == tuple(s for s in SECTIONS if s != "notes")
    assert _check(html).sections == list(summary.sections)
    for heading in ("Volume over time", "Types, emotions and urgency", "Spikes", "Top terms per type",
                    "Emerging clusters", "Most urgent complaints"):
        assert heading in html
    # header: input, rows, date range, model, version
    for fact in ("sample.csv", "1,500", "2026-01-01 to 2026-06-30", "bundled", "triage version"):
        assert fact in html
    spikes = html[html.index('id="spikes"'): html.index('id="terms"')]
    days = re.findall(r"<td>(2026-\d\d-\d\d)</td>", spikes)
    assert summary.spikes >= 1 and "logistics" in spikes
    assert any(PLANTED_WEEK[0] <= d <= PLANTED_WEEK[1] for d in days)
    urgent = html[html.index('id="urgent"'):]
    assert urgent.count("<tr>") == 20 + 1  # header + top 20
    assert 'class="high">high<' in urgent


def test_complaint_texts_are_escaped(labelled, tmp_path):
    df = labelled.head(400).copy()
    evil = ['<script>alert("x")</script>热水器漏电', '"><img src=x onerror=alert(1)>煤气泄漏', "<b>&amp;</b>"]
    for i, text in enumerate(evil):
        df.loc[i, ["text", "urgency", "urgency_proba", "complaint_proba", "flags"]] = [text, "high", 1.0, 1.0, "safety"]
    df.loc[0, "industry"] = "<i>industry</i>"
    path = tmp_path / "r.html"
    build_report(df, path, by=["type", "industry"])
    html = path.read_text(encoding="utf-8")
    parser = _check(html)
    assert "script" not in parser.tags and "<script" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;热水器漏电" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;煤气泄漏" in html
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html
    assert not [v for t, k, v in parser.attrs if k.startswith("on")]
    assert [v for t, k, v in parser.attrs if t == "img" and k == "src" and not v.startswith("data:")] == []


def test_without_a_time_column_trends_are_left_out_with_a_note(labelled, tmp_path):
    df = labelled.drop(columns=["created_at"]).head(500)
    summary = build_report(df, tmp_path / "r.html")
    assert "volume" not in summary.sections and "spikes" not in summary.sections
    assert {"overview", "distributions", "terms", "urgent", "notes"} <= set(summary.sections)
    assert any("No time column" in n for n in summary.notes)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No time column" in html and "--time-col" in html
    _check(html)


def test_optional_columns_may_be_missing(labelled, tmp_path):
    df = labelled[["created_at", "text", "type", "emotion", "urgency"]].head(500)
    summary = build_report(df, tmp_path / "r.html", freq="M")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "urgent" in summary.sections and "p(urgency)" not in html
    assert "Volume over time (per month)" in html
    _check(html)


def test_bad_inputs_fail_with_the_fix(labelled, tmp_path):
    with pytest.raises(InputFormatError, match="triage label"):
        build_report(sample_tickets(50), tmp_path / "r.html")
    with pytest.raises(InputFormatError, match="--time-col"):
        build_report(labelled, tmp_path / "r.html", time_col="opened")
    with pytest.raises(InputFormatError, match="does not hold timestamps"):
        build_report(labelled, tmp_path / "r.html", time_col="region")
    with pytest.raises(InputFormatError, match="--by 'product_line'"):
        build_report(labelled, tmp_path / "r.html", by=["type", "product_line"])
    with pytest.raises(ValueError, match="freq"):
        build_report(labelled, tmp_path / "r.html", freq="Q")
    assert not (tmp_path / "r.html").exists()


def test_cli_label_then_report(tmp_path, capsys):
    raw = tmp_path / "tickets.csv"
    sample_tickets(400, seed=5).to_csv(raw, index=False)
    out = tmp_path / "report.html"
    assert main(["report", str(raw), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "not labelled" in err and "triage label" in err and not out.exists()

    labelled = tmp_path / "labelled.csv"
    assert main(["label", str(raw), "-o", str(labelled), "--quiet"]) == 0
    assert main(["report", str(labelled), "-o", str(out), "--by", "type", "region", "--title", "周报 <test>"]) == 0
    err = capsys.readouterr().err
    assert "sections: overview, volume" in err and "400 rows" in err
    html = out.read_text(encoding="utf-8")
    assert "<title>周报 &lt;test&gt;</title>" in html and "by region" in html
    _check(html)


def test_cli_label_on_the_fly(tmp_path, capsys):
    raw = tmp_path / "tickets.csv"
    sample_tickets(300, seed=6).drop(columns=["created_at"]).to_csv(raw, index=False)
    out = tmp_path / "report.html"
    assert main(["report", str(raw), "-o", str(out), "--label", "--max-rows", "200", "-q"]) == 0
    assert capsys.readouterr().err == ""
    html = out.read_text(encoding="utf-8")
    assert "triage default model" in html and "200" in html and 'id="urgent"' in html
