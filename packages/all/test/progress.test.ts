import { expect, it } from 'vitest';
import { Progress } from '../src/progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, columns: 200, write: (t: string) => chunks.push(t) } };
}

it('draws a redrawn bar on a terminal and ends the line when finished', () => {
  const { chunks, s } = stream(true);
  const p = new Progress({ total: 4, label: 'epoch 1/3', stream: s });
  p.tick(1, 'loss 0.9');
  p.update(4, 'loss 0.5');
  p.finish('done');
  const text = chunks.join('');
  expect(text.startsWith('\r\u001b[2Kepoch 1/3 ')).toBe(true);
  expect(text).toMatch(/epoch 1\/3 █+░* 1\/4 loss 0\.9/);
  expect(text).toMatch(/████████████████████████ 4\/4 done\n$/);
  expect(p.done).toBe(4);
});

it('prints plain lines (no carriage returns) at each quarter when not on a terminal', () => {
  const { chunks, s } = stream(false);
  const p = new Progress({ total: 8, label: 'e', stream: s });
  for (let i = 0; i < 8; i++) p.tick(1, `step ${i + 1}`);
  p.finish();
  expect(chunks).toEqual(['e 2/8 step 2\n', 'e 4/8 step 4\n', 'e 6/8 step 6\n', 'e 8/8 step 8\n']);
  p.tick(); // after finish: nothing more
  expect(chunks).toHaveLength(4);
});

it('rejects bad options, naming them', () => {
  expect(() => new Progress({ total: -1 })).toThrow(/options\.total/);
  expect(() => new Progress({ total: 3, lineEvery: 0 })).toThrow(/options\.lineEvery/);
});
