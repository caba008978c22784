/**
 * The training chart: two panels (loss, accuracy) with a line per series (training, held-out) per
 * epoch, axes with ticks and labels, and a legend; written as a PNG with pngjs.
 */
import { PNG } from 'pngjs';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.js';

export interface ChartPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
}

type Rgb = readonly [number, number, number];

const WIDTH = 1000;
const HEIGHT = 480;
const TEXT = 2;
const COLORS = {
  train: [31, 119, 180],
  test: [230, 97, 0],
  axis: [40, 40, 40],
  grid: [225, 225, 225],
} as const;

class Canvas {
  readonly png: PNG;
  constructor(width: number, height: number) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }
  set(x: number, y: number, [r, g, b]: Rgb): void {
    const { width, height, data } = this.png;
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= width || yi >= height) return;
    const i = (yi * width + xi) * 4;
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = 255;
  }
  rect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) this.set(x + xx, y + yy, color);
  }
  /** A line `thickness` pixels wide (a square brush stamped along it). */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      this.rect(Math.round(x) - half, Math.round(y) - half, thickness, thickness, color);
    }
  }
  text(text: string, x: number, y: number, color: Rgb, scale = TEXT): void {
    drawText(text, x, y, scale, (px, py) => this.set(px, py, color));
  }
}

/** "Nice" tick values covering [min, max]: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max - min < 1e-9) {
    max = min + 1;
  }
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-6; v += step)
    ticks.push(Number(v.toFixed(10)));
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(4, -Math.floor(Math.log10(step))));
  return v.toFixed(decimals);
}

interface Series {
  name: string;
  color: Rgb;
  values: number[];
}

function panel(
  canvas: Canvas,
  x: number,
  y: number,
  w: number,
  h: number,
  title: string,
  epochs: number[],
  series: Series[],
  fixed?: [number, number],
) {
  const left = x + 70;
  const top = y + 40;
  const plotW = w - 110;
  const plotH = h - 130;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const ticks = fixed
    ? niceTicks(fixed[0], fixed[1])
    : niceTicks(Math.min(0, ...all), Math.max(...all, 1e-3));
  const yMin = ticks[0]!;
  const yMax = ticks[ticks.length - 1]!;
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const e0 = epochs[0] ?? 1;
  const e1 = epochs[epochs.length - 1] ?? e0;
  const px = (epoch: number) => left + (e1 === e0 ? plotW / 2 : ((epoch - e0) / (e1 - e0)) * plotW);
  const py = (v: number) => top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;

  canvas.text(title, left + (plotW - textWidth(title, TEXT + 1)) / 2, y + 8, COLORS.axis, TEXT + 1);
  for (const t of ticks) {
    const ty = py(t);
    canvas.line(left, ty, left + plotW, ty, COLORS.grid);
    canvas.line(left - 5, ty, left, ty, COLORS.axis);
    const label = formatTick(t, step);
    canvas.text(label, left - 10 - textWidth(label, TEXT), ty - (GLYPH_HEIGHT * TEXT) / 2, COLORS.axis);
  }
  const epochStep = Math.max(1, Math.ceil(epochs.length / 10));
  for (const [i, epoch] of epochs.entries()) {
    if (i % epochStep !== 0 && i !== epochs.length - 1) continue;
    const ex = px(epoch);
    canvas.line(ex, top + plotH, ex, top + plotH + 5, COLORS.axis);
    const label = String(epoch);
    canvas.text(label, ex - textWidth(label, TEXT) / 2, top + plotH + 10, COLORS.axis);
  }
  canvas.line(left, top, left, top + plotH, COLORS.axis, 2);
  canvas.line(left, top + plotH, left + plotW, top + plotH, COLORS.axis, 2);
  canvas.text('epoch', left + (plotW - textWidth('epoch', TEXT)) / 2, top + plotH + 30, COLORS.axis);

  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      const cx = px(epochs[i]!);
      const cy = py(v);
      const prev = s.values[i - 1];
      if (i > 0 && prev !== undefined && Number.isFinite(prev))
        canvas.line(px(epochs[i - 1]!), py(prev), cx, cy, s.color, 3);
      canvas.rect(cx - 4, cy - 4, 9, 9, s.color);
    }
  }
  // Legend, bottom right inside the plot frame's lower band.
  const ly = top + plotH + 60;
  let lx = left + plotW;
  for (const s of [...series].reverse()) {
    const wText = textWidth(s.name, TEXT);
    lx -= wText + 40;
    canvas.line(lx, ly + 6, lx + 26, ly + 6, s.color, 3);
    canvas.text(s.name, lx + 32, ly, COLORS.axis);
    lx -= 20;
  }
}

/** The chart as PNG bytes. */
export function renderTrainingChart(history: readonly ChartPoint[]): Buffer {
  if (!Array.isArray(history) || history.length === 0) {
    throw new RangeError('history must hold at least one epoch');
  }
  const canvas = new Canvas(WIDTH, HEIGHT);
  const epochs = history.map((h) => h.epoch);
  const pick = (f: (h: ChartPoint) => number) => history.map(f);
  panel(canvas, 0, 0, WIDTH / 2, HEIGHT, 'loss', epochs, [
    { name: 'training', color: COLORS.train, values: pick((h) => h.loss) },
    { name: 'held-out', color: COLORS.test, values: pick((h) => h.testLoss) },
  ]);
  panel(
    canvas,
    WIDTH / 2,
    0,
    WIDTH / 2,
    HEIGHT,
    'accuracy',
    epochs,
    [
      { name: 'training', color: COLORS.train, values: pick((h) => h.accuracy) },
      { name: 'held-out', color: COLORS.test, values: pick((h) => h.testAccuracy) },
    ],
    [Math.max(0, Math.min(...pick((h) => Math.min(h.accuracy, h.testAccuracy))) - 0.05), 1],
  );
  return PNG.sync.write(canvas.png);
}
