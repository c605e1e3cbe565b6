/**
 * The uWebSockets.js backend: every request goes to one `any('/*')` route and from there to the
 * server's handler; responses are written with `tryEnd`/`onWritable`, so a body of many
 * megabytes to a slow client is sent as the socket drains instead of being copied into an
 * unbounded buffer.
 *
 * uWS rules this file keeps: a request object is only valid during the handler (everything is
 * copied out at once); every response gets an `onAborted` handler before the handler returns,
 * and after it fired the response is never touched again; writes from outside the handler's
 * own tick go through `cork` so status, headers and body leave in one syscall.
 */
import { STATUS_CODES } from 'node:http';
import type { BodySource, Exchange, ExchangeHandler, HttpBackend, IncomingRequest, Listener, ResponseBody, ResponseHeaders, UwsBackendOptions } from './backend.js';
import { bodyParts, ListenError } from './backend.js';
import { probeListenError } from './listen-error.js';
import type { UwsApp, UwsListenSocket, UwsModule, UwsRequest, UwsResponse } from './uws.js';

/** Bind with SO_REUSEPORT off: a second exporter on the same port must fail, not share it. */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

/**
 * Largest piece of a chunked body written in one `res.write()`. uWS (this build, v20.30) corks
 * into a 16 KiB buffer; a write that does not fit makes it flush the cork buffer (our status,
 * headers and the chunk's size line) and, when that flush meets backpressure, it returns without
 * writing or keeping the data: the size line announced bytes that never follow, and the client
 * fails with "Expected LF after chunk data" (about 1 in 500 streamed scrapes with three slow
 * readers; see uNetworking/uWebSockets.js#1249). A piece that fits the cork buffer with its size
 * line and the response head is copied into it and kept whole under backpressure.
 */
const CORK_SAFE_BYTES = 15 * 1024;

