/**
 * One log line per collector failure, rate-limited per collector: the first failure is logged
 * at once, later ones at most once per `intervalMs`, with the number left out since. `nodata`
 * is logged at debug level (nothing to report on this machine is not an error), as
 * node_exporter does; a recovery after a logged failure is logged once at info.
 */
import type { Logger } from 'pino';
import type { RunOutcome } from './self-metrics.js';

interface CollectorLogState {
  lastLoggedAt: number;
  suppressed: number;
  failing: boolean;
}

export class FailureLog {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #state = new Map<string, CollectorLogState>();

  constructor(logger: Logger, intervalMs: number) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  record(collector: string, outcome: RunOutcome, message: string | undefined, durationMs: number, nowMs = Date.now()): void {
    let s = this.#state.get(collector);
    if (!s) this.#state.set(collector, (s = { lastLoggedAt: -Infinity, suppressed: 0, failing: false }));
    if (outcome === 'ok') {
      if (s.failing) {
        s.failing = false;
        this.#logger.info({ collector, suppressed: s.suppressed }, 'collector recovered');
        s.suppressed = 0;
      }
      return;
    }
    if (outcome === 'nodata') {
      this.#logger.debug({ collector, err: message }, 'collector returned no data');
      return;
    }
    if (nowMs - s.lastLoggedAt < this.#intervalMs) {
      s.suppressed++;
      return;
    }
    const fields = { collector, result: outcome, err: message ?? outcome, duration_seconds: Math.round(durationMs) / 1000, suppressed: s.suppressed };
    this.#logger.error(fields, 'collector failed');
    // Only a logged failure is followed by a "recovered" line: a flapping collector logs at most
    // one failure and one recovery per interval.
    s.failing = true;
    s.lastLoggedAt = nowMs;
    s.suppressed = 0;
  }
}
