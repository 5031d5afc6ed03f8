// The network diagram: a column of input features, one column per hidden layer, the output.
// Every node shows its output over the input square; links are coloured by the weight's sign
// and as wide as its size; a click on a link edits that weight; hovering a node enlarges it.

import { DIVERGING, divergingCss } from "./colors.js";
import { drawBytes, drawOutputThumb, neuronLookup } from "./heatmap.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const LABELS = { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁x₂",
  sinx1: "sin x₁", sinx2: "sin x₂" };
const FORMULAS = { x1: (a) => a, x2: (a, b) => b, x1sq: (a) => a * a, x2sq: (a, b) => b * b,
  x1x2: (a, b) => a * b, sinx1: (a) => Math.sin(a), sinx2: (a, b) => Math.sin(b) };
const SIDE = 32;

function el(tag, attrs = {}, parent = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

/** A feature's picture over [−d, d]², scaled by its largest magnitude. */
function featureBytes(name, domain) {
  const values = new Float32Array(SIDE * SIDE);
  for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) {
    const a = -domain + (2 * domain * c) / (SIDE - 1), b = domain - (2 * domain * r) / (SIDE - 1);
    values[r * SIDE + c] = FORMULAS[name](a, b);
  }
  const scale = Math.max(...values.map(Math.abs), 1e-9);
  return Uint8Array.from(values, (v) => Math.round((v / scale + 1) / 2 * 255));
}

export class NetworkView {
  constructor(root, actions) {
    this.root = root;
    this.svg = root.querySelector("#links");
    this.columns = root.querySelector("#columns");
    this.editor = document.getElementById("weight-editor");
    this.actions = actions; // toggleFeature, neurons, activation, weight, hover
    this.key = "";
    this.links = [];
    this.editor.addEventListener("keydown", (e) => this.editKey(e));
    this.editor.addEventListener("blur", () => { this.editor.hidden = true; });
    window.addEventListener("resize", () => this.placeLinks());
  }

  /** Rebuild the diagram when the architecture changes. It follows the frame's own header
   *  (its features, layer widths, activations), so that it always matches the frame's arrays
   *  even when a newer set-up has already arrived. */
  build(meta, header, domain) {
    const layers = header.shape.slice(1, -1);
    const net = { features: header.features, layers, activations: header.activations };
    const key = JSON.stringify([net, header.shape, domain]);
    if (key === this.key) return;
    this.key = key;
    this.columns.replaceChildren();
    this.nodes = [this.featureColumn(meta, net, domain)];
    layers.forEach((width, i) => this.nodes.push(this.hiddenColumn(meta, net, i, width)));
    this.nodes.push(this.outputColumn());
    this.makeLinks();
    this.placeLinks();
  }

  featureColumn(meta, config, domain) {
    const column = el("div", { class: "layer" }, this.columns);
    el("div", { class: "head" }, column).textContent = "";
    const active = [];
    for (const name of meta.features) {
      const on = config.features.includes(name);
      const node = el("div", { class: `node feature${on ? "" : " off"}`, title: LABELS[name] }, column);
      el("span", { class: "name" }, node).textContent = LABELS[name];
      const canvas = el("canvas", { width: SIDE, height: SIDE }, node);
      drawBytes(canvas, featureBytes(name, domain), SIDE, DIVERGING);
      node.addEventListener("click", () => this.actions.toggleFeature(name));
      if (on) active.push(node);
    }
    return active;
  }

