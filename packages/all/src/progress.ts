/**
 * Progress for long steps: a redrawn bar on a terminal (cli-progress), plain lines otherwise (CI logs,
 * pipes), so a log file never fills with carriage returns.
 *
 * The plain lines are ours: cli-progress's non-terminal mode prints a line every `notTTYSchedule` ms,
 * so a log would depend on how fast the machine ran; here a line marks each `lineEvery` of the work,
 * the same lines on every run.
 */
import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import { SingleBar } from 'cli-progress';

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
const REDRAWS_PER_SECOND = 12.5;

/**
 * cli-progress's bar redraws itself from a timer until stop(). Unreferenced here, so a bar whose work
 * threw before finish() does not keep the process alive.
 */
class TerminalBar extends SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer: NodeJS.Timeout | null }).timer?.unref();
  }
}

export class Progress {
  readonly total: number;
  readonly label: string;
  readonly tty: boolean;
  #stream: ProgressStream;
  #bar: TerminalBar | null = null;
  #done = 0;
  #info = '';
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
      const bar = this.#terminalBar();
      bar.update(this.#done, this.#payload());
      // The last unit is drawn at once, not at the next timer tick.
      if (this.#done === this.total) bar.render();
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
      const bar = this.#terminalBar();
      bar.update(this.total, this.#payload());
      bar.stop(); // draws the final state and ends the line
    } else this.#stream.write(`${this.#line()}\n`);
    this.#finished = true;
  }

  #payload(): { head: string; tail: string } {
    return { head: this.label ? `${this.label} ` : '', tail: this.#info ? ` ${this.#info}` : '' };
  }

  #line(): string {
    const { head, tail } = this.#payload();
    return `${head}${this.#done}/${this.total}${tail}`;
  }

  /** The cli-progress bar, started on first use (so a Progress never advanced draws nothing). */
  #terminalBar(): TerminalBar {
    if (this.#bar) return this.#bar;
    const stream = this.#stream;
    this.#bar = new TerminalBar({
      // The label and info go in as payload values, so braces in them are not read as placeholders.
      format: '{head}{bar} {value}/{total}{tail}',
      barsize: BAR_WIDTH,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      fps: REDRAWS_PER_SECOND,
      // Trim to the terminal's width rather than switch its line wrapping off (a crash would leave it off).
      linewrap: true,
      hideCursor: false,
      gracefulExit: false,
      // A stream forced into terminal mode (tty: true) is drawn on as if it were one.
      stream: {
        write: (text: string) => stream.write(text),
        isTTY: true,
        get columns() {
          return stream.columns;
        },
      } as unknown as NodeJS.WritableStream,
    });
    this.#bar.start(this.total, this.#done, this.#payload());
    return this.#bar;
  }
}
