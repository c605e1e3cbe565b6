/**
 * A progress bar on stderr. On a TTY it redraws one line (at most ~10 times a second); when
 * stderr is a file or a pipe it prints a plain line at every 10% instead, so CI logs stay short.
 *
 * `BENCH_PROGRESS=0` silences it. `BENCH_PREFIX` (set by bench/run.ts, e.g. `[2/3 core]`) is put
 * in front of every line so the suite's position shows while a bench runs.
 */
const enabled = process.env.BENCH_PROGRESS !== '0';
const prefix = process.env.BENCH_PREFIX ? process.env.BENCH_PREFIX + ' ' : '';

export class Progress {
  readonly #label: string;
  readonly #total: number;
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #start = performance.now();
  #done = 0;
  #note = '';
  #lastDraw = 0;
  #lastDecile = -1;
  #open = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#label = label;
    this.#total = Math.max(1, total);
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
    this.#draw(true);
    // On a TTY the elapsed time keeps moving during a long step (a child process measuring).
    if (enabled && this.#tty) {
      this.#timer = setInterval(() => this.#draw(true), 1000);
      this.#timer.unref();
    }
  }

  /** Advances by `n` steps; `note` says what runs now (e.g. `prom-client 500k render`). */
  tick(n = 1, note?: string): void {
    this.update(this.#done + n, note);
  }

  update(done: number, note?: string): void {
    this.#done = Math.min(done, this.#total);
    if (note !== undefined) this.#note = note;
    this.#draw(false);
  }

  /** Sets the note without advancing (the step that starts now). */
  note(note: string): void {
    this.#note = note;
    this.#draw(false);
  }

  /** Prints a line above the bar without garbling it. */
  log(line: string): void {
    if (!enabled) return;
    if (this.#open) this.#stream.write('\r\x1b[K');
    this.#stream.write(prefix + line + '\n');
    this.#open = false;
    this.#draw(true);
  }

  /** Completes the bar and ends its line. */
  done(note = 'done'): void {
    clearInterval(this.#timer);
    this.#done = this.#total;
    this.#note = note;
    this.#draw(true);
    if (enabled && this.#tty) this.#stream.write('\n');
    this.#open = false;
  }

  #line(): string {
    const frac = this.#done / this.#total;
    const width = 24;
    const full = Math.round(frac * width);
    const elapsed = (performance.now() - this.#start) / 1000;
    const eta = frac > 0 && frac < 1 ? ` eta ${Math.round((elapsed / frac) * (1 - frac))}s` : '';
    return `${prefix}${this.#label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${this.#done}/${this.#total} ${elapsed.toFixed(1)}s${eta} ${this.#note}`;
  }

  #draw(force: boolean): void {
    if (!enabled) return;
    const now = performance.now();
    if (this.#tty) {
      if (!force && now - this.#lastDraw < 100 && this.#done < this.#total) return;
      this.#lastDraw = now;
      const cols = this.#stream.columns ?? 120;
      this.#stream.write('\r\x1b[K' + this.#line().slice(0, cols - 1));
      this.#open = true;
      return;
    }
    const decile = Math.floor((this.#done / this.#total) * 10);
    if (decile === this.#lastDecile && !force) return;
    if (force && decile === this.#lastDecile && this.#done < this.#total) return;
    this.#lastDecile = decile;
    this.#stream.write(this.#line() + '\n');
  }
}
