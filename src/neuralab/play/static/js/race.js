// The optimizer race: the chosen optimizers step side by side down a 2-D loss surface.
// The server sends the surface once (log f as bytes) and each frame the new points.

import { drawBytes } from "./heatmap.js";
import { t } from "./i18n.js";

const COLORS = { gd: "#d62728", sgd: "#ff7f0e", momentum: "#8c564b", nesterov: "#e377c2",
  adagrad: "#2ca02c", rmsprop: "#17becf", adam: "#1f77b4", adamw: "#9467bd" };
// A light-to-dark ramp for log f: low values pale, high values darker.
const RAMP = Array.from({ length: 256 }, (_, q) => {
  const s = q / 255;
  return [Math.round(250 - 150 * s), Math.round(250 - 120 * s), Math.round(245 - 60 * s)];
});

/** A small square in the optimizer's colour (styled through the DOM: no inline HTML styles). */
function swatch(name) {
  const box = document.createElement("span");
  box.className = "swatch";
  box.style.background = COLORS[name] || "#000";
  return box;
}

export class RacePanel {
  constructor(root, meta, send) {
    this.canvas = root.querySelector("#race-canvas");
    this.legend = root.querySelector("#race-legend");
    this.select = root.querySelector("#race-surface");
    this.button = root.querySelector("#race-start");
    this.boxes = root.querySelector("#race-optimizers");
    this.send = send;
    this.running = false;
    for (const name of Object.keys(meta.surfaces)) {
      const option = document.createElement("option");
      option.value = name; option.textContent = name;
      this.select.appendChild(option);
    }
    this.select.value = "rosenbrock";
    for (const name of meta.optimizers) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = name;
      box.checked = ["gd", "adagrad", "adam"].includes(name);
      label.append(box, " ", swatch(name), name);
      this.boxes.appendChild(label);
    }
    this.button.addEventListener("click", () => (this.running ? this.stop() : this.start()));
    this.placeholder();
  }

  /** Before the first race: say what to do. */
  placeholder() {
    const ctx = this.canvas.getContext("2d");
    ctx.fillStyle = "#f2f2ee";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.fillStyle = "#666";
    ctx.font = "14px sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(`${t("race_hint")}`, this.canvas.width / 2, this.canvas.height / 2);
    ctx.textAlign = "start";
  }

  chosen() { return [...this.boxes.querySelectorAll("input:checked")].map((b) => b.value); }

  start(surface = this.select.value, optimizers = this.chosen()) {
    this.select.value = surface;
    for (const box of this.boxes.querySelectorAll("input")) box.checked = optimizers.includes(box.value);
    this.send({ type: "race", surface, optimizers });
  }

  stop() {
    this.send({ type: "race" });
    this.setRunning(false);
  }

  setRunning(running) {
    this.running = running;
    this.button.textContent = t(running ? "race_stop" : "race_start");
  }

  /** A new surface: its picture, and empty paths starting at its start point. */
  surface(message) {
    this.field = message;
    this.paths = {};
    this.status = {};
    this.setRunning(true);
    this.draw();
  }

  /** A frame's race state: new points per optimizer. */
  update(state) {
    if (!this.field) return;
    for (const racer of state.racers) {
      const path = this.paths[racer.name] || (this.paths[racer.name] = [this.field.header.start]);
      path.push(...racer.points);
      this.status[racer.name] = racer;
    }
    this.setRunning(state.running);
    this.draw();
  }

  toCanvas([x, y]) {
    const { xlim, ylim } = this.field.header;
    return [((x - xlim[0]) / (xlim[1] - xlim[0])) * this.canvas.width,
      ((ylim[1] - y) / (ylim[1] - ylim[0])) * this.canvas.height];
  }

  draw() {
    const { arrays, header } = this.field;
    drawBytes(this.canvas, arrays.field.data, arrays.field.shape[0], RAMP);
    const ctx = this.canvas.getContext("2d");
    const [mx, my] = this.toCanvas(header.minimum);
    ctx.fillStyle = "#000";
    ctx.fillText("★", mx - 4, my + 4);
    for (const [name, path] of Object.entries(this.paths)) {
      ctx.beginPath();
      ctx.strokeStyle = COLORS[name] || "#000";
      ctx.lineWidth = 2;
      path.forEach((p, i) => { const [x, y] = this.toCanvas(p); if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
      ctx.stroke();
    }
    this.legend.replaceChildren(...Object.entries(this.status).map(([name, r]) => {
      const p = document.createElement("p");
      p.append(swatch(name), `${name} (lr ${header.rates[name]}): ${r.steps} ${t("steps")}, f = ${r.value.toPrecision(3)} — ${t("status_" + r.status)}`);
      return p;
    }));
  }
}
