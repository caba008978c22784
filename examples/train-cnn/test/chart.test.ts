import sharp from 'sharp';
import { expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, COLORS, niceTicks, svgToPng, trainingChartSvg } from '../src/chart.js';

const history = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  loss: 1 / epoch,
  accuracy: 1 - 0.4 / epoch,
  testLoss: 0.9 / epoch,
  testAccuracy: 1 - 0.35 / epoch,
}));

const rgb = (hex: string) =>
  [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** The PNG's pixels, and a counter of those close to a colour (antialiased edges blend; cores do not). */
async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const count = (color: [number, number, number], x0 = 0, x1 = info.width) => {
    let found = 0;
    for (let y = 0; y < info.height; y++)
      for (let x = x0; x < x1; x++) {
        const i = (y * info.width + x) * 3;
        if (color.every((c, k) => Math.abs(data[i + k]! - c) <= 8)) found++;
      }
    return found;
  };
  return { info, count };
}

it('writes SVG with real text: titles, tick labels, the axis label and the legend', () => {
  const svg = trainingChartSvg(history);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="480"')).toBe(true);
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const label of ['loss', 'accuracy', 'epoch', 'training', 'held-out', '1', '4', '0.0', '1.0'])
    expect(texts).toContain(label);
  // One line per series per panel, through a point per epoch.
  const series = [...svg.matchAll(/data-name="([^"]+)"[^>]*>\n<polyline points="([^"]+)"/g)];
  expect(series.map((m) => m[1])).toEqual(['training', 'held-out', 'training', 'held-out']);
  for (const m of series) expect(m[2]!.split(' ')).toHaveLength(4);
});

it('rasterises to a PNG with both series in both panels, on white', async () => {
  const { info, count } = await pixels(await svgToPng(trainingChartSvg(history)));
  expect([info.width, info.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
  for (const color of [COLORS.train, COLORS.test]) {
    expect(count(rgb(color), 0, CHART_WIDTH / 2)).toBeGreaterThan(300);
    expect(count(rgb(color), CHART_WIDTH / 2)).toBeGreaterThan(300);
  }
  // Dark text pixels exist (a font was found and drawn), and the background is white.
  expect(count(rgb(COLORS.axis))).toBeGreaterThan(500);
  expect(count([255, 255, 255])).toBeGreaterThan(info.width * info.height * 0.8);
});

it('draws a single epoch and rejects an empty history', async () => {
  const { info } = await pixels(await svgToPng(trainingChartSvg(history.slice(0, 1))));
  expect(info.width).toBe(CHART_WIDTH);
  expect(() => trainingChartSvg([])).toThrow(RangeError);
});

it('picks ticks of 1, 2 or 5 × 10^k that cover the range', () => {
  expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(niceTicks(0, 0.83)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  const t = niceTicks(0.013, 2.7);
  expect(t[0]).toBeLessThanOrEqual(0.013);
  expect(t[t.length - 1]).toBeGreaterThanOrEqual(2.7);
});
