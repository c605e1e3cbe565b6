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
