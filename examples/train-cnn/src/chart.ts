/**
 * The training chart: two panels (loss, accuracy) with a line per series (training, held-out) per
 * epoch, axes with ticks and labels, and a legend. Written as SVG (real text, crisp at any size) and
 * rasterised to PNG by sharp (librsvg), for viewers that show no SVG.
 */
import sharp from 'sharp';

export interface ChartPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
}

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 480;
export const COLORS = {
  train: '#1f77b4',
  test: '#e66100',
  axis: '#282828',
  grid: '#e1e1e1',
} as const;

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
  color: string;
  values: number[];
}

/** Coordinates with two decimals: enough for a crisp line, short SVG. */
const n = (v: number) => Number(v.toFixed(2));

/** One panel's SVG elements, at (x, y) with size w × h. */
function panel(
  x: number,
  y: number,
  w: number,
  h: number,
  title: string,
  epochs: number[],
  series: Series[],
  fixed?: [number, number],
): string[] {
  const left = x + 70;
  const top = y + 50;
  const plotW = w - 110;
  const plotH = h - 140;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const ticks = fixed
    ? niceTicks(fixed[0], fixed[1])
    : niceTicks(Math.min(0, ...all), Math.max(...all, 1e-3));
  const yMin = ticks[0]!;
  const yMax = ticks[ticks.length - 1]!;
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const e0 = epochs[0] ?? 1;
  const e1 = epochs[epochs.length - 1] ?? e0;
  const px = (epoch: number) => n(left + (e1 === e0 ? plotW / 2 : ((epoch - e0) / (e1 - e0)) * plotW));
  const py = (v: number) => n(top + plotH - ((v - yMin) / (yMax - yMin)) * plotH);
  const bottom = top + plotH;

  const out: string[] = [
    `<g class="panel">`,
    `<text x="${n(left + plotW / 2)}" y="${y + 30}" text-anchor="middle" font-size="22" font-weight="bold">${title}</text>`,
  ];
  for (const t of ticks) {
    const ty = py(t);
    out.push(
      `<line x1="${left}" y1="${ty}" x2="${left + plotW}" y2="${ty}" stroke="${COLORS.grid}"/>`,
      `<line x1="${left - 5}" y1="${ty}" x2="${left}" y2="${ty}" stroke="${COLORS.axis}"/>`,
      `<text x="${left - 10}" y="${ty}" text-anchor="end" dominant-baseline="central">${formatTick(t, step)}</text>`,
    );
  }
  const epochStep = Math.max(1, Math.ceil(epochs.length / 10));
  for (const [i, epoch] of epochs.entries()) {
    if (i % epochStep !== 0 && i !== epochs.length - 1) continue;
    const ex = px(epoch);
    out.push(
      `<line x1="${ex}" y1="${bottom}" x2="${ex}" y2="${bottom + 5}" stroke="${COLORS.axis}"/>`,
      `<text x="${ex}" y="${bottom + 22}" text-anchor="middle">${epoch}</text>`,
    );
  }
  out.push(
    `<polyline points="${left},${top} ${left},${bottom} ${left + plotW},${bottom}" fill="none" stroke="${COLORS.axis}" stroke-width="2"/>`,
    `<text x="${n(left + plotW / 2)}" y="${bottom + 46}" text-anchor="middle">epoch</text>`,
  );

  for (const s of series) {
    const points = s.values
      .map((v, i) => (Number.isFinite(v) ? `${px(epochs[i]!)},${py(v)}` : null))
      .filter((p): p is string => p !== null);
    out.push(
      `<g class="series" data-name="${s.name}" stroke="${s.color}" fill="${s.color}">`,
      `<polyline points="${points.join(' ')}" fill="none" stroke-width="3" stroke-linejoin="round"/>`,
      ...points.map((p) => {
        const [cx, cy] = p.split(',');
        return `<circle cx="${cx}" cy="${cy}" r="4.5"/>`;
      }),
      `</g>`,
    );
  }
  // Legend, right-aligned below the axis label.
  const ly = bottom + 76;
  let lx = left + plotW;
  const legend: string[] = [];
  for (const s of [...series].reverse()) {
    const textWidth = s.name.length * 8.5; // 16px sans-serif, about 0.53 em per character
    lx -= textWidth + 40;
    legend.push(
      `<line x1="${n(lx)}" y1="${ly}" x2="${n(lx + 26)}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`,
      `<text x="${n(lx + 32)}" y="${ly}" dominant-baseline="central">${s.name}</text>`,
    );
    lx -= 20;
  }
  out.push(...legend, `</g>`);
  return out;
}

/** The chart as an SVG document. */
export function trainingChartSvg(history: readonly ChartPoint[]): string {
  if (!Array.isArray(history) || history.length === 0) {
    throw new RangeError('history must hold at least one epoch');
  }
  const epochs = history.map((h) => h.epoch);
  const pick = (f: (h: ChartPoint) => number) => history.map(f);
  const lowest = Math.min(...pick((h) => Math.min(h.accuracy, h.testAccuracy)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="16" fill="${COLORS.axis}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...panel(0, 0, CHART_WIDTH / 2, CHART_HEIGHT, 'loss', epochs, [
      { name: 'training', color: COLORS.train, values: pick((h) => h.loss) },
      { name: 'held-out', color: COLORS.test, values: pick((h) => h.testLoss) },
    ]),
    ...panel(
      CHART_WIDTH / 2,
      0,
      CHART_WIDTH / 2,
      CHART_HEIGHT,
      'accuracy',
      epochs,
      [
        { name: 'training', color: COLORS.train, values: pick((h) => h.accuracy) },
        { name: 'held-out', color: COLORS.test, values: pick((h) => h.testAccuracy) },
      ],
      [Math.max(0, (Number.isFinite(lowest) ? lowest : 0) - 0.05), 1],
    ),
    `</svg>`,
    '',
  ].join('\n');
}

/** The SVG rasterised to PNG by sharp (librsvg; the text in a font fontconfig finds, DejaVu Sans on Debian). */
export function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}