  hiddenColumn(meta, config, i, width) {
    const column = el("div", { class: "layer" }, this.columns);
    const head = el("div", { class: "head" }, column);
    const plus = el("button", { class: "round small" }, head);
    plus.textContent = "+";
    plus.addEventListener("click", () => this.actions.neurons(i, +1));
    const minus = el("button", { class: "round small" }, head);
    minus.textContent = "−";
    minus.addEventListener("click", () => this.actions.neurons(i, -1));
    el("div", {}, head).textContent = `${width} ${t("neurons")}`;
    const select = el("select", { "aria-label": `activation of layer ${i + 1}` }, head);
    for (const name of meta.activations) el("option", { value: name }, select).textContent = name;
    select.value = config.activations[i];
    select.addEventListener("change", () => this.actions.activation(i, select.value));
    const nodes = [];
    for (let j = 0; j < width; j++) {
      const node = el("div", { class: "node" }, column);
      node.canvas = el("canvas", { width: SIDE, height: SIDE }, node);
      const index = config.layers.slice(0, i).reduce((a, b) => a + b, 0) + j;
      node.addEventListener("mouseenter", () => this.actions.hover(index));
      node.addEventListener("mouseleave", () => this.actions.hover(null));
      nodes.push(node);
    }
    return nodes;
  }

  outputColumn() {
    const column = el("div", { class: "layer" }, this.columns);
    el("div", { class: "head" }, column).textContent = t("output_layer");
    const node = el("div", { class: "node" }, column);
    node.canvas = el("canvas", { width: SIDE, height: SIDE }, node);
    return [node];
  }

  /** One visible line and one wide invisible line (for the click) per weight. */
  makeLinks() {
    this.svg.replaceChildren();
    this.links = [];
    for (let layer = 0; layer + 1 < this.nodes.length; layer++) {
      const sources = this.nodes[layer], targets = this.nodes[layer + 1];
      sources.forEach((source, s) => targets.forEach((target, j) => {
        const line = document.createElementNS(SVG, "line");
        line.setAttribute("class", "link");
        const hit = document.createElementNS(SVG, "line");
        hit.setAttribute("class", "hit");
        const link = { layer, source: s, target: j, from: source, to: target, line, hit, value: 0 };
        hit.addEventListener("click", (e) => this.startEdit(link, e));
        this.svg.append(line, hit);
        this.links.push(link);
      }));
    }
  }

  placeLinks() {
    const box = this.root.getBoundingClientRect();
    for (const link of this.links) {
      const a = link.from.getBoundingClientRect(), b = link.to.getBoundingClientRect();
      for (const line of [link.line, link.hit]) {
        line.setAttribute("x1", a.right - box.left); line.setAttribute("y1", a.top + a.height / 2 - box.top);
        line.setAttribute("x2", b.left - box.left); line.setAttribute("y2", b.top + b.height / 2 - box.top);
      }
    }
  }

  /** Draw a frame: each neuron's picture, the output's, and every link's weight. */
  update(frame, classes) {
    const { arrays } = frame;
    const weights = arrays.weights.data;
    this.links.forEach((link, k) => {
      const w = weights[k];
      link.value = w;
      link.line.setAttribute("stroke", divergingCss(Math.max(-1, Math.min(1, w))));
      link.line.setAttribute("stroke-width", Math.min(0.6 + Math.abs(w) * 1.6, 8).toFixed(2));
    });
    if (arrays.neurons) {
      const side = arrays.neurons.shape[1], size = side * side;
      const ranges = arrays.neuron_range.data;
      this.nodes.slice(1, -1).flat().forEach((node, k) => {
        const bytes = arrays.neurons.data.subarray(k * size, (k + 1) * size);
        drawBytes(node.canvas, bytes, side, neuronLookup(ranges[2 * k], ranges[2 * k + 1]));
      });
    }
    drawOutputThumb(this.nodes[this.nodes.length - 1][0].canvas, frame, classes);
  }

  startEdit(link, event) {
    const box = this.root.parentElement.getBoundingClientRect();
    this.editing = link;
    this.editor.value = link.value.toFixed(3);
    this.editor.style.left = `${event.clientX - box.left}px`;
    this.editor.style.top = `${event.clientY - box.top}px`;
    this.editor.hidden = false;
    this.editor.focus();
    this.editor.select();
  }

  editKey(event) {
    if (event.key === "Escape") this.editor.hidden = true;
    if (event.key !== "Enter" || !this.editing) return;
    const value = Number(this.editor.value);
    const { layer, source, target } = this.editing;
    this.editor.hidden = true;
    if (Number.isFinite(value)) this.actions.weight(layer, source, target, value);
  }
}
