// The training and test loss over the epochs: a small line chart redrawn each frame.

const MAX_POINTS = 1000;

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.clear();
  }

  clear() { this.points = []; }

  /** Add the losses of one frame (skipped when the epoch did not move). */
  add(epoch, train, test) {
    if (train == null || test == null) return;
    const last = this.points[this.points.length - 1];
    if (last && last[0] === epoch) { this.points[this.points.length - 1] = [epoch, train, test]; return; }
    this.points.push([epoch, train, test]);
    if (this.points.length > MAX_POINTS) this.points = this.points.filter((_, i) => i % 2 === 0);
  }

  draw() {
    const { canvas, points } = this;
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (points.length < 2) return;
    const top = Math.max(...points.map((p) => Math.max(p[1], p[2])), 1e-9);
    const first = points[0][0], span = Math.max(points[points.length - 1][0] - first, 1);
    const line = (column, style, dash) => {
      ctx.beginPath();
      ctx.setLineDash(dash);
      ctx.strokeStyle = style;
      ctx.lineWidth = 1.5;
      points.forEach((p, i) => {
        const x = ((p[0] - first) / span) * (canvas.width - 2) + 1;
        const y = canvas.height - 2 - (p[column] / top) * (canvas.height - 6);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    };
    line(1, "#999", []);
    line(2, "#222", []);
    ctx.setLineDash([]);
  }
}
