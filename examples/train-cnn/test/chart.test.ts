import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import { niceTicks, renderTrainingChart } from '../src/chart.js';
import { drawText, textWidth } from '../src/font.js';

const history = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  loss: 1 / epoch,
  accuracy: 1 - 0.4 / epoch,
  testLoss: 0.9 / epoch,
  testAccuracy: 1 - 0.35 / epoch,
}));

function count(png: PNG, rgb: [number, number, number]): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) n++;
  }
  return n;
}

it('draws both series in both panels on a white background', () => {
  const png = PNG.sync.read(renderTrainingChart(history));
  expect([png.width, png.height]).toEqual([1000, 480]);
  const train = count(png, [31, 119, 180]);
  const test = count(png, [230, 97, 0]);
  expect(train).toBeGreaterThan(500);
  expect(test).toBeGreaterThan(500);
  // Both panels hold ink of both colours.
  const inHalf = (rgb: [number, number, number], right: boolean) => {
    let n = 0;
    for (let y = 0; y < png.height; y++)
      for (let x = right ? 500 : 0; x < (right ? 1000 : 500); x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) n++;
      }
    return n;
  };
  for (const right of [false, true]) {
    expect(inHalf([31, 119, 180], right)).toBeGreaterThan(100);
    expect(inHalf([230, 97, 0], right)).toBeGreaterThan(100);
  }
  expect(count(png, [255, 255, 255])).toBeGreaterThan(png.width * png.height * 0.8);
});

it('draws a single epoch and rejects an empty history', () => {
  expect(PNG.sync.read(renderTrainingChart(history.slice(0, 1))).width).toBe(1000);
  expect(() => renderTrainingChart([])).toThrow(RangeError);
});

it('picks ticks of 1, 2 or 5 × 10^k that cover the range', () => {
  expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(niceTicks(0, 0.83)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  const t = niceTicks(0.013, 2.7);
  expect(t[0]).toBeLessThanOrEqual(0.013);
  expect(t[t.length - 1]).toBeGreaterThanOrEqual(2.7);
});

it('draws text with the bitmap font and refuses characters it has no glyph for', () => {
  const pixels: [number, number][] = [];
  drawText('1', 0, 0, 1, (x, y) => pixels.push([x, y]));
  expect(pixels.length).toBe(10); // the glyph of '1' has 10 inked cells
  expect(textWidth('epoch', 2)).toBe((5 * 6 - 1) * 2);
  expect(() => drawText('Ω', 0, 0, 1, () => {})).toThrow(/no glyph/);
});
