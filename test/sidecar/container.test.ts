/**
 * The container image and the deployment examples, tested without Docker (none here): the
 * Dockerfile's stages and the files they copy, the build they run (tsc into a scratch image
 * folder laid out like the image's /app), the production dependencies the built code needs,
 * the image's start command and health check run here, and the examples (Kubernetes sidecar
 * and DaemonSet, docker-compose with Prometheus): they parse, name known flags and variables,
 * mount what they name, and their exporter command runs here with their arguments (container
 * paths mapped back through their volumes) and reports what it should.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import YAML from 'yaml';
import { parseFlags } from '../../src/cli/args.js';
import { envName } from '../../src/cli/flags.js';
import { COMMAND_NODE_FLAGS } from '../../src/cli/node-flags.js';
import { commandFlagSpecs, PROGRAM } from '../../src/cli/main.js';
import { discoverCollectors } from '../../src/runtime/discovery.js';
import { parseListenAddress } from '../../src/server/address.js';
import { REPO } from '../cli/cli-process.js';
import { sleep } from '../server/http-client.js';
import { requireBinary } from '../support/binaries.js';
import { freePort } from '../support/ports.js';
import { addExitCleanup } from '../support/process.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { makeCerts } from './certs.js';
import { copyArgs, dockerIgnored, execForm, parseDockerfile, type Stage } from './dockerfile.js';
import { startServing } from './exporter.js';

const run = promisify(execFile);
const read = (rel: string): string => readFileSync(path.join(REPO, rel), 'utf8');
const PKG = JSON.parse(read('package.json')) as { version: string; scripts: Record<string, string>; dependencies: Record<string, string> };
const IMAGE = `atomic-exporter:${PKG.version}`;

// --- the Dockerfile ---------------------------------------------------------------------------

const stages: Stage[] = parseDockerfile(read('Dockerfile'));
const runtimeStage = stages.at(-1)!;
const buildStage = stages[0]!;
const one = (s: Stage, keyword: string): string[] => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const entrypoint = execForm(one(runtimeStage, 'ENTRYPOINT')[0]!);
const cmd = execForm(one(runtimeStage, 'CMD')[0] ?? '[]');
const healthcheck = execForm(/\bCMD\s+(.*)$/.exec(one(runtimeStage, 'HEALTHCHECK')[0]!)![1]!);

/** The image's start command, run here: `node` is this node, paths relative to the image folder. */
function imageCommand(): string[] {
  const [node, ...rest] = [...entrypoint, ...cmd];
  assert.equal(node, 'node');
  return [process.execPath, ...rest];
}

function memTotalBytes(): number {
  return Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
}

/** Scrapes until every pattern matches (a collector's first run comes on its own schedule). */
async function scrapeUntil(url: string, patterns: RegExp | readonly RegExp[], timeoutMs = 20_000): Promise<string> {
  const all = Array.isArray(patterns) ? patterns : [patterns as RegExp];
  const deadline = Date.now() + timeoutMs;
  let body = '';
  while (Date.now() < deadline) {
    body = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
    if (all.every((re) => re.test(body))) return body;
    await sleep(100);
  }
  throw new Error(`${url}/metrics after ${timeoutMs} ms lacks ${all.filter((re) => !re.test(body)).join(', ')}:\n${body.slice(0, 2000)}`);
}

/** Runs the image's HEALTHCHECK command here, against `address`; its exit status. */
function healthcheckStatus(address: string): number | null {
  const [node, ...rest] = healthcheck;
  assert.equal(node, 'node');
  return spawnSync(process.execPath, rest, { env: { ...process.env, ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS: address }, timeout: 10_000 }).status;
}

