/**
 * Progress for long steps: a redrawn bar on a terminal, plain lines otherwise (CI logs, pipes), so a
 * log file never fills with carriage returns.
 */
import { checkOptionKeys, formatValue } from '@rocm-patch/env';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Number of units of work (batches, steps). */
  total: number;
  /** Text in front of the bar, e.g. "epoch 1/5". */
  label?: string;
  /** Where it is drawn (default process.stderr, so stdout stays clean for --json). */
  stream?: ProgressStream;
  /** Force the terminal bar (true) or plain lines (false); default: the stream's isTTY. */
  tty?: boolean;
  /** Plain mode: print a line each time this fraction of the total is passed (default 0.25). */
  lineEvery?: number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 80;

export class Progress {
  readonly total: number;
  readonly label: string;
  readonly tty: boolean;
  #stream: ProgressStream;
  #done = 0;
  #info = '';
  #lastDraw = 0;
  #nextLine: number;
  #lineStep: number;
  #finished = false;

  constructor(options: ProgressOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        `new Progress: options must be an object ({ total, … }), got ${formatValue(options)}`,
      );
    }
    checkOptionKeys('new Progress', 'options', options, ['total', 'label', 'stream', 'tty', 'lineEvery']);
    const { total, label = '', lineEvery = 0.25 } = options;
    if (!Number.isInteger(total) || total < 0) {
      throw new RangeError(`options.total must be a non-negative integer, got ${formatValue(total)}`);
    }
    if (typeof lineEvery !== 'number' || !(lineEvery > 0 && lineEvery <= 1)) {
      throw new RangeError(`options.lineEvery must be a fraction in (0, 1], got ${formatValue(lineEvery)}`);
    }
    this.total = total;
    this.label = label;
    this.#stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.#stream.isTTY === true;
    this.#lineStep = Math.max(1, Math.ceil(total * lineEvery));
    this.#nextLine = this.#lineStep;
  }

  get done(): number {
    return this.#done;
  }

  /** Advances by `n` units; `info` (e.g. "loss 0.31 · 850 img/s") is shown beside the bar. */
  tick(n = 1, info?: string): void {
    this.update(this.#done + n, info);
  }

  /** Sets the units done so far. */
  update(done: number, info?: string): void {
    if (this.#finished) return;
    this.#done = Math.min(this.total, Math.max(0, done));
    if (info !== undefined) this.#info = info;
    if (this.tty) {
      const now = Date.now();
      if (now - this.#lastDraw >= REDRAW_MS || this.#done === this.total) {
        this.#lastDraw = now;
        this.#draw();
      }
    } else if (this.#done >= this.#nextLine && this.#done < this.total) {
      while (this.#nextLine <= this.#done) this.#nextLine += this.#lineStep;
      this.#stream.write(`${this.#line()}\n`);
    }
  }

  /** Completes the bar (or prints the last plain line) with an optional final `info`. */
  finish(info?: string): void {
    if (this.#finished) return;
    if (info !== undefined) this.#info = info;
    this.#done = this.total;
    if (this.tty) {
      this.#draw();
      this.#stream.write('\n');
    } else this.#stream.write(`${this.#line()}\n`);
    this.#finished = true;
  }

  #line(): string {
    const head = this.label ? `${this.label} ` : '';
    const tail = this.#info ? ` ${this.#info}` : '';
    return `${head}${this.#done}/${this.total}${tail}`;
  }

  #draw(): void {
    const fraction = this.total === 0 ? 1 : this.#done / this.total;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const head = this.label ? `${this.label} ` : '';
    const tail = this.#info ? ` ${this.#info}` : '';
    let text = `${head}${bar} ${this.#done}/${this.total}${tail}`;
    const columns = this.#stream.columns;
    if (columns && text.length > columns - 1) text = text.slice(0, columns - 1);
    // \x1b[2K clears the line so a shorter redraw leaves no leftovers.
    this.#stream.write(`\r\x1b[2K${text}`);
  }
}
