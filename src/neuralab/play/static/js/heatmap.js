// The output heatmap with the data points, and the small pictures of single neurons.

import { CLASS_COLORS, DIVERGING, divergingCss, paint, rgb } from "./colors.js";

const CLASS_RGB = CLASS_COLORS.map(rgb);
const WHITE = [255, 255, 255];
const SOFT = 0.4; // the background is lightened by this much so that the points stand out

function soften(c) { return c.map((v) => Math.round(v + (255 - v) * SOFT)); }
function blend(a, b, t) { return a.map((v, i) => Math.round(v + (b[i] - v) * t)); }
const SOFT_DIVERGING = DIVERGING.map(soften);

/** A lookup byte → colour for one neuron whose bytes span [low, high] of its output. */
export function neuronLookup(low, high) {
  const scale = Math.max(Math.abs(low), Math.abs(high), 1e-9);
  return Array.from({ length: 256 }, (_, q) => {
    const v = low + (q / 255) * (high - low);
    return DIVERGING[Math.max(0, Math.min(255, Math.round((v / scale + 1) / 2 * 255)))];
  });
}

/** Draw side×side bytes on `canvas` (scaled to its size) with lookup(q, i) → rgb. */
export function drawBytes(canvas, bytes, side, lookup, smooth = true) {
  const off = drawBytes.off || (drawBytes.off = document.createElement("canvas"));
  off.width = side; off.height = side;
  const offCtx = off.getContext("2d");
  const fn = typeof lookup === "function" ? lookup : (q) => lookup[q];
  offCtx.putImageData(paint(offCtx, bytes, side, fn), 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = smooth;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

/** The lookup for the output map: a value or class-1 probability on the diverging scale, or
 *  for k > 2 classes the predicted class's colour, paler where the network is unsure. */
function outputLookup(arrays, classes, discretize) {
  if (classes > 2) {
    const confidence = arrays.confidence.data;
    return (q, i) => {
      const sure = discretize ? 1 : Math.max(0, (confidence[i] / 255 - 1 / classes) / (1 - 1 / classes));
      return soften(blend(WHITE, CLASS_RGB[q] || WHITE, sure));
    };
  }
  if (discretize) return (q) => SOFT_DIVERGING[q < 128 ? 0 : 255];
  return (q) => SOFT_DIVERGING[q];
}

function pointColor(y, classes) {
  return classes === 0 ? divergingCss(Math.max(-1, Math.min(1, y))) : CLASS_COLORS[y] || "#000";
}

/** Draw the points x (n×2 flat) with labels y on canvas for the square [−d, d]². */
function drawPoints(ctx, x, y, classes, domain, stroke) {
  const w = ctx.canvas.width, h = ctx.canvas.height;
  ctx.lineWidth = 1;
  ctx.strokeStyle = stroke;
  for (let i = 0; i < y.length; i++) {
    const px = ((x[2 * i] + domain) / (2 * domain)) * w;
    const py = ((domain - x[2 * i + 1]) / (2 * domain)) * h;
    ctx.beginPath();
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = pointColor(y[i], classes);
    ctx.fill();
    ctx.stroke();
  }
}

/** Draw the heatmap: the network's output (or one neuron's, on hover) and the points. */
export function drawHeatmap(canvas, frame, data, view, neuron) {
  if (!frame || !data) return;
  const { arrays } = frame;
  if (neuron) {
    drawBytes(canvas, neuron.bytes, neuron.side, neuronLookup(neuron.low, neuron.high).map(soften));
  } else {
    const side = arrays.output.shape[0];
    drawBytes(canvas, arrays.output.data, side, outputLookup(arrays, data.classes, view.discretize),
      !view.discretize);
  }
  const ctx = canvas.getContext("2d");
  drawPoints(ctx, data.x_train, data.y_train, data.classes, data.domain, "#fff");
  if (view.showTest) drawPoints(ctx, data.x_test, data.y_test, data.classes, data.domain, "#000");
}

/** The output map as a small picture (the output node of the network diagram). */
export function drawOutputThumb(canvas, frame, classes) {
  const side = frame.arrays.output.shape[0];
  drawBytes(canvas, frame.arrays.output.data, side, outputLookup(frame.arrays, classes, false));
}
