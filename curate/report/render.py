"""ReportData -> one self-contained HTML page (inline CSS and SVG, no script, no network).

Sections appear only when their data exists, so a run of ingest + dedup gives
a short report and a full curation run a long one, from the same code.
"""

from __future__ import annotations

from html import escape
from typing import Any

from curate.report import svg
from curate.report.collect import ReportData

CSS = """
:root{--fg:#1d2330;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f7f9;--card:#fff;--kept:#4269d0;--removed:#ff725c}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:22px 32px 14px;background:#1d2330;color:#fff}header h1{margin:0 0 4px;font-size:22px}
header .sub{color:#c5cad3;font-size:13px}main{padding:18px 32px 40px;display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:18px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px}section.wide{grid-column:1/-1}
h2{font-size:16px;margin:0 0 2px}p.note,.muted{color:var(--muted);font-size:12.5px;margin:2px 0 10px}
.kpis{display:flex;gap:14px;flex-wrap:wrap;margin-top:14px}.kpi{background:#2a3242;border-radius:8px;padding:8px 14px;min-width:120px}
.kpi b{display:block;font-size:20px}.kpi span{color:#c5cad3;font-size:12px}
svg.chart{display:block;max-width:100%;height:auto}svg .lbl{font-size:12px;fill:#374151}svg .num{font-size:11px;fill:#6b7280}
svg .tick{font-size:10.5px;fill:#6b7280}svg .axis{stroke:#9ca3af;stroke-width:1}svg circle:hover{stroke:#111;stroke-width:1.5}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#15803d}.down{color:#b91c1c}.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0;font-size:12px}
.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.dups{columns:2 440px;column-gap:28px}.dup{break-inside:avoid;border-top:1px solid var(--line);padding:8px 0}.dup .keep{font-weight:600}
.dup ul{margin:4px 0 0;padding-left:18px;color:#374151}.tag{display:inline-block;font-size:11px;background:#eef2ff;color:#3730a3;border-radius:4px;padding:0 6px;margin-right:6px}
.grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px}.grid2 h3{font-size:12.5px;margin:4px 0;color:#374151}
code{font-size:12px;background:#f3f4f6;padding:0 4px;border-radius:3px}
"""


def _section(title: str, body: str, note: str = "", wide: bool = False) -> str:
    cls = ' class="wide"' if wide else ""
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f"<section{cls}><h2>{escape(title)}</h2>{note_html}{body}</section>"


def _delta(before: Any, after: Any) -> str:
    if before is None or after is None:
        return '<td class="n">new</td>' if before is None else '<td class="n">gone</td>'
    d = after - before
    cls = "up" if d > 0 else "down" if d < 0 else "muted"
    return f'<td class="n {cls}">{d:+,}</td>'


def _num(v: Any) -> str:
    return "–" if v is None else f"{v:,}"


