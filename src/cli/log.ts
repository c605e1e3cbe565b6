/**
 * The exporter's log: pino, to stderr, as logfmt (node_exporter's default) or JSON lines.
 *
 *     ts=2025-01-01T00:00:00.000Z level=info msg=Listening address=[::]:9479 engine=uws
 *
 * logfmt is a pino destination that rewrites each JSON line pino produces: no transport thread,
 * and writes stay synchronous, so the line logged right before an exit is never lost.
 */
import pino, { type Logger } from 'pino';
import type { LogFormat, LogLevel } from './flags.js';

export type { Logger };

/** A sink for finished lines (stderr by default; tests pass their own). */
export interface LineSink {
  write(line: string): unknown;
}

const NEEDS_QUOTES = /[\s"=\\]|^$/;

function logfmtValue(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  else if (v === null || v === undefined) return 'null';
  else if (typeof v === 'object' && 'message' in v && typeof (v as { message: unknown }).message === 'string') s = (v as { message: string }).message;
  else s = JSON.stringify(v);
  return NEEDS_QUOTES.test(s) ? JSON.stringify(s) : s;
}

/** One pino JSON line as a logfmt line: `ts`, `level`, `msg` first, then the other fields. */
export function toLogfmt(record: Record<string, unknown>): string {
  const { time, level, msg, ...rest } = record;
  let line = `ts=${logfmtValue(time)} level=${logfmtValue(level)}`;
  if (msg !== undefined) line += ` msg=${logfmtValue(msg)}`;
  for (const [k, v] of Object.entries(rest)) line += ` ${k}=${logfmtValue(v)}`;
  return line + '\n';
}

export function createLogger(level: LogLevel, format: LogFormat, sink: LineSink = process.stderr): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (format === 'json') return pino(options, { write: (line: string) => sink.write(line) });
  return pino(options, {
    write: (line: string) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        sink.write(line);
        return;
      }
      sink.write(toLogfmt(record));
    },
  });
}
