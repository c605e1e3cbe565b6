/**
 * The runtime as `npm start` runs it: compiled JavaScript. Under tsx every new pool thread
 * compiles the runtime's TypeScript again (hundreds of ms of CPU per thread on this machine), so
 * a bench of thread replacements under tsx measures tsx. This builds the runtime, the bench
 * workloads and the fixture collectors into a cache folder with tsc, and runs a workload there
 * in a child process on plain Node. The built-in collectors (`workers/`) are built too, so
 * `<dir>/src/cli.js` is the `atomic-exporter` command as `npm start` runs it (bench/runtime-http.ts).
 */
import { fork, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// One folder per checkout: worktrees often share one node_modules (a symlink), and two checkouts
// compiling into the same folder would run each other's code.
const OUT = path.join(ROOT, 'node_modules', '.cache', `atomic-exporter-bench-runtime-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);

/** Compiles into the cache folder; returns it, or undefined (with tsc's output) if nothing was emitted. */
export function buildCompiled(): { dir?: string; log: string } {
  mkdirSync(OUT, { recursive: true });
  const config = path.join(OUT, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: false, outDir: OUT, rootDir: ROOT, declaration: false, sourceMap: false, incremental: true, tsBuildInfoFile: path.join(OUT, '.tsbuildinfo') },
      include: [path.join(ROOT, 'src'), path.join(ROOT, 'workers'), path.join(ROOT, 'bench/runtime/workloads.ts'), path.join(ROOT, 'bench/lib'), path.join(ROOT, 'test/fixtures/collectors')],
    }),
  );
  // Files under node_modules/ are CommonJS unless their own package.json says otherwise.
  writeFileSync(path.join(OUT, 'package.json'), JSON.stringify({ type: 'module' }));
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
  const log = `${tsc.stdout}${tsc.stderr}`;
  // Type errors elsewhere in the tree (work in progress) do not stop the emit; a missing file does.
  const emitted = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(path.join(OUT, 'bench/runtime/workloads.js'))})`]).status === 0;
  return emitted ? { dir: OUT, log } : { log };
}

/** Runs `exportName(args)` of the compiled workloads in a child process on plain Node. */
export function runCompiled<R>(dir: string, exportName: string, args: unknown, execArgv: readonly string[] = [], timeoutMs = 600_000): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const child = fork(path.join(dir, 'bench/lib/child-entry.js'), [], {
      execArgv: ['--expose-gc', ...execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`compiled bench child ${exportName} timed out`));
    }, timeoutMs);
    child.on('message', (m: { ok: boolean; result?: R; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (m.ok) resolve(m.result as R);
      else reject(new Error(`compiled bench child ${exportName} failed: ${m.error}`));
      child.disconnect();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(new Error(`compiled bench child ${exportName} exited (${signal ?? code}) without a result`));
    });
    child.send({ module: pathToFileURL(path.join(dir, 'bench/runtime/workloads.js')).href, exportName, args });
  });
}