def render(data: ReportData) -> str:
    run = data.run
    f = data.funnel
    first_in = f[0]["in"] if f else 0
    main_kept = run.get("final_kept", f[-1]["kept"] if f else 0)
    removed_total = sum(r["removed"] for r in f)
    kpis = [(f"{first_in:,}", "records in"), (f"{main_kept:,}", "kept at the end"),
            (f"{100 * main_kept / first_in:.1f}%" if first_in else "–", "kept share"),
            (f"{removed_total:,}", "removed, with reasons"), (f"{run['computed']} / {run['cached']}", "steps computed / cached")]
    header = (f"<header><h1>Curation report · {escape(run['flow'])}</h1>"
              f"<div class=\"sub\">run <code>{escape(run['name'])}</code> · started {escape(run['started_at'])} · "
              f"finished {escape(run['finished_at'])}"
              + (f" · compared with <code>{escape(data.previous['name'])}</code>" if data.previous else " · first recorded run of this flow")
              + "</div><div class=\"kpis\">" + "".join(f"<div class=\"kpi\"><b>{v}</b><span>{escape(k)}</span></div>" for v, k in kpis)
              + "</div></header>")

    sections = []
    if f:
        rows = "".join(
            f"<tr><td>{escape(r['step'])}</td><td><code>{escape(r['version'])}</code>{' <span class=tag>cached</span>' if r['cached'] else ''}</td>"
            f"<td class=n>{r['in']:,}</td><td class=n>{r['kept']:,}</td><td class=n>{r['removed']:,}</td>"
            f"<td>{escape(', '.join(f'{k} {v}' for k, v in sorted(r['reasons'].items(), key=lambda kv: -kv[1])) or '–')}</td></tr>"
            for r in f)
        table = ("<table><tr><th>step</th><th>version</th><th class=n>in</th><th class=n>kept</th><th class=n>removed</th>"
                 f"<th>removal reasons</th></tr>{rows}</table>")
        missing = run.get("missing_artifacts") or []
        note = "Blue: rows kept by each step; red: rows it removed (hover for the reasons). Every row in is kept or removed with a reason."
        if missing:
            note += f" Artifacts no longer in the store: {escape(', '.join(missing))}."
        sections.append(_section("Rows through the steps", svg.funnel(f) + table, note, wide=True))

    if data.lengths:
        names = list(data.lengths)
        body = svg.histogram(data.lengths, xlabel="characters per conversation") + svg.legend([(None, names[0]), (0, names[1])])
        stats = " · ".join(f"{escape(k)}: {len(v):,} rows, median {_median(v):,.0f} chars" for k, v in data.lengths.items())
        sections.append(_section("Conversation length, before and after", body, stats))

    if data.pii.get("found"):
        found = sorted(data.pii["found"].items(), key=lambda kv: -kv[1])
        body = svg.bars(found, fill="#a463f2")
        rows = data.pii.get("rows", {})
        body += ("<table><tr><th>entity</th><th class=n>found</th><th class=n>rows</th></tr>"
                 + "".join(f"<tr><td>{escape(e)}</td><td class=n>{n:,}</td><td class=n>{rows.get(e, 0):,}</td></tr>" for e, n in found)
                 + "</table>")
        sections.append(_section("PII found, by entity type", body, "Entities redacted (or dropped) by the PII step; texts in this report are the redacted ones."))

    if data.duplicates:
        totals = ", ".join(f"{escape(k)}: {v:,} clusters" for k, v in data.duplicate_totals.items())
        items = []
        for c in data.duplicates:
            members = "".join(f"<li>{escape(m['text'])} <span class=muted>({escape(m['id'][:10])}, score {_score(m['score'])})</span></li>"
                              for m in c["members"])
            more = c["size"] - 1 - len(c["members"])
            items.append(f"<div class=dup><span class=tag>{escape(c['step'])}</span><span class=tag>{escape(c['reason'])}</span>"
                         f"<b>{c['size']}</b> records · kept <code>{escape(c['keeper_id'][:10])}</code>"
                         f"<div class=keep>{escape(c['keeper_text'])}</div><ul>{members}</ul>"
                         + (f"<span class=muted>and {more} more</span>" if more > 0 else "") + "</div>")
        sections.append(_section("Duplicate clusters", f"<div class=dups>{''.join(items)}</div>",
                                 f"Largest clusters first; {totals}. Kept record in bold, removed copies below with their similarity score.", wide=True))

    if data.cluster_map:
        cm = data.cluster_map
        sizes = cm["sizes"]
        legend = svg.legend([(c, f"{lbl} ({sizes.get(c, 0)})") for c, lbl in cm["labels"].items()] or [(None, "no cluster labels")])
        ev = " + ".join(f"{100 * e:.0f}%" for e in cm["explained"])
        note = (f"PCA of the embeddings ({ev} of variance); hover a point for its (redacted) prompt. "
                + (f"{len(cm['points']):,} of {cm['total']:,} rows drawn (1 in {cm['sampled_every']}); the legend counts them all."
                   if cm["sampled_every"] > 1 else f"All {len(cm['points']):,} rows shown."))
        sections.append(_section("Cluster map", svg.scatter(cm["points"], width=1100, height=520) + legend, note, wide=True))

    if data.splits:
        sp = data.splits
        body = svg.stacked_columns(sp["columns"], sp["strata"]) + svg.legend([(i, s) for i, s in enumerate(sp["strata"])])
        dev = sp.get("max_deviation_pp") or {}
        note = f"Share of each {escape(sp['stratify_by'] or 'stratum')} per split" + (
            "; largest deviation from the whole: " + ", ".join(f"{k} {v} pp" for k, v in dev.items()) if dev else "")
        body += _split_sizes(sp.get("sizes"), sp.get("contamination"))
        sections.append(_section("Split balance by stratum", body, note))

    for dc in data.contamination:
        hits = sorted(dc["benchmark_hits"].items(), key=lambda kv: -kv[1])
        body = ("<table><tr><th>benchmark</th><th class=n>rows</th><th>examples: item, coverage, matched text (normalised)</th></tr>"
                + "".join(f"<tr><td>{escape(b)}</td><td class=n>{n:,}</td><td>"
                          + "<br>".join(f"<code>{escape(e['item_id'])}</code> {e['coverage']:.2f} {escape(e['matched'])}" for e in dc["examples"].get(b, []))
                          + "</td></tr>" for b, n in hits) + "</table>") if hits else '<p class="muted">No row holds a benchmark item.</p>'
        if dc.get("paraphrase_threshold") is not None:
            body += (f"<h3>Close to an item by MiniLM (cosine &ge; {dc['paraphrase_threshold']}): {dc['paraphrase_flags']:,} rows kept, "
                     "marked in meta.benchmark_paraphrase for review</h3>"
                     + "".join(f"<div><code>{escape(e['id'])}</code> {escape(e['benchmark'])} <code>{escape(e['item_id'])}</code> {e['cosine']:.3f}</div>"
                               for e in dc.get("paraphrase_examples") or []))
        action = "removed" if dc["policy"] == "drop" else "flagged in meta.benchmark_contamination"
        sections.append(_section("Benchmark contamination", body, f"Rows of step {escape(dc['step'])} holding a benchmark item, {action}.", wide=True))

    if data.quality:
        cells = "".join(f"<div><h3>{escape(k)}</h3>{svg.histogram({k: v}, width=260, height=120, bins=20, colours=('#3ca951',))}</div>"
                        for k, v in data.quality.items())
        sections.append(_section("Quality signals", f"<div class=grid2>{cells}</div>",
                                 f"Distributions over the rows of step {escape(run.get('quality_from', ''))} (tails clipped at the 99th percentile).", wide=True))

    if data.changes:
        ch = data.changes
        rows = "".join(f"<tr><td>{escape(r['step'])}</td><td class=n>{_num(r['before'])}</td><td class=n>{_num(r['after'])}</td>{_delta(r['before'], r['after'])}"
                       f"<td>{'same artifact' if r['same_version'] else 'recomputed'}</td></tr>" for r in ch["rows"])
        body = (f"<table><tr><th>step</th><th class=n>kept before</th><th class=n>kept now</th><th class=n>change</th><th>artifact</th></tr>{rows}</table>")
        if ch["reasons"]:
            body += ("<h3>Removal reasons that changed</h3><table><tr><th>step</th><th>reason</th><th class=n>before</th><th class=n>now</th><th class=n>change</th></tr>"
                     + "".join(f"<tr><td>{escape(r['step'])}</td><td>{escape(r['reason'])}</td><td class=n>{r['before']:,}</td><td class=n>{r['after']:,}</td>{_delta(r['before'], r['after'])}</tr>"
                               for r in ch["reasons"]) + "</table>")
        else:
            body += '<p class="muted">Removal reasons: no change.</p>'
        if ch["clusters"]:
            body += (f"<h3>Clusters ({ch['clusters_before']} before, {ch['clusters_after']} now)</h3><table><tr><th>cluster</th><th class=n>before</th><th class=n>now</th><th class=n>change</th></tr>"
                     + "".join(f"<tr><td>{escape(c['cluster'])}</td><td class=n>{c['before']:,}</td><td class=n>{c['after']:,}</td>{_delta(c['before'], c['after'])}</tr>" for c in ch["clusters"][:20])
                     + "</table>")
        sections.append(_section("What changed since the previous run", body, f"Compared with run <code>{escape(data.previous['name'])}</code>.", wide=True))

    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Curation report · {escape(run['name'])}</title><style>{CSS}</style></head><body>"
            f"{header}<main>{''.join(sections)}</main></body></html>\n")


