/**
 * node_exporter's flags take Go (RE2) regular expressions. The ones its defaults and users write
 * (`^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$`) mean the same in JavaScript; the
 * differences that matter are handled here: a leading flag group such as `(?i)` becomes a
 * RegExp flag, and an invalid pattern is a TypeError that quotes it. Matching is unanchored, as
 * Go's MatchString.
 */

const cache = new Map<string, RegExp>();

/** Compiles (once per distinct source) a Go-style pattern. `what` names the flag for errors. */
export function goRegExp(source: string, what: string): RegExp {
  const key = `${what}\u0000${source}`;
  let re = cache.get(key);
  if (re !== undefined) return re;
  let body = source;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new TypeError(`${what}: the "U" flag of ${JSON.stringify(source)} has no JavaScript equivalent`);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(lead[0].length);
  }
  try {
    re = new RegExp(body, flags);
  } catch (err) {
    throw new TypeError(`${what}: invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
  if (cache.size > 256) cache.clear();
  cache.set(key, re);
  return re;
}

const memo = new WeakMap<RegExp, Map<string, boolean>>();

/**
 * `re.test(s)` remembered per string: collectors match the same few hundred field names on
 * every run (vmstat, netstat), and node_exporter's default patterns backtrack (`^(.*_(…)|…)$`).
 */
export function testMemo(re: RegExp, s: string): boolean {
  let m = memo.get(re);
  if (!m) memo.set(re, (m = new Map()));
  let r = m.get(s);
  if (r === undefined) {
    if (m.size > 4096) m.clear();
    r = re.test(s);
    m.set(s, r);
  }
  return r;
}
