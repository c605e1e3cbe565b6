/**
 * Stopping the exporter on SIGTERM or SIGINT, as a container runtime expects: stop accepting
 * connections, let the scrapes in flight finish, run the shutdown hooks (a last push to the
 * Pushgateway when pushing is configured), stop the collector pool, exit 0, all within 5 s
 * (Kubernetes' grace period is 30 s by default, Docker's stop timeout 10 s). A second signal
 * exits at once.
 *
 * Each step gets what is left of the budget: scrapes in flight up to `drainMs`, hooks until the
 * deadline (their AbortSignal fires then), the pool what remains; a step that overruns is cut
 * short and logged, and the exit is still 0: everything that could be served was.
 */
import type { Logger } from './log.js';

/** Work to do once at shutdown, after the scrapes in flight and before the collectors stop. */
export interface ShutdownHook {
  /** For the log, e.g. `push`. */
  readonly name: string;
  /** `signal` aborts when the shutdown budget runs out; the hook should give up then. */
  run(signal: AbortSignal): Promise<void> | void;
}

export interface ShutdownTimings {
  /** Everything, from the signal to the exit. Default 5000 ms. */
  readonly totalMs?: number;
  /** At most this long for scrapes in flight. Default 3000 ms. */
  readonly drainMs?: number;
  /** Kept back at the end for the exit itself. Default 250 ms. */
  readonly marginMs?: number;
}

export interface Stoppable {
  readonly server: { close(graceMs?: number): Promise<void>; readonly inFlight: number };
  readonly runtime: { stop(): Promise<void> };
  readonly logger: Logger;
  readonly shutdownHooks: readonly ShutdownHook[];
}

function within<T>(p: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then((value) => ({ done: true as const, value })),
    new Promise<{ done: false }>((resolve) => (timer = setTimeout(() => resolve({ done: false }), Math.max(0, ms)))),
  ]).finally(() => clearTimeout(timer));
}

/** Runs the shutdown steps within the budget. Never rejects: failures are logged. */
export async function shutdown(x: Stoppable, timings: ShutdownTimings = {}): Promise<void> {
  const totalMs = timings.totalMs ?? 5000;
  const drainMs = timings.drainMs ?? 3000;
  const marginMs = timings.marginMs ?? 250;
  const start = performance.now();
  const left = (): number => totalMs - marginMs - (performance.now() - start);
  const { logger } = x;

  // 1. Stop accepting; scrapes in flight finish (or are cut at drainMs).
  const inFlight = x.server.inFlight;
  const drainStart = performance.now();
  await x.server.close(Math.min(drainMs, left()));
  if (inFlight > 0) logger.info({ requests: inFlight, ms: Math.round(performance.now() - drainStart) }, 'Finished requests in flight');

  // 2. Hooks (a last push), together, until the deadline.
  if (x.shutdownHooks.length > 0) {
    const controller = new AbortController();
    const runs = x.shutdownHooks.map(async (h) => {
      const t = performance.now();
      try {
        await h.run(controller.signal);
        logger.info({ hook: h.name, ms: Math.round(performance.now() - t) }, 'Shutdown hook done');
      } catch (err) {
        logger.error({ hook: h.name, err: err instanceof Error ? err.message : String(err) }, 'Shutdown hook failed');
      }
    });
    const r = await within(Promise.all(runs), left());
    if (!r.done) {
      controller.abort(new Error('shutdown deadline'));
      logger.warn({ hooks: x.shutdownHooks.map((h) => h.name).join(',') }, 'Shutdown hooks cut short: the shutdown deadline passed');
    }
  }

  // 3. The collector pool.
  const stopped = await within(
    x.runtime.stop().catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'error stopping the collectors')),
    left(),
  );
  if (!stopped.done) logger.warn({}, 'Collector threads did not stop in time; exiting anyway');
}

export interface SignalOptions extends ShutdownTimings {
  /** Default process.exit. */
  readonly exit?: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
}

/**
 * Installs SIGTERM/SIGINT handlers: the first signal calls `run` (the shutdown) and exits 0 when
 * it resolves, 1 when it rejects or overruns `totalMs`; a second signal exits 1 at once.
 * Returns a function that removes the handlers.
 */
export function onStopSignals(run: (signal: NodeJS.Signals) => Promise<void>, logger: () => Logger, options: SignalOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let signalled = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger().warn({ signal }, 'Second signal: exiting now');
      exit(1);
      return;
    }
    signalled = true;
    logger().info({ signal }, 'Shutting down');
    const force = setTimeout(() => {
      logger().error({}, `shutdown took longer than ${options.totalMs ?? 5000} ms: exiting`);
      exit(1);
    }, options.totalMs ?? 5000);
    force.unref();
    void run(signal).then(
      () => {
        clearTimeout(force);
        logger().info({}, 'Stopped');
        exit(0);
      },
      (err: unknown) => {
        clearTimeout(force);
        logger().error({ err: err instanceof Error ? err.message : String(err) }, 'error while shutting down');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
