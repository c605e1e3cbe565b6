/** Shared helpers of the runtime tests. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { discoverCollectors, type DiscoveredCollector } from '../../src/runtime/index.js';
import type { Script } from '../fixtures/collectors/scripted.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/collectors/', import.meta.url));
export const EXAMPLES = fileURLToPath(new URL('../../examples/collectors/', import.meta.url));

let fixtures: Promise<DiscoveredCollector[]> | undefined;
/** The fixture collectors (no built-ins), discovered once per test file. */
export function fixtureCollectors(): Promise<DiscoveredCollector[]> {
  fixtures ??= discoverCollectors({ dirs: [FIXTURES], builtin: false });
  return fixtures;
}

/** The value of one sample line (`name{labels}` exactly as rendered), or undefined. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** Every sample line of a metric (by name prefix), for listing series. */
export function seriesOf(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '))
    .map((l) => l.slice(0, l.lastIndexOf(' ')));
}

/** A pino logger that keeps its lines in memory. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

export function writeScript(file: string, s: Script): void {
  writeFileSync(file, JSON.stringify(s));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 10 ms until it holds; fails after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

export const fixturePath = (name: string): string => path.join(FIXTURES, name);
