"""The report page: one self-contained HTML file, inline CSS, images as ``data:`` URIs, no script.

Every value that comes from the data (complaint texts, column values, terms)
goes through :func:`esc`; only the fragments built here are marked safe
(:class:`Html`). A Content-Security-Policy meta tag forbids scripts and any
network fetch, so the page stays inert even if a browser is handed something
unexpected.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Html", "esc", "table", "image", "paragraph", "Section", "page", "CSP"]

#: Content-Security-Policy of the page: no scripts, no network; images only from data: URIs.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",
"Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#222;
line-height:1.45;font-size:15px}
h1{font-size:1.6em;margin:.2em 0 .4em}h2{font-size:1.25em;border-bottom:2px solid #4C72B0;padding-bottom:.2em;
margin-top:1.8em}h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.88em;width:100%}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f2f4f8}tr:nth-child(even) td{background:#fafafa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.text{max-width:38em;word-break:break-word}
img{max-width:100%;height:auto;display:block;margin:.5em 0}
.meta td:first-child{width:11em;color:#555}.meta{width:auto;min-width:50%}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4em .8em;margin:.6em 0}
.muted{color:#666;font-size:.9em}.tag{display:inline-block;background:#eef;border-radius:3px;padding:0 .35em;
margin:0 .15em .15em 0;font-size:.85em}.high{color:#b00020;font-weight:600}
nav a{margin-right:1em}
"""


class Html(str):
    """A string that is already HTML (built by this module): :func:`esc` leaves it as it is."""

    __slots__ = ()


def esc(value) -> Html:
    """HTML-escape a value (quotes too); :class:`Html` passes through unchanged.

    Examples
    --------
    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> esc(Html("<b>ok</b>"))
    '<b>ok</b>'
    """
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def paragraph(text, *, cls: str | None = None) -> Html:
    attr = f' class="{esc(cls)}"' if cls else ""
    return Html(f"<p{attr}>{esc(text)}</p>")


def image(png: bytes, alt: str) -> Html:
    """An ``<img>`` whose source is the PNG itself, base64-encoded in a ``data:`` URI."""
    data = base64.b64encode(png).decode("ascii")
    return Html(f'<img alt="{esc(alt)}" src="data:image/png;base64,{data}">')


def table(columns: Sequence[str], rows: Iterable[Sequence], *, numeric: Iterable[str] = (), text: Iterable[str] = (),
          cls: str | None = None) -> Html:
    """A ``<table>``; every cell is escaped unless it is :class:`Html`."""
    numeric, text = set(numeric), set(text)

    def klass(col: str) -> str:
        return ' class="num"' if col in numeric else ' class="text"' if col in text else ""

    head = "".join(f"<th{klass(c)}>{esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td{klass(c)}>{esc(v)}</td>" for c, v in zip(columns, row)) + "</tr>" for row in rows
    )
    attr = f' class="{esc(cls)}"' if cls else ""
    return Html(f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


@dataclass
class Section:
    """One ``<section>`` of the report: its id (anchor), heading and body fragments."""

    id: str
    title: str
    body: list[Html]

    def render(self) -> Html:
        inner = "\n".join(self.body)
        return Html(f'<section id="{esc(self.id)}">\n<h2>{esc(self.title)}</h2>\n{inner}\n</section>')


def page(title: str, meta: Sequence[tuple[str, object]], sections: Sequence[Section], *, generator: str) -> str:
    """The whole document."""
    nav = " ".join(f'<a href="#{esc(s.id)}">{esc(s.title)}</a>' for s in sections)
    meta_rows = table(["", ""], meta, cls="meta").replace("<thead><tr><th></th><th></th></tr></thead>", "")
    body = "\n".join(s.render() for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{esc(generator)}">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{esc(title)}</h1>\n{meta_rows}\n<nav>{nav}</nav>\n</header>\n"
        f"{body}\n</body>\n</html>\n"
    )
