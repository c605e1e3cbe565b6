/**
 * `npm run bench [-- NAME ...] [--quick] [--out DIR] [--list]`
 *
 * Runs every bench (each `bench/*.ts` but this file and files starting with `_`) or the named
 * ones, in sequence, each in a process of its own, then regenerates SUMMARY.md. A bench's own
 * progress bar shows `[i/n name]` in front, so the suite's position is always on screen; a
 * line per bench says when it starts and how it ended. A failing bench does not stop the others;
 * the exit code is 1 if any failed, 2 for a bad argument.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptions } from './lib/options.js';
import { writeSummary } from './lib/summary.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opts = benchOptions(argv);

const all = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_') && !f.endsWith('.d.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

if (argv.includes('--list')) {
  console.log(all.join('\n'));
  process.exit(0);
}

const names: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--out') i++;
  else if (!a.startsWith('--')) names.push(a.replace(/\.ts$/, ''));
  else if (a !== '--quick') {
    process.stderr.write(`bench: unknown option "${a}" (use NAME..., --quick, --out DIR, --list)\n`);
    process.exit(2);
  }
}
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`bench: no bench named "${unknown[0]}" (have: ${all.join(', ')})\n`);
  process.exit(2);
}
const selected = names.length > 0 ? names : all;
const passThrough = [...(opts.quick ? ['--quick'] : []), '--out', opts.outDir];

function runOne(name: string, index: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, `${name}.ts`), ...passThrough], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PREFIX: `[${index + 1}/${selected.length} ${name}]` },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(1));
  });
}

const fmtS = (ms: number): string => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s` : `${(ms / 1000).toFixed(1)}s`);
const started = performance.now();
const outcomes: { name: string; code: number; ms: number }[] = [];
process.stderr.write(`bench: ${selected.length} bench(es): ${selected.join(', ')}${opts.quick ? ' (quick)' : ''} → ${opts.outDir}\n`);
for (const [i, name] of selected.entries()) {
  process.stderr.write(`\n=== [${i + 1}/${selected.length}] ${name} (suite time ${fmtS(performance.now() - started)}) ===\n`);
  const t0 = performance.now();
  const code = await runOne(name, i);
  outcomes.push({ name, code, ms: performance.now() - t0 });
  process.stderr.write(`=== ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${fmtS(performance.now() - t0)} ===\n`);
}

if (fs.existsSync(opts.outDir)) writeSummary(opts.outDir);
process.stderr.write(`\nbench: done in ${fmtS(performance.now() - started)}\n`);
for (const o of outcomes) process.stderr.write(`  ${o.code === 0 ? 'ok    ' : 'FAILED'} ${o.name.padEnd(24)} ${fmtS(o.ms)}\n`);
process.stderr.write(`results: ${path.join(opts.outDir, 'SUMMARY.md')}\n`);
process.exit(outcomes.some((o) => o.code !== 0) ? 1 : 0);
