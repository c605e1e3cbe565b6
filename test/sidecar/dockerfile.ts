/**
 * Enough of a Dockerfile and .dockerignore reader for the container tests: instructions with
 * their stage, line continuations joined, comments dropped, exec-form (JSON) arguments parsed.
 */

export interface Instruction {
  /** Upper case: FROM, COPY, RUN, ... */
  readonly keyword: string;
  /** The rest of the line, continuations joined. */
  readonly args: string;
  /** The stage's name (`AS name`), or its index as text. */
  readonly stage: string;
}

export interface Stage {
  readonly name: string;
  readonly image: string;
  readonly instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (current === '' && /^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+([\s\S]*)$/.exec(l);
    if (!m) throw new Error(`Dockerfile: cannot read ${JSON.stringify(l)}`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!f) throw new Error(`Dockerfile: cannot read FROM ${args}`);
      stages.push({ name: f[2] ?? String(stages.length), image: f[1]!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${keyword} before FROM`);
    stage.instructions.push({ keyword, args, stage: stage.name });
  }
  return stages;
}

/** `["a", "b"]` (exec form) → array; shell form → ['/bin/sh', '-c', text]. */
export function execForm(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return ['/bin/sh', '-c', args];
}

/** COPY's sources and destination, and its `--from`. */
export function copyArgs(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const w = words.shift()!;
    if (w.startsWith('--from=')) from = w.slice('--from='.length);
  }
  const dest = words.pop()!;
  return { ...(from !== undefined ? { from } : {}), sources: words, dest };
}

/** Whether `.dockerignore` leaves `file` (a path relative to the context) out of the context. */
export function dockerIgnored(ignoreText: string, file: string): boolean {
  const norm = file.replace(/^\.\//, '').replace(/\/$/, '');
  let ignored = false;
  for (const raw of ignoreText.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).replace(/^\//, '').replace(/\/$/, '');
    const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}(/.*)?$`);
    if (re.test(norm)) ignored = !negate;
  }
  return ignored;
}
