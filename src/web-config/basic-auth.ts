/**
 * `basic_auth_users`: HTTP basic authentication against bcrypt hashes (bcryptjs).
 *
 * bcrypt is slow on purpose (cost 10: ~70 ms), and Prometheus sends the same credentials on
 * every scrape, so a successful check is remembered, as exporter-toolkit does: keyed on the
 * user and the hash it was checked against, the cache keeps an HMAC (with a key drawn at start)
 * of each password that matched, and a later request is accepted by comparing its HMAC with
 * `crypto.timingSafeEqual`. Only successes are cached; a wrong password pays bcrypt each time.
 *
 * An unknown user is checked against a real user's hash anyway (and refused), so response times
 * do not tell which users exist. bcrypt runs one check at a time (exporter-toolkit's mutex),
 * identical checks in flight share one run, and when too many wait, requests are turned away
 * at once instead of queueing without bound.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Fail } from './errors.js';

/** `$2a$`, `$2b$`, `$2y$` (or `$2$`), a cost of 04 to 31, 22 characters of salt and 31 of hash. */
const BCRYPT_HASH = /^\$2[aby]?\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** Checks user names and hashes at start. */
export function checkUsers(users: ReadonlyMap<string, string>, fail: Fail): void {
  for (const [user, hash] of users) {
    if (user.includes(':')) fail(`basic_auth_users: user "${user}": a user name cannot contain ":" (basic auth splits user and password there)`);
    if (!BCRYPT_HASH.test(hash)) {
      fail(`basic_auth_users: user "${user}": the password is not a bcrypt hash (expected $2a$, $2b$ or $2y$, a cost of 04 to 31 and 53 characters of salt and hash, as "htpasswd -nBC 10" prints)`);
    }
  }
}

/** User and password from an `Authorization: Basic …` header, as Go's Request.BasicAuth reads it. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const b64 = header.slice(6);
  // Standard base64 with padding, strictly: Buffer.from would skip what it cannot read.
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    return undefined; // not UTF-8: no configured user or password can match it
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** What a check says: let the request through, refuse it (401), or too busy to check now (429). */
export type AuthVerdict = 'ok' | 'unauthorized' | 'busy';

export interface BasicAuthOptions {
  /** The bcrypt comparison (default bcryptjs's async compare, which yields to the event loop). */
  readonly compare?: (password: string, hash: string) => Promise<boolean>;
  /** Checks allowed to wait for bcrypt; beyond, requests are turned away ('busy'). Default 64. */
  readonly maxPending?: number;
  /** Passwords remembered per user (more than one only past bcrypt's 72-byte limit). Default 4. */
  readonly cachePerUser?: number;
}

export class BasicAuth {
  readonly #users: ReadonlyMap<string, string>;
  /** The hash unknown users are checked against: a configured one, so the cost is the same. */
  readonly #decoy: string;
  readonly #key = randomBytes(32);
  /** `user \0 hash` → HMACs of passwords that matched. */
  readonly #cache = new Map<string, Buffer[]>();
  readonly #inFlight = new Map<string, Promise<boolean>>();
  readonly #compare: (password: string, hash: string) => Promise<boolean>;
  readonly #maxPending: number;
  readonly #cachePerUser: number;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #bcryptRuns = 0;

  constructor(users: ReadonlyMap<string, string>, options: BasicAuthOptions = {}) {
    const first = users.values().next();
    if (first.done) throw new Error('BasicAuth needs at least one user');
    this.#users = new Map(users);
    this.#decoy = first.value;
    this.#compare = options.compare ?? ((password, hash) => bcrypt.compare(password, hash));
    this.#maxPending = options.maxPending ?? 64;
    this.#cachePerUser = options.cachePerUser ?? 4;
  }

  /** bcrypt comparisons run so far (the cache keeps this low). */
  get bcryptRuns(): number {
    return this.#bcryptRuns;
  }

  /**
   * Checks an `Authorization` header value. Answers at once (no promise) when the header is
   * missing or malformed, or when these credentials already passed.
   */
  check(authorization: string | undefined): AuthVerdict | Promise<AuthVerdict> {
    const creds = parseBasicAuth(authorization);
    if (creds === undefined) return 'unauthorized';
    const hash = this.#users.get(creds.user);
    const against = hash ?? this.#decoy;
    const cacheKey = `${creds.user}\0${against}`;
    const digest = createHmac('sha256', this.#key).update(cacheKey).update('\0').update(creds.password).digest();
    if (hash !== undefined && this.#cached(cacheKey, digest)) return 'ok';
    const runKey = `${cacheKey}\0${digest.toString('base64')}`;
    let run = this.#inFlight.get(runKey);
    if (run === undefined) {
      if (this.#pending >= this.#maxPending) return 'busy';
      run = this.#serialised(() => this.#compare(creds.password, against));
      this.#inFlight.set(runKey, run);
      void run.finally(() => this.#inFlight.delete(runKey)).catch(() => {});
    }
    return run.then(
      (match) => {
        if (!match || hash === undefined) return 'unauthorized';
        this.#remember(cacheKey, digest);
        return 'ok';
      },
      () => 'unauthorized',
    );
  }

  #cached(key: string, digest: Buffer): boolean {
    const known = this.#cache.get(key);
    if (known === undefined) return false;
    let hit = false;
    // Every entry compared, in constant time each: the time does not say which one matched.
    for (const d of known) if (timingSafeEqual(d, digest)) hit = true;
    return hit;
  }

  #remember(key: string, digest: Buffer): void {
    const known = this.#cache.get(key) ?? [];
    if (known.some((d) => timingSafeEqual(d, digest))) return;
    known.push(digest);
    if (known.length > this.#cachePerUser) known.shift();
    this.#cache.set(key, known);
  }

  /** Runs bcrypt comparisons one at a time. */
  #serialised(fn: () => Promise<boolean>): Promise<boolean> {
    this.#pending++;
    const run = this.#queue.then(() => {
      this.#bcryptRuns++;
      return fn();
    });
    this.#queue = run.catch(() => {});
    return run.finally(() => this.#pending--);
  }
}
