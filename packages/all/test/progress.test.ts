import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Progress } from '../src/progress.js';

function stream(isTTY: boolean, columns = 200) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, columns, write: (t: string) => chunks.push(t) } };
}

/** What a terminal shows: control sequences (cursor moves, line clears) taken out. */
const CONTROL = new RegExp(`${String.fromCharCode(27)}(?:\\[[0-9;?]*[A-Za-z]|[78])`, 'g');
const visible = (text: string) => text.replace(CONTROL, '');

it('draws a redrawn bar on a terminal and ends the line when finished', () => {
  const { chunks, s } = stream(true);
  const p = new Progress({ total: 4, label: 'epoch 1/3', stream: s });
  p.tick(1, 'loss 0.9');
  p.update(4, 'loss 0.5');
  p.finish('done');
  const text = chunks.join('');
  // Each draw goes back to the line's start and clears what a longer earlier draw left.
  expect(text).toContain('\u001b[1G');
  expect(text).toContain('\u001b[0K');
  expect(visible(text)).toMatch(/^epoch 1\/3 █+░* 1\/4 loss 0\.9/);
  expect(visible(text)).toMatch(/epoch 1\/3 █{24} 4\/4 done\n$/);
  expect(text).not.toMatch(/\n[\s\S]/); // one line: the newline comes last
  expect(p.done).toBe(4);
});

it('keeps a drawn line within the terminal width, and takes braces in the label literally', () => {
  const { chunks, s } = stream(true, 30);
  const p = new Progress({ total: 2, label: '{value} {bar}', stream: s });
  p.finish('a long description that does not fit');
  const lines = visible(chunks.join('')).split('\n');
  expect(lines[0]).toBe('{value} {bar} ████████████████');
  expect(lines[0]!.length).toBeLessThanOrEqual(30);
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

it('a bar left unfinished (its work threw) does not keep the process alive', () => {
  // The built package (turbo builds it before the tests), as a program uses it.
  const built = join(import.meta.dirname, '..', 'dist', 'index.mjs');
  const script = `
    const { Progress } = await import(${JSON.stringify(built)});
    const p = new Progress({ total: 10, label: 'work', tty: true, stream: { write: () => {} } });
    p.tick(3, 'then it threw');
    console.log('left');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.signal, 'the process hung on the bar timer').toBeNull();
  expect(r.stdout).toBe('left\n');
  expect(r.status).toBe(0);
});

it('rejects bad options, naming them', () => {
  expect(() => new Progress({ total: -1 })).toThrow(/options\.total/);
  expect(() => new Progress({ total: 3, lineEvery: 0 })).toThrow(/options\.lineEvery/);
});
