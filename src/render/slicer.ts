/**
 * Cooperative slicing of a long render on the main thread: the render calls `maybeYield()` often
 * (every few thousand series); once the current slice has run for `sliceMs`, it waits for the
 * event loop to go round (setImmediate: I/O callbacks run first), so `/-/healthy`, other scrapes
 * and socket writes get their turn during a render of millions of series.
 */
export const DEFAULT_SLICE_MS = 8;

export class Slicer {
  readonly #sliceMs: number;
  #sliceEnd: number;
  /** Times the render gave way. */
  yields = 0;

  constructor(sliceMs = DEFAULT_SLICE_MS) {
    this.#sliceMs = sliceMs;
    this.#sliceEnd = performance.now() + sliceMs;
  }

  /** True when the slice is over (the caller should `await yieldNow()`). */
  due(): boolean {
    return performance.now() >= this.#sliceEnd;
  }

  async yieldNow(): Promise<void> {
    this.yields++;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceEnd = performance.now() + this.#sliceMs;
  }

  async maybeYield(): Promise<void> {
    if (this.due()) await this.yieldNow();
  }
}