def _split_sizes(sizes: dict | None, contamination: dict | None) -> str:
    """Requested vs achieved rows per split, and what the contamination check took and cut out as boilerplate."""
    if not sizes:
        return ""
    rows = "".join(f"<tr><td>{escape(x)}</td><td class=n>{s['requested']:,}</td><td class=n>{s['achieved']:,}</td>"
                   f"<td class=n>{'–' if s['percent_of_target'] is None else str(s['percent_of_target']) + '%'}</td>"
                   f"<td class=n>{s['taken_by_contamination']:,}</td></tr>" for x, s in sizes.items())
    body = ("<table><tr><th>split</th><th class=n>requested</th><th class=n>achieved</th><th class=n>of target</th>"
            f"<th class=n>taken by contamination</th></tr>{rows}</table>")
    if contamination:
        bp = contamination.get("boilerplate") or {}
        cut = (f"; boilerplate cut out before comparing: {bp['ngrams']:,} n-grams in {bp['rows_with_boilerplate']:,} rows"
               + (f", most often <code>{escape(bp['passages'][0]['text'])}</code>" if bp.get("passages") else "")) if bp.get("ngrams") else ""
        body += (f"<p class=muted>Contamination check (policy {escape(contamination['policy'])}): "
                 f"{contamination['moved_to_train']:,} moved to train, {contamination.get('dropped', 0):,} dropped{cut}.</p>")
    return body


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0
