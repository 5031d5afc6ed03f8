"""What a Network, a History and layer statistics look like in a terminal and in Jupyter.

- ``net.summary()`` prints :func:`summary_text`, a table of the layers; in Jupyter a Network
  shows :func:`summary_html`, the same table (``Network._repr_html_``);
- a ``History`` shows its loss and accuracy curves (:func:`history_html`);
- ``diagnostics.layer_stats`` shows a bar chart of each layer's speed of learning ‖∂C/∂b‖ and
  a table of its statistics (:func:`stats_html`).

Charts are inline SVG (:mod:`neuralab.svg`): nothing beyond the standard library is imported
to draw them.
"""

from __future__ import annotations

from html import escape

from neuralab import svg

__all__ = ["summary_rows", "summary_text", "summary_html", "history_html", "stats_html"]

_HEADER = ("#", "layer", "output shape", "activation", "parameters")
_STYLE = ('style="border-collapse:collapse;font-family:monospace;font-size:12px"',
          'style="text-align:right;padding:2px 10px"', 'style="text-align:left;padding:2px 10px"')


def summary_rows(net) -> list[tuple[str, ...]]:
    """One row per layer: index, type, output shape, activation, parameter count."""
    rows: list[tuple[str, ...]] = [("", "input", f"(batch, {net.n_inputs})", "", "")]
    width = net.n_inputs
    for i, layer in enumerate(net.layers):
        activation = getattr(layer, "activation", None)
        width = getattr(layer, "out_features", width)
        count = sum(p.size for p in layer.parameters())
        kind = type(layer).__name__ + (f"(rate={layer.rate})" if hasattr(layer, "rate") else "")
        rows.append((str(i), kind, f"(batch, {width})",
                     activation.name if activation is not None else "", f"{count:,}"))
    return rows


def _footer(net) -> list[str]:
    total = sum(p.size for p in net.parameters())
    size = total * net.dtype.itemsize
    return [f"parameters: {total:,} ({net.dtype.name}, {_bytes(size)})",
            f"loss: {net.loss.name}"]


def _bytes(n: int) -> str:
    if n < 1024:
        return f"{n:,} bytes"
    return f"{n / 1024:.1f} KiB" if n < 1024**2 else f"{n / 1024**2:.1f} MiB"


def summary_text(net) -> str:
    """The layers of ``net`` as an aligned text table, then the parameter count and the loss."""
    rows = [_HEADER, *summary_rows(net)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]

    def line(row):
        cells = [cell.rjust(w) if i in (0, 4) else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(cells).rstrip()

    rule = line(tuple("-" * w for w in widths))
    return "\n".join([line(rows[0]), rule, *map(line, rows[1:]), rule, *_footer(net)])


def _table(header, rows) -> str:
    table, right, left = _STYLE
    head = "".join(f"<th {left}>{escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td {right if _numeric(c) else left}>{escape(str(c))}</td>"
                         for c in row) + "</tr>"
        for row in rows)
    return f"<table {table}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numeric(cell) -> bool:
    try:
        float(str(cell).replace(",", ""))
    except ValueError:
        return False
    return True


def summary_html(net) -> str:
    """The summary table as HTML, for Jupyter."""
    footer = "".join(f"<div>{escape(line)}</div>" for line in _footer(net))
    return (f"<div><b>Network</b>{_table(_HEADER, summary_rows(net))}"
            f'<div style="font-family:monospace;font-size:12px">{footer}</div></div>')


def history_html(history) -> str:
    """Loss curves (and accuracy curves for a classifier) of a History, with the last values."""
    logs = history.history
    if not history.epoch:
        return "<div>History: no epochs yet</div>"
    charts = [svg.line_chart({k: logs[k] for k in ("loss", "val_loss") if k in logs}, "loss")]
    if "accuracy" in logs or "val_accuracy" in logs:
        charts.append(svg.line_chart({k: logs[k] for k in ("accuracy", "val_accuracy")
                                      if k in logs}, "accuracy"))
    last = ", ".join(f"{k} {v[-1]:.4g}" for k, v in logs.items()
                     if not k.startswith("layers.") and v)
    return (f'<div><div style="display:flex;gap:12px">{"".join(charts)}</div>'
            f"<div>History: {len(history.epoch)} epochs; last: {escape(last)}</div></div>")


_STAT_COLUMNS = ("grad_norm_weight", "grad_norm_bias", "activation_mean", "activation_std",
                 "saturated_fraction", "dead_fraction")


def stats_html(stats) -> str:
    """A bar chart of each layer's speed of learning and a table of ``layer_stats``' numbers."""
    labels = [f"{s['layer']} {s['activation']}" for s in stats]
    speed = [s["grad_norm_bias"] if s.get("grad_norm_bias") is not None
             else s["grad_norm_weight"] for s in stats]
    chart = svg.bar_chart(labels, speed, "speed of learning ‖∂C/∂b‖", "layer")
    rows = [[label, *(_cell(s.get(key)) for key in _STAT_COLUMNS)]
            for label, s in zip(labels, stats, strict=True)]
    return f"<div>{chart}{_table(('layer', *_STAT_COLUMNS), rows)}</div>"


def _cell(value) -> str:
    return "" if value is None else f"{value:.4g}"