const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) statusLines.set(status, (line = `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()));
  return line;
}

class UwsIncoming implements IncomingRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string> = {};
  #res: UwsResponse;
  #exchange: UwsExchange;
  #remote: string | undefined;

  constructor(req: UwsRequest, res: UwsResponse, exchange: UwsExchange) {
    this.method = req.getCaseSensitiveMethod();
    this.path = req.getUrl();
    const headers = this.headers;
    req.forEach((k, v) => {
      const prev = headers[k];
      headers[k] = prev === undefined ? v : `${prev}, ${v}`;
    });
    this.#res = res;
    this.#exchange = exchange;
  }

  get remoteAddress(): string {
    if (this.#remote === undefined) {
      // Only readable while the response is alive; an aborted one has no address to give.
      this.#remote = this.#exchange.aborted || this.#exchange.finished ? '' : Buffer.from(this.#res.getRemoteAddressAsText()).toString();
    }
    return this.#remote;
  }
}

class UwsExchange implements Exchange {
  readonly request: IncomingRequest;
  aborted = false;
  finished = false;
  onDone: ((aborted: boolean) => void) | undefined;
  #res: UwsResponse;
  #responded = false;
  #source: BodySource | undefined;

  constructor(res: UwsResponse, req: UwsRequest) {
    this.#res = res;
    res.onAborted(() => {
      this.aborted = true;
      this.#source?.close();
      this.#finish(true);
    });
    this.request = new UwsIncoming(req, res, this);
  }

  #finish(aborted: boolean): void {
    if (this.finished) return;
    this.finished = true;
    const done = this.onDone;
    this.onDone = undefined;
    done?.(aborted);
  }

  stream(status: number, headers: ResponseHeaders, source: BodySource): void {
    if (this.aborted || this.#responded) {
      source.close();
      return;
    }
    this.#responded = true;
    this.#source = source;
    const res = this.#res;
    let started = false;
    const head = (): void => {
      if (started) return;
      started = true;
      res.writeStatus(statusLine(status));
      for (const k in headers) res.writeHeader(k, headers[k]!);
    };
    void (async () => {
      try {
        for (;;) {
          const chunk = await source.next();
          if (this.aborted) return;
          if (chunk === undefined) {
            res.cork(() => {
              head();
              res.end();
            });
            this.#finish(false);
            return;
          }
          // write() keeps what the socket does not take and says so: then wait until the socket
          // drains, or 10 ms. (Once a handler is set, uWS calls onWritable instead of draining its
          // own buffer, and a writable event may never come once the kernel took everything; the
          // next write() flushes that buffer first. A client slower than the poll lets uWS
          // buffer at most a chunk per poll, and the render waits on the slowest reader.)
          // In slices that fit uWS's cork buffer: see CORK_SAFE_BYTES.
          for (let at = 0; at < chunk.length && !this.aborted; at += CORK_SAFE_BYTES) {
            const slice = chunk.subarray(at, Math.min(chunk.length, at + CORK_SAFE_BYTES));
            let ok = true;
            res.cork(() => {
              head();
              ok = res.write(slice);
            });
            if (!ok) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, 10);
                res.onWritable(() => {
                  clearTimeout(timer);
                  resolve();
                  return true;
                });
              });
            }
          }
        }
      } catch {
        // The body cannot be finished: a 500 if nothing was sent yet, else cut the connection
        // (a chunked body without its last chunk is seen as incomplete, never as whole).
        if (this.aborted) return;
        if (!started) {
          res.cork(() => {
            res.writeStatus('500 Internal Server Error');
            res.end('An error has occurred while serving metrics.\n');
          });
          this.#finish(false);
        } else {
          this.aborted = true;
          res.close();
          this.#finish(true);
        }
      }
    })();
  }

  respond(status: number, headers: ResponseHeaders, body: ResponseBody, omitBody = false): void {
    if (this.aborted || this.#responded) return;
    this.#responded = true;
    const res = this.#res;
    const { parts, total } = bodyParts(body);
    res.cork(() => {
      res.writeStatus(statusLine(status));
      for (const k in headers) res.writeHeader(k, headers[k]!);
      if (omitBody) {
        // HEAD: report the length by hand. This uWS build's endWithoutBody(length) leaves the
        // connection expecting a body, and the next request on it fails (socket hang up).
        if (!hasHeader(headers, 'content-length')) res.writeHeader('content-length', String(total));
        res.endWithoutBody();
        this.#finish(false);
        return;
      }
      if (total === 0) {
        res.end();
        this.#finish(false);
        return;
      }
      // The parts are sent in order with tryEnd(part, total): each call writes what the socket
      // takes; when it is full, uWS keeps nothing and calls onWritable with its write offset
      // once it drains, and the rest of the part at that offset is tried again.
      let index = 0;
      let base = res.getWriteOffset();
      const pump = (offset: number): boolean => {
        for (;;) {
          while (index < parts.length && offset >= base + parts[index]!.byteLength) {
            base += parts[index]!.byteLength;
            index++;
          }
          if (index >= parts.length) return true;
          const part = parts[index]!;
          const [ok, finished] = res.tryEnd(offset === base ? part : part.subarray(offset - base), total);
          if (finished) {
            this.#finish(false);
            return true;
          }
          if (!ok) return false;
          offset = res.getWriteOffset();
        }
      };
      if (!pump(base)) {
        res.onWritable((offset) => {
          if (this.aborted) return true;
          return pump(offset);
        });
      }
    });
  }
}

export class UwsBackend implements HttpBackend {
  readonly engine = 'uws' as const;
  #uws: UwsModule;
  #app: UwsApp;
  #listenSocket: UwsListenSocket | undefined;

  constructor(uws: UwsModule, handler: ExchangeHandler, options: UwsBackendOptions = {}) {
    this.#uws = uws;
    const tls = options.tls;
    this.#app = tls
      ? uws.SSLApp({
          cert_file_name: tls.certFile,
          key_file_name: tls.keyFile,
          ...(tls.caFile !== undefined ? { ca_file_name: tls.caFile } : {}),
          ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
        })
      : uws.App();
    this.#app.any('/*', (res, req) => {
      handler(new UwsExchange(res, req));
    });
  }

  listen(host: string, port: number): Promise<Listener> {
    if (this.#listenSocket) return Promise.reject(new ListenError('already listening', 'EALREADY'));
    return new Promise((resolve, reject) => {
      const done = (socket: UwsListenSocket | false): void => {
        if (socket === false) {
          void probeListenError(host, port).then(reject);
          return;
        }
        this.#listenSocket = socket;
        resolve({ port: this.#uws.us_socket_local_port(socket as never) });
      };
      if (host === '') this.#app.listen(port, LIBUS_LISTEN_EXCLUSIVE_PORT, done);
      else (this.#app.listen as unknown as (h: string, p: number, o: number, cb: typeof done) => UwsApp)(host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, done);
    });
  }

  stopListening(): void {
    if (this.#listenSocket) this.#uws.us_listen_socket_close(this.#listenSocket);
    this.#listenSocket = undefined;
  }

  closeConnections(): void {
    this.stopListening();
    (this.#app as UwsApp & { close(): void }).close();
  }
}

function hasHeader(headers: ResponseHeaders, name: string): boolean {
  for (const k in headers) if (k.toLowerCase() === name) return true;
  return false;
}