// --- Kubernetes -------------------------------------------------------------------------------

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function yamlDocs(rel: string): Obj[] {
  const docs = YAML.parseAllDocuments(read(rel));
  for (const d of docs) assert.deepEqual(d.errors, [], `${rel}: ${d.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => d.toJS() as Obj);
}

function exporterContainer(podSpec: Obj): Obj {
  const c = (podSpec.containers as Obj[]).find((x) => String(x.image).startsWith('atomic-exporter:'));
  assert.ok(c, 'a container running the atomic-exporter image');
  return c;
}

/** The container's environment as the kubelet gives it (fieldRef status.hostIP: loopback here). */
function containerEnv(c: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of (c.env ?? []) as Obj[]) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.fieldRef?.fieldPath === 'status.hostIP') env[e.name] = '127.0.0.1';
    else assert.fail(`env ${e.name}: unexpected source ${JSON.stringify(e.valueFrom)}`);
  }
  return env;
}

/** `$(VAR)` expanded from the container's environment, as the kubelet does in args. */
function expand(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m));
}

/** Each of the container's mount paths → its volume (checked to exist). */
function mounts(podSpec: Obj, c: Obj): { mountPath: string; volume: Obj; readOnly: boolean }[] {
  return ((c.volumeMounts ?? []) as Obj[]).map((m) => {
    const volume = ((podSpec.volumes ?? []) as Obj[]).find((v) => v.name === m.name);
    assert.ok(volume, `volume "${m.name}" of mount ${m.mountPath} is declared`);
    return { mountPath: String(m.mountPath), volume, readOnly: m.readOnly === true };
  });
}

/** Rewrites container paths in `--flag=value` arguments to local paths through `map`. */
function mapPaths(args: readonly string[], map: readonly { from: string; to: string }[]): string[] {
  const sorted = [...map].sort((a, b) => b.from.length - a.from.length);
  return args.map((a) => {
    const m = /^(--[^=]+=)(\/.*)$/.exec(a);
    if (!m) return a;
    const hit = sorted.find((x) => m[2] === x.from || m[2]!.startsWith(x.from.endsWith('/') ? x.from : `${x.from}/`));
    if (!hit) return a;
    const rest = m[2]!.slice(hit.from.length).replace(/^\//, '');
    return m[1] + (rest === '' ? hit.to : path.join(hit.to, rest));
  });
}

/** Checks that every flag in `args` and every ATOMIC_EXPORTER_* variable in `env` is known, and the values parse. */
async function checkKnownFlags(where: string, args: readonly string[], env: Record<string, string>, collectorDirs: string[] = []): Promise<void> {
  const collectors = await discoverCollectors({ dirs: collectorDirs });
  const specs = commandFlagSpecs(collectors);
  const envNames = new Set(specs.map((s) => envName(s.name)));
  for (const k of Object.keys(env)) if (k.startsWith('ATOMIC_EXPORTER_')) assert.ok(envNames.has(k), `${where}: ${k} is the variable of a flag`);
  // A dry parse: unknown flags and bad values throw (paths need not exist for --path.*).
  const outcome = parseFlags(PROGRAM, specs, { argv: args.filter((a) => !a.startsWith('--collectors.dir=')), env });
  assert.equal(outcome.kind, 'run', where);
}

// --- the scratch image ------------------------------------------------------------------------

describe('container image and examples', () => {
  /** Laid out like the image's /app: package.json and dist/ (node_modules is found above it). */
  let app = '';
  let buildError: string | undefined;

  before(async () => {
    const cache = path.join(REPO, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    app = mkdtempSync(path.join(cache, 'atomic-exporter-image-'));
    addExitCleanup(() => rmSync(app, { recursive: true, force: true }));
    cpSync(path.join(REPO, 'package.json'), path.join(app, 'package.json'));
    // What `npm run build` runs, into the scratch folder.
    const build = /^tsc (.*)$/.exec(PKG.scripts.build!)?.[1]?.split(/\s+/) ?? [];
    try {
      await run(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), ...build, '--outDir', path.join(app, 'dist')], { cwd: REPO, maxBuffer: 16 << 20 });
    } catch (err) {
      buildError = `${(err as { stdout?: string }).stdout ?? ''}${(err as Error).message}`;
    }
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  describe('Dockerfile', () => {
    it('builds in two stages: node:20-bookworm runs npm ci and the build, node:20-bookworm-slim gets production dependencies and dist/', () => {
      assert.equal(stages.length, 2);
      assert.equal(buildStage.image, 'node:20-bookworm');
      assert.equal(runtimeStage.image, 'node:20-bookworm-slim');
      const buildRuns = one(buildStage, 'RUN');
      // `prepare` runs the TypeScript build: npm ci must not run it before the sources are there.
      assert.match(PKG.scripts.prepare!, /npm run build/);
      assert.ok(buildRuns.some((r) => /\bnpm ci\b/.test(r) && /--ignore-scripts/.test(r)), 'npm ci --ignore-scripts in the build stage');
      const order = buildStage.instructions.map((i) => `${i.keyword} ${i.args}`);
      const copySrc = order.findIndex((l) => /^COPY src\b/.test(l));
      const runBuild = order.findIndex((l) => /^RUN npm run build$/.test(l));
      assert.ok(copySrc >= 0 && runBuild > copySrc, 'the build runs after the sources are copied');
      const runtimeRuns = one(runtimeStage, 'RUN');
      assert.ok(runtimeRuns.some((r) => /\bnpm ci\b/.test(r) && /--omit=dev/.test(r) && /--ignore-scripts/.test(r)), 'npm ci --omit=dev --ignore-scripts in the runtime stage');
      const fromBuild = one(runtimeStage, 'COPY').map(copyArgs).find((c) => c.from === buildStage.name);
      const buildDir = one(buildStage, 'WORKDIR')[0]!;
      assert.deepEqual(fromBuild?.sources, [path.posix.join(buildDir, 'dist')], 'dist/ comes from the build stage');
      const tsconfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string } };
      assert.equal(tsconfig.compilerOptions.outDir, 'dist');
    });

    it('runs as a non-root user, exposes 9479, checks /-/healthy, starts dist/src/cli.js', () => {
      const user = one(runtimeStage, 'USER')[0];
      assert.ok(user && !/^(root|0)(:|$)/.test(user), `USER ${user}`);
      assert.match(user!, /^\d+(:\d+)?$/, 'numeric, so that runAsNonRoot can check it');
      assert.deepEqual(one(runtimeStage, 'EXPOSE'), ['9479']);
      assert.match(healthcheck.join(' '), /\/-\/healthy/);
      assert.deepEqual(entrypoint, ['node', ...COMMAND_NODE_FLAGS, 'dist/src/cli.js']);
      assert.equal(path.posix.join(one(runtimeStage, 'WORKDIR')[0]!, entrypoint.at(-1)!), '/app/dist/src/cli.js');
      assert.equal(PKG.scripts.start, entrypoint.join(' '), 'the same command as `npm start`');
    });

    it('copies files that exist and that .dockerignore lets through', () => {
      const ignore = read('.dockerignore');
      for (const s of stages) {
        for (const c of one(s, 'COPY').map(copyArgs)) {
          if (c.from !== undefined) {
            assert.ok(stages.some((x) => x.name === c.from), `COPY --from=${c.from}: a stage`);
            continue;
          }
          for (const src of c.sources) {
            assert.ok(existsSync(path.join(REPO, src)), `COPY ${src}: exists`);
            assert.ok(!dockerIgnored(ignore, src), `COPY ${src}: not in .dockerignore`);
          }
        }
      }
      for (const out of ['node_modules', 'dist', '.git', 'test/fixtures', '.tmp-x']) assert.ok(dockerIgnored(ignore, out), `${out} stays out of the context`);
    });

    it('the build produces the entry file, and dist/ needs only production dependencies', (t) => {
      if (buildError) assert.fail(`npm run build failed:\n${buildError}`);
      assert.ok(statSync(path.join(app, 'dist/src/cli.js')).isFile(), 'dist/src/cli.js');
      assert.ok(readdirSync(path.join(app, 'dist/workers')).some((f) => f.endsWith('.js')), 'dist/workers/*.js (the built-in collectors)');
      const used = new Set<string>();
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const f = path.join(dir, e.name);
          if (e.isDirectory()) walk(f);
          else if (e.name.endsWith('.js')) {
            const js = readFileSync(f, 'utf8');
            const specs = [
              ...js.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
              ...js.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
              ...js.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
              ...js.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
              ...js.matchAll(/\bcreateRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g),
            ].map((m) => m[1]!);
            for (const spec of specs) {
              if (spec.startsWith('.') || spec.startsWith('/') || isBuiltin(spec)) continue;
              used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
            }
          }
        }
      };
      walk(path.join(app, 'dist'));
      assert.ok(used.has('prom-client') && used.has('piscina'), [...used].join(', '));
      used.add('@trufflesuite/uws-js-unofficial'); // loaded by a computed path (src/server/uws.ts)
      for (const dep of used) assert.ok(dep in PKG.dependencies, `dist/ imports "${dep}": it must be a production dependency (npm ci --omit=dev)`);
      t.diagnostic(`packages dist/ imports: ${[...used].sort().join(', ')}`);
    });

    it("the image's start command runs here and answers /-/healthy; its HEALTHCHECK passes on HTTP and on HTTPS with basic auth, fails when nothing answers", async (t) => {
      if (buildError) assert.fail(`npm run build failed:\n${buildError}`);
      const ex = await startServing(['--collector.disable-defaults', '--collector.meminfo'], { cmd: imageCommand(), cwd: app });
      try {
        assert.equal((await fetch(`${ex.url}/-/healthy`)).status, 200);
        await scrapeUntil(ex.url, /^node_memory_MemTotal_bytes /m);
        assert.match(ex.output(), /msg=Listening .*engine=uws/);
        assert.equal(healthcheckStatus(`:${ex.port}`), 0, 'plain HTTP');
      } finally {
        await ex.stop();
      }
      assert.equal(ex.exitCode, 0, 'SIGTERM: exit 0');
      const port = await freePort();
      assert.equal(healthcheckStatus(`:${port}`), 1, 'nothing listening');

      const certs = await makeCerts(t);
      if (!certs) return;
      const tmp = await makeTempDir('ae-health');
      try {
        const web = path.join(tmp.path, 'web.yml');
        writeFileSync(web, `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\nbasic_auth_users:\n  p: "${bcrypt.hashSync('x', 4)}"\n`);
        const secure = await startServing(['--collector.disable-defaults', `--web.config.file=${web}`], { cmd: imageCommand(), cwd: app, ca: certs.read(certs.caFile) });
        try {
          assert.equal(healthcheckStatus(`127.0.0.1:${secure.port}`), 0, 'HTTPS with basic auth: 401 counts as alive');
        } finally {
          await secure.stop();
        }
      } finally {
        await certs.remove();
        await tmp.remove();
      }
    });
  });

  describe('examples', () => {
    it('every YAML file parses; the images are this version', () => {
      const files = ['examples/kubernetes/sidecar.yaml', 'examples/kubernetes/daemonset.yaml', 'examples/docker-compose.yml', 'examples/compose/prometheus.yml'];
      for (const f of files) assert.ok(yamlDocs(f).length > 0, f);
      const images = [...read('examples/kubernetes/sidecar.yaml').matchAll(/image: (atomic-exporter\S*)/g), ...read('examples/kubernetes/daemonset.yaml').matchAll(/image: (atomic-exporter\S*)/g), ...read('examples/docker-compose.yml').matchAll(/image: (atomic-exporter\S*)/g)].map((m) => m[1]);
      assert.ok(images.length >= 3);
      for (const i of images) assert.equal(i, IMAGE);
    });

    it('the DaemonSet mounts the host and names it with --path.*, on the host network and PID namespace; its command runs here and reports this host', async () => {
      if (buildError) assert.fail(`npm run build failed:\n${buildError}`);
      const docs = yamlDocs('examples/kubernetes/daemonset.yaml');
      const ds = docs.find((d) => d.kind === 'DaemonSet')!;
      const pod = ds.spec.template.spec as Obj;
      assert.equal(pod.hostNetwork, true);
      assert.equal(pod.hostPID, true);
      assert.deepEqual(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels);
      const c = exporterContainer(pod);
      const env = containerEnv(c);
      const args = expand(c.args as string[], env);
      const m = mounts(pod, c);
      const hostPathOf = (flag: string): string => {
        const value = args.find((a) => a.startsWith(`--${flag}=`))?.split('=')[1];
        assert.ok(value, `--${flag} is set`);
        const mount = m.find((x) => x.mountPath === value);
        assert.ok(mount, `--${flag}=${value} is a mount`);
        assert.ok(mount.readOnly, `${value} is mounted read-only`);
        return String(mount.volume.hostPath?.path);
      };
      assert.deepEqual([hostPathOf('path.procfs'), hostPathOf('path.sysfs'), hostPathOf('path.rootfs')], ['/proc', '/sys', '/']);
      const listen = parseListenAddress(args.find((a) => a.startsWith('--web.listen-address='))!.split('=')[1]!);
      assert.equal(listen.host, '127.0.0.1', '$(HOST_IP) from status.hostIP');
      const port = (c.ports as Obj[])[0]!.containerPort;
      assert.equal(listen.port, port);
      for (const probe of [c.livenessProbe, c.readinessProbe]) assert.equal(probe.httpGet.port, port);
      const svc = docs.find((d) => d.kind === 'Service')!;
      assert.deepEqual(svc.spec.selector, ds.spec.selector.matchLabels);
      assert.equal(svc.spec.ports[0].targetPort, port);
      await checkKnownFlags('daemonset', args, env);

      // Run it here: container paths → the host paths behind them (hostPath volumes).
      const local = mapPaths(args, m.map((x) => ({ from: x.mountPath, to: String(x.volume.hostPath.path) })));
      assert.ok(local.includes('--path.procfs=/proc') && local.includes('--path.rootfs=/'), local.join(' '));
      const ex = await startServing(local, { cmd: imageCommand(), cwd: app, env });
      try {
        for (const probe of [c.livenessProbe, c.readinessProbe]) {
          const deadline = Date.now() + 20_000;
          let status = 0;
          while (status !== 200 && Date.now() < deadline) {
            status = await fetch(`${ex.url}${probe.httpGet.path}`).then((r) => r.status, () => 0);
            if (status !== 200) await sleep(100);
          }
          assert.equal(status, 200, `probe ${probe.httpGet.path}`);
        }
        if (existsSync(path.join(REPO, 'workers/meminfo.ts'))) {
          const body = await scrapeUntil(ex.url, /^node_memory_MemTotal_bytes /m);
          assert.match(body, new RegExp(`^node_memory_MemTotal_bytes ${memTotalBytes()}$`, 'm'), "this host's memory, read through the mapped /proc");
        }
      } finally {
        await ex.stop();
      }
      assert.equal(ex.exitCode, 0);
    });

    it('the sidecar runs its ConfigMap collector against the app: nginx stub_status read over loopback', async () => {
      if (buildError) assert.fail(`npm run build failed:\n${buildError}`);
      const docs = yamlDocs('examples/kubernetes/sidecar.yaml');
      const deploy = docs.find((d) => d.kind === 'Deployment')!;
      const pod = deploy.spec.template.spec as Obj;
      const c = exporterContainer(pod);
      const appContainer = (pod.containers as Obj[]).find((x) => x !== c)!;
      const env = containerEnv(c);
      const args = expand(c.args as string[], env);
      const m = mounts(pod, c);

      // The collector folder, laid out as the kubelet mounts a ConfigMap (symlinks to ..data/).
      const tmp: TempDir = await makeTempDir('ae-configmap');
      const server = http.createServer((req, res) => {
        if (req.url !== '/stub_status') {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('Active connections: 3 \nserver accepts handled requests\n 17 16 42 \nReading: 0 Writing: 1 Waiting: 2 \n');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const stubPort = (server.address() as { port: number }).port;
      try {
        const map: { from: string; to: string }[] = [];
        for (const x of m) {
          assert.ok(x.volume.configMap, `${x.mountPath}: a ConfigMap`);
          const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === x.volume.configMap.name);
          assert.ok(cm, `ConfigMap ${x.volume.configMap.name} is in the file`);
          const dir = path.join(tmp.path, x.volume.name);
          const data = path.join(dir, '..2026_01_01_00_00_00.000000001');
          mkdirSync(data, { recursive: true });
          for (const [name, text] of Object.entries(cm.data as Record<string, string>)) writeFileSync(path.join(data, name), text);
          symlinkSync(path.basename(data), path.join(dir, '..data'));
          for (const name of Object.keys(cm.data as object)) symlinkSync(path.join('..data', name), path.join(dir, name));
          map.push({ from: x.mountPath, to: dir });
        }
        // The URL the collector reads is the app container's port, and nginx serves stub_status there.
        const urlArg = args.find((a) => a.startsWith('--collector.nginx.url='))!;
        const url = new URL(urlArg.split('=').slice(1).join('='));
        assert.equal(url.hostname, '127.0.0.1');
        assert.ok((appContainer.ports as Obj[]).some((p) => p.containerPort === Number(url.port)), `the app listens on ${url.port}`);
        const nginxConf = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === (pod.volumes as Obj[]).find((v) => v.name === appContainer.volumeMounts[0].name)!.configMap.name)!;
        assert.match(nginxConf.data['default.conf'], new RegExp(`listen ${url.port};[\\s\\S]*location = ${url.pathname} \\{\\s*stub_status;`));

        const dirs = map.map((x) => x.to);
        await checkKnownFlags('sidecar', args, env, dirs);
        const local = mapPaths(args, map).map((a) => (a === urlArg ? `--collector.nginx.url=http://127.0.0.1:${stubPort}${url.pathname}` : a));
        const ex = await startServing(local, { cmd: imageCommand(), cwd: app, env });
        try {
          const body = await scrapeUntil(ex.url, [
            /^nginx_up 1$/m,
            /^nginx_connections_active 3$/m,
            /^nginx_connections_accepted_total 17$/m,
            /^nginx_http_requests_total 42$/m,
            /^nginx_connections\{state="waiting"\} 2$/m,
          ]);
          assert.doesNotMatch(body, /^node_cpu_seconds_total/m, 'ATOMIC_EXPORTER_COLLECTOR_DISABLE_DEFAULTS from the manifest');
          assert.equal((await fetch(`${ex.url}${c.readinessProbe.httpGet.path}`)).status, 200);
          assert.equal(c.livenessProbe.httpGet.port, (c.ports as Obj[])[0]!.name);
        } finally {
          await ex.stop();
        }
      } finally {
        server.close();
        await tmp.remove();
      }
    });

    it('docker-compose: Prometheus scrapes the exporter service (promtool checks its config); the exporter command runs here and reports this host', async (t) => {
      if (buildError) assert.fail(`npm run build failed:\n${buildError}`);
      const dir = path.join(REPO, 'examples');
      const compose = yamlDocs('examples/docker-compose.yml')[0]!;
      const exporter = compose.services['atomic-exporter'] as Obj;
      const prometheus = compose.services.prometheus as Obj;
      assert.ok(existsSync(path.join(dir, exporter.build.context, exporter.build.dockerfile)), 'the build context has the Dockerfile');
      assert.equal(exporter.image, IMAGE);
      assert.equal(prometheus.depends_on['atomic-exporter'].condition, 'service_healthy', 'waits on the image HEALTHCHECK');
      const env = Object.fromEntries(Object.entries(exporter.environment as Obj).map(([k, v]) => [k, String(v)]));
      const args = exporter.command as string[];
      await checkKnownFlags('docker-compose', args, env);
      const volumes = (exporter.volumes as string[]).map((v) => {
        const [from, to] = v.split(':');
        return { from: to!, to: from! };
      });
      const listen = parseListenAddress(env.ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS ?? ':9479');
      assert.ok((exporter.ports as string[]).some((p) => p.endsWith(`:${listen.port}`)), 'the listen port is published');

      // Prometheus' config: mounted from this folder, valid, targeting the exporter service.
      const promMount = (prometheus.volumes as string[]).map((v) => v.split(':')).find(([, to]) => to === '/etc/prometheus/prometheus.yml');
      assert.ok(promMount, 'prometheus.yml is mounted');
      const promFile = path.join(dir, promMount[0]!);
      assert.ok(existsSync(promFile));
      assert.ok((prometheus.command as string[]).includes('--config.file=/etc/prometheus/prometheus.yml'));
      const promConfig = YAML.parse(readFileSync(promFile, 'utf8')) as Obj;
      const targets = (promConfig.scrape_configs as Obj[]).flatMap((s) => (s.static_configs as Obj[]).flatMap((x) => x.targets as string[]));
      assert.deepEqual(targets, [`atomic-exporter:${listen.port}`]);
      const promtool = requireBinary(t, 'promtool');
      if (promtool) {
        for (const f of [promFile, path.join(dir, 'prometheus.yml')]) {
          const r: SpawnSyncReturns<string> = spawnSync(promtool, ['check', 'config', f], { encoding: 'utf8' });
          assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
        }
      }

      const local = mapPaths(args, volumes);
      assert.deepEqual(local, ['--path.procfs=/proc', '--path.sysfs=/sys', '--path.rootfs=/']);
      const ex = await startServing(local, { cmd: imageCommand(), cwd: app, env });
      try {
        if (existsSync(path.join(REPO, 'workers/meminfo.ts'))) {
          const body = await scrapeUntil(ex.url, /^node_memory_MemTotal_bytes /m);
          assert.match(body, new RegExp(`^node_memory_MemTotal_bytes ${memTotalBytes()}$`, 'm'));
        }
      } finally {
        await ex.stop();
      }
    });
  });
});
