// The seed's diagnostics per layer, each frame: speed of learning ‖∂C/∂b‖ (log scale),
// saturated and dead fractions, mean activation. The hooks speed-<i>, dead-<i> and
// saturated-<i> (hidden layer i = 1, 2, …) carry the current value in data-value.

import { t } from "./i18n.js";

const LOG_LOW = -8, LOG_HIGH = 1; // the speed bar spans 1e-8 … 10 on a log scale

function meter(parent, testid, centred) {
  const box = document.createElement("div");
  box.className = centred ? "meter centred" : "meter";
  if (testid) box.dataset.testid = testid;
  box.innerHTML = '<div class="fill"></div><span class="value"></span>';
  parent.appendChild(box);
  return box;
}

function setMeter(box, value, fraction, text, centred = false) {
  box.dataset.value = value == null ? "" : String(value);
  const fill = box.firstChild;
  const f = Math.max(0, Math.min(1, fraction));
  if (centred) {
    fill.style.left = `${Math.min(f, 0.5) * 100}%`;
    fill.style.width = `${Math.abs(f - 0.5) * 100}%`;
  } else {
    fill.style.width = `${f * 100}%`;
  }
  box.lastChild.textContent = text;
}

export class DiagnosticsPanel {
  constructor(root) {
    this.legend = root.querySelector("#diagnostics-legend");
    this.rows = root.querySelector("#diagnostics-rows");
    this.key = "";
  }

  /** Rewrite the sentences that say what each column shows (after a language change). */
  describe() {
    this.legend.replaceChildren(...["speed_text", "saturated_text", "dead_text", "mean_text"]
      .map((key) => { const p = document.createElement("p"); p.textContent = t(key); return p; }));
    this.key = "";
  }

  build(diagnostics) {
    const key = diagnostics.map((d) => d.activation).join() + t("layer_n");
    if (key === this.key) return;
    this.key = key;
    this.rows.replaceChildren();
    const head = document.createElement("div");
    head.className = "diag-row head";
    for (const k of ["layer", "speed_head", "saturated_head", "dead_head", "mean_head"]) {
      const cell = document.createElement("span");
      cell.textContent = k === "layer" ? "" : t(k);  // the first column names the layers
      head.appendChild(cell);
    }
    this.rows.appendChild(head);
    this.meters = diagnostics.map((d, i) => {
      const last = i === diagnostics.length - 1;
      const row = document.createElement("div");
      row.className = "diag-row";
      const label = document.createElement("span");
      label.textContent = last ? `${t("output_layer")} (${d.activation})`
        : `${t("layer_n").replace("{n}", i + 1)} (${d.activation})`;
      row.appendChild(label);
      // data-testid of hidden layer n (stable test hooks): speed-<n>, saturated-<n>, dead-<n>
      const testid = (name) => (last ? null : `${name}-${i + 1}`);
      const meters = { speed: meter(row, testid("speed")),
        saturated: meter(row, testid("saturated")), dead: meter(row, testid("dead")),
        mean: meter(row, null, true) };
      this.rows.appendChild(row);
      return meters;
    });
  }

  update(diagnostics) {
    if (!diagnostics.length) return;
    this.build(diagnostics);
    diagnostics.forEach((d, i) => {
      const m = this.meters[i];
      const speed = d.speed ?? 0;
      const position = (Math.log10(Math.max(speed, 1e-12)) - LOG_LOW) / (LOG_HIGH - LOG_LOW);
      setMeter(m.speed, speed, position, speed.toExponential(1));
      const sat = d.saturated;
      setMeter(m.saturated, sat, sat ?? 0, sat == null ? "–" : `${(sat * 100).toFixed(0)}%`);
      setMeter(m.dead, d.dead, d.dead, `${(d.dead * 100).toFixed(0)}%`);
      setMeter(m.mean, d.mean, (d.mean + 1) / 2, d.mean.toFixed(2), true);
    });
  }
}
