/**
 * node_exporter's textfile collector: the samples of every `*.prom` file in the folders given
 * with `--collector.textfile.directory` (repeatable), as node_exporter 1.5 serves them, plus
 * `node_textfile_mtime_seconds{file}` for each file that was read whole and
 * `node_textfile_scrape_error` (1 when a folder or a file could not be read or parsed).
 *
 * A bad file (unreadable, malformed, or with client-side timestamps) is skipped whole and
 * reported with a warning; the other files are served. The rules for combining files
 * (duplicate series, inconsistent HELP or type) are node_exporter's: see src/textfile/gather.ts.
 * Reading and parsing happen here, in the worker thread that runs the collector; the families
 * go to the main thread ready to render (`ctx.emit`).
 *
 * Difference: node_exporter 1.5 takes one directory (or glob); here the flag is repeatable,
 * each folder read in the order given, and no glob is expanded.
 */
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { defineCollector } from '../src/collector/define.js';
import { gatherTextfiles, type ParsedTextfile } from '../src/textfile/gather.js';
import { hasTimestamps, parseTextFormat } from '../src/textfile/parse.js';

/** Go's sort order of file names (bytewise). */
function byName(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Reads and parses one file: its families and mtime (whole seconds), or why it was skipped. */
async function readTextfile(file: string, signal: AbortSignal): Promise<{ parsed: ParsedTextfile; mtime: number } | { error: string }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    return { error: `failed to open textfile data file ${JSON.stringify(file)}: ${(e as Error).message}` };
  }
  try {
    let families;
    try {
      let bytes: Uint8Array;
      try {
        bytes = await handle.readFile({ signal });
      } catch (e) {
        // node_exporter 1.5's parser takes a read error at the start of a line for the end of
        // the input: a folder named `x.prom` reads as an empty file (and gets an mtime).
        if ((e as { code?: string }).code !== 'EISDIR') throw e;
        bytes = new Uint8Array(0);
      }
      families = parseTextFormat(bytes);
    } catch (e) {
      if (signal.aborted) throw e;
      return { error: `failed to parse textfile data from ${JSON.stringify(file)}: ${(e as Error).message}` };
    }
    if (hasTimestamps(families)) return { error: `textfile ${JSON.stringify(file)} contains unsupported client-side timestamps, skipping entire file` };
    // Only stat once the file has parsed, so that a failure does not look fresh.
    const stat = await handle.stat({ bigint: true });
    return { parsed: { path: file, families }, mtime: Number(stat.mtimeNs / 1_000_000_000n) };
  } finally {
    await handle.close();
  }
}

export default defineCollector({
  name: 'textfile',
  help: 'Samples from *.prom files (node_exporter textfile collector)',
  options: {
    directory: {
      type: 'string[]',
      default: [],
      flag: 'collector.textfile.directory',
      help: 'Directory to read text files with metrics from (*.prom, Prometheus text format). Repeatable.',
    },
  },
  metrics: {
    mtime: { type: 'gauge', name: 'node_textfile_mtime_seconds', help: 'Unixtime mtime of textfiles successfully read.', labelNames: ['file'] },
    scrapeError: { type: 'gauge', name: 'node_textfile_scrape_error', help: '1 if there was an error opening or reading a file, 0 otherwise' },
  },
  async collect({ metrics, options, signal, emit, warn }) {
    if (!emit) throw new Error('the textfile collector needs a runtime with ctx.emit');
    const dirs = (options.directory as string[] | undefined) ?? [];
    let errored = false;
    const parsed: ParsedTextfile[] = [];
    const mtimes: [string, number][] = [];
    for (const dir of dirs) {
      if (dir === '') continue;
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        errored = true;
        warn?.(`failed to read textfile collector directory ${JSON.stringify(dir)}: ${(e as Error).message}`);
        continue;
      }
      for (const name of names.filter((n) => n.endsWith('.prom')).sort(byName)) {
        signal.throwIfAborted();
        const file = path.join(dir, name);
        const r = await readTextfile(file, signal);
        if ('error' in r) {
          errored = true;
          warn?.(`failed to collect textfile data: ${r.error}`);
          continue;
        }
        parsed.push(r.parsed);
        mtimes.push([file, r.mtime]);
      }
    }
    const { families, problems } = gatherTextfiles(parsed);
    for (const p of problems) warn?.(`textfile: ${p}`);
    for (const f of families) emit(f);
    for (const [file, mtime] of mtimes) metrics.mtime.set({ file }, mtime);
    metrics.scrapeError.set(errored ? 1 : 0);
  },
});
