#!/usr/bin/env -S node --single-threaded-gc
/** The `atomic-exporter` command (package.json `bin`). */
import { setFlagsFromString } from 'node:v8';
import { main } from './cli/main.js';

// Scrape latency is the main thread's: with parallel scavenges, a minor GC on a busy 2-core
// host waited 40–100 ms for helper threads to get a core (bench/runtime-faults.ts: max scrape
// latency 255 ms with, 69 ms without). V8 reads this flag at every scavenge, so setting it here,
// before the exporter allocates, covers `npm start`, the bin and the container alike.
// ATOMIC_EXPORTER_PARALLEL_SCAVENGE=1 keeps V8's default. The shebang's --single-threaded-gc
// (src/cli/node-flags.ts) implies it; this covers `node dist/src/cli.js` without the flag.
if (process.env.ATOMIC_EXPORTER_PARALLEL_SCAVENGE !== '1') setFlagsFromString('--no-parallel-scavenge');

const status = await main(process.argv.slice(2));
if (status !== undefined) process.exitCode = status;
