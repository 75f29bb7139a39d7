"""HTML building blocks for the scorecard file and site: one page shell, tables that turn into
cards on a phone, safe links. Everything users typed goes through ``html.escape``; a link is
made only of an http(s) address, anything else is shown as text. No scripts, no fonts, no
requests: a page works from ``file://``, an intranet share, or as an e-mail attachment.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

CSS = """
*{box-sizing:border-box}
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1000px;
margin:0 auto;padding:0 14px 2em;color:#222;line-height:1.45;overflow-wrap:anywhere}
h1{font-size:1.5em;margin:.6em 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;
font-size:1.2em}h3{font-size:1.05em}
a{color:#1f5fa8}
nav{font-size:.9em;margin:.8em 0 0}
.headline{font-size:1.1em;margin:.4em 0 .8em}
.meta,.note,figcaption{color:#555;font-size:.9em}
.scroll{overflow-x:auto;margin:.6em 0}
table{border-collapse:collapse;font-size:.92em;width:100%;overflow-wrap:normal}
th{vertical-align:bottom}
td.wide{overflow-wrap:anywhere;min-width:12em}
th,td{padding:.3em .5em;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top}
thead th{background:#f4f4f4;font-weight:600}
.num{text-align:right;white-space:nowrap}
blockquote{margin:.6em 0;padding:.3em .9em;border-left:4px solid #c8d6e8;background:#f7f9fc}
.charts{display:flex;flex-wrap:wrap;gap:1.2em}
figure{margin:.4em 0;flex:1 1 320px;max-width:520px}
svg.chart{width:100%;height:auto;display:block}
.mark{display:inline-block;font-size:.8em;padding:0 .4em;border-radius:3px;background:#fde8c8;
color:#6a4300;white-space:nowrap;margin:.1em .2em .1em 0}
.outcome-true{color:#1d6b2f;font-weight:600}.outcome-false{color:#9b1c1c;font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.6em 0}
dl.facts dt{color:#555}dl.facts dd{margin:0}
footer{margin-top:2.5em;border-top:1px solid #ddd;padding-top:.6em;color:#666;font-size:.85em}
@media (max-width:640px){
body{font-size:15px}
table.stack thead{display:none}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack tr{border:1px solid #ddd;border-radius:6px;margin:.6em 0;padding:.3em .6em}
table.stack td{display:flex;justify-content:space-between;gap:1em;border:0;padding:.15em 0;
text-align:right;white-space:normal}
table.stack td::before{content:attr(data-label);font-weight:600;color:#555;text-align:left;
flex:0 0 42%}
table.stack td.wide{display:block;text-align:left;min-width:0}
table.stack td.wide::before{display:block}
dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:.4em}
}
"""

Cell = str | tuple[str, str]  # HTML, or (HTML, class)


def esc(value: Any) -> str:
    return escape("" if value is None else str(value))


def url_link(url: str | None, text: str | None = None) -> str:
    """A link to an http(s) address; any other address is shown, not followed."""
    if not url:
        return esc(text) if text else ""
    if re.match(r"(?i)https?://", url):
        return (f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">'
                f"{esc(text or url)}</a>")
    return esc(text or url)


def link(href: str, text: str) -> str:
    """A link inside the site (``href`` made by this module's file names)."""
    return f'<a href="{escape(href, quote=True)}">{esc(text)}</a>'


def table(head: Sequence[tuple[str, str]], rows: Iterable[Sequence[Cell]],
          *, stack: bool = True) -> str:
    """``head``: (heading, class) per column; each cell is HTML (already escaped) or
    (HTML, class). On a narrow screen a stacking table shows each row as a card of
    "heading: value" lines (the headings travel in ``data-label``)."""
    ths = "".join(f'<th class="{c}">{esc(h)}</th>' if c else f"<th>{esc(h)}</th>"
                  for h, c in head)
    body = []
    for row in rows:
        tds = []
        for (h, hc), cell in zip(head, row, strict=True):
            html, cls = cell if isinstance(cell, tuple) else (cell, hc)
            cattr = f' class="{cls}"' if cls else ""
            # one element inside: a phone's card lays a cell out as label | value
            tds.append(f'<td data-label="{esc(h)}"{cattr}><span>{html}</span></td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    if not body:
        return "<p class='note'>(none)</p>"
    cls = ' class="stack"' if stack else ""
    return (f"<div class='scroll'><table{cls}><thead><tr>{ths}</tr></thead><tbody>"
            + "".join(body) + "</tbody></table></div>")


def facts(items: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, HTML) pairs; empty values are left out."""
    inner = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in items if v)
    return f'<dl class="facts">{inner}</dl>' if inner else ""


def figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def page(title: str, body: str, *, footer: str, nav: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="ledger">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n"
        + (f"<nav>{nav}</nav>\n" if nav else "")
        + body + f"\n<footer>{footer}</footer>\n</body></html>\n"
    )


# -- file names -------------------------------------------------------------------------------
#: Names Windows keeps for devices, whatever the extension: a share must be able to hold them.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
            *(f"lpt{i}" for i in range(10))}


def claim_file(key: str) -> str:
    """A claim key as a file name that every filesystem and URL takes as it is: keys are
    ``[a-z0-9._:-]``; ':' (a drive or URL scheme separator) becomes '~', which keys never
    hold, so the mapping is one-to-one."""
    base = key.replace(":", "~")
    if base.split(".")[0] in RESERVED:
        base = "~" + base
    return base + ".html"


def analyst_files(names: Iterable[str]) -> dict[str, str]:
    """A file name per analyst, unique by construction and the same for the same names: the
    name's ASCII letters and digits, lowercased and joined by '-'; where that is empty,
    reserved or shared, a hash of the name is added, longer until no name already taken (by
    anyone, a crafted name like ``Bob 81b637d8`` included) holds it."""
    unique = sorted(set(names))
    slugs = {name: _slug(name) for name in unique}
    shared = Counter(slugs.values())
    taken = {s for s, n in shared.items() if n == 1 and s and s not in RESERVED}
    out = {name: slugs[name] + ".html" for name in unique if slugs[name] in taken}
    for name in unique:
        if name in out:
            continue
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
        base = slugs[name] or "analyst"
        slug, n = f"{base}-{digest[:8]}", 8
        while slug in taken:
            n += 8
            slug = f"{base}-{digest[:n]}" if n <= 64 else f"{base}-{digest}-{n // 8 - 8}"
        taken.add(slug)
        out[name] = slug + ".html"
    return out


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))[:60].strip("-")
