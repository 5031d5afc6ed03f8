// Colour scales: TensorFlow Playground's orange (−1) – white (0) – blue (+1), and class colours.

export const CLASS_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728"];
const LOW = [245, 147, 34], MID = [232, 234, 235], HIGH = [8, 119, 189];

function mix(a, b, t) { return a.map((v, i) => Math.round(v + (b[i] - v) * t)); }

/** 256 RGB triples: byte q ↦ the colour of v = q/255·2 − 1 on the diverging scale. */
export const DIVERGING = Array.from({ length: 256 }, (_, q) => {
  const v = (q / 255) * 2 - 1;
  return v < 0 ? mix(MID, LOW, -v) : mix(MID, HIGH, v);
});

/** "#rrggbb" → [r, g, b]. */
export function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** The colour of value v in [−1, 1] as CSS. */
export function divergingCss(v) {
  const q = Math.max(0, Math.min(255, Math.round((v + 1) / 2 * 255)));
  const [r, g, b] = DIVERGING[q];
  return `rgb(${r},${g},${b})`;
}

/** Paint `bytes` (side × side, row-major) into an ImageData with lookup(q) → [r, g, b]. */
export function paint(ctx, bytes, side, lookup) {
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const [r, g, b] = lookup(bytes[i], i);
    image.data[4 * i] = r; image.data[4 * i + 1] = g; image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  return image;
}
