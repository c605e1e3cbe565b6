/**
 * The node:http backend, used when uWebSockets.js cannot load (another Node ABI, musl) or when
 * asked for (`--web.engine=node`). Same exchanges, same responses: the server cannot tell the
 * two apart. node's writable stream does the backpressure: `end(body)` keeps a reference to the
 * body and writes it as the socket drains.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { BackendOptions, BodySource, Exchange, ExchangeHandler, HttpBackend, IncomingRequest, Listener, ResponseBody, ResponseHeaders, TlsFiles, TlsSettings } from './backend.js';
import { bodyParts, ListenError } from './backend.js';
import { listenErrorFrom } from './listen-error.js';

function requestOf(req: http.IncomingMessage): IncomingRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    headers,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

class NodeExchange implements Exchange {
  readonly request: IncomingRequest;
  onDone: ((aborted: boolean) => void) | undefined;
  #res: http.ServerResponse;
  #finished = false;
  #responded = false;

  #onEnd: () => void;

  /** `onEnd`: called once when the exchange ends, for the backend's own bookkeeping. */
  constructor(req: http.IncomingMessage, res: http.ServerResponse, onEnd: () => void) {
    this.request = requestOf(req);
    this.#res = res;
    this.#onEnd = onEnd;
    res.once('finish', () => this.#finish(false));
    res.once('close', () => this.#finish(!res.writableFinished));
  }

  get aborted(): boolean {
    return this.#res.destroyed && !this.#res.writableFinished;
  }

  #finish(aborted: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#onEnd();
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
    const res = this.#res;
    res.once('close', () => {
      if (!res.writableFinished) source.close();
    });
    let started = false;
    void (async () => {
      try {
        for (;;) {
          const chunk = await source.next();
          if (res.destroyed) return;
          if (!started) {
            started = true;
            res.writeHead(status, headers);
          }
          if (chunk === undefined) {
            res.end();
            return;
          }
          if (!res.write(chunk)) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                res.off('drain', done);
                res.off('close', done);
                resolve();
              };
              res.on('drain', done);
              res.on('close', done);
            });
          }
        }
      } catch {
        if (res.destroyed) return;
        if (!started) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('An error has occurred while serving metrics.\n');
        else res.destroy();
      }
    })();
  }

  respond(status: number, headers: ResponseHeaders, body: ResponseBody, omitBody = false): void {
    if (this.aborted || this.#responded) return;
    this.#responded = true;
    const res = this.#res;
    const { parts, total } = bodyParts(body);
    res.writeHead(status, { ...headers, 'content-length': String(total) });
    if (omitBody) {
      res.end();
      return;
    }
    // The stream keeps references to the parts and writes them as the socket drains.
    for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]!);
    res.end(parts.length > 0 ? parts[parts.length - 1] : undefined);
  }
}

/** TLS settings serving certificate files, on either engine. */
export function tlsSettingsFromFiles(files: TlsFiles): TlsSettings {
  return {
    node: {
      cert: readFileSync(files.certFile),
      key: readFileSync(files.keyFile),
      ...(files.caFile !== undefined ? { ca: readFileSync(files.caFile) } : {}),
      ...(files.passphrase !== undefined ? { passphrase: files.passphrase } : {}),
    },
    uws: files,
  };
}

export class NodeBackend implements HttpBackend {
  readonly engine = 'node' as const;
  #server: http.Server;
  #sockets = new Set<Socket>();
  /** Sockets with an exchange going on (a response not yet handed to the socket in full). */
  #busy = new Set<Socket>();
  #stopping = false;

  constructor(handler: ExchangeHandler, options: BackendOptions = {}) {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const socket = req.socket;
      this.#busy.add(socket);
      handler(
        new NodeExchange(req, res, () => {
          this.#busy.delete(socket);
          // Once stopping, a connection ends with its response: no next request on it.
          if (this.#stopping) socket.end();
        }),
      );
    };
    const tls = options.tls;
    this.#server = tls ? https.createServer({ ...tls.node }, onRequest) : http.createServer(onRequest);
    const track = (socket: Socket): void => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    };
    if (!tls) {
      this.#server.on('connection', track);
      return;
    }
    // https's own listener (added by its constructor) runs first and only sets the socket up:
    // no request has been read when this one closes the connection.
    this.#server.on('secureConnection', (socket: TLSSocket) => {
      track(socket);
      const refused = tls.checkPeer?.(socket);
      if (refused !== undefined) {
        tls.onRefused?.(refused, socket.remoteAddress ?? '');
        socket.destroy();
      }
    });
    this.#server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      tls.onRefused?.(`TLS handshake failed: ${err.message}`, socket.remoteAddress ?? '');
      socket.destroy();
    });
  }

  listen(host: string, port: number): Promise<Listener> {
    if (this.#server.listening) return Promise.reject(new ListenError('already listening', 'EALREADY'));
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(listenErrorFrom(host, port, err));
      this.#server.once('error', onError);
      this.#server.listen({ host: host === '' ? undefined : host, port, exclusive: true }, () => {
        this.#server.off('error', onError);
        const address = this.#server.address();
        resolve({ port: typeof address === 'object' && address !== null ? address.port : port });
      });
    });
  }

  /**
   * Stops accepting and closes idle connections (keep-alive ones between requests); those
   * with a response going on end when it is handed over. Not http.Server#close: since Node 19
   * it also destroys connections whose response was `end()`ed but is still flushing to a slow
   * reader, which would cut a scrape in flight.
   */
  stopListening(): void {
    this.#stopping = true;
    if (this.#server.listening) net.Server.prototype.close.call(this.#server);
    for (const s of this.#sockets) if (!this.#busy.has(s)) s.destroy();
  }

  closeConnections(): void {
    this.stopListening();
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }
}
