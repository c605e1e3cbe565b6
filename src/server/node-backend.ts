/**
 * The node:http backend, used when uWebSockets.js cannot load (another Node ABI, musl) or when
 * asked for (`--web.engine=node`). Same exchanges, same responses: the server cannot tell the
 * two apart. node's writable stream does the backpressure: `end(body)` keeps a reference to the
 * body and writes it as the socket drains.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { BackendOptions, Exchange, ExchangeHandler, HttpBackend, IncomingRequest, Listener, ResponseHeaders } from './backend.js';
import { ListenError } from './backend.js';
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

  constructor(req: http.IncomingMessage, res: http.ServerResponse) {
    this.request = requestOf(req);
    this.#res = res;
    res.once('finish', () => this.#finish(false));
    res.once('close', () => this.#finish(!res.writableFinished));
  }

  get aborted(): boolean {
    return this.#res.destroyed && !this.#res.writableFinished;
  }

  #finish(aborted: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    const done = this.onDone;
    this.onDone = undefined;
    done?.(aborted);
  }

  respond(status: number, headers: ResponseHeaders, body: Uint8Array | string, omitBody = false): void {
    if (this.aborted || this.#responded) return;
    this.#responded = true;
    const res = this.#res;
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, 'content-length': String(data.byteLength) });
    if (omitBody) res.end();
    else res.end(data);
  }
}

export class NodeBackend implements HttpBackend {
  readonly engine = 'node' as const;
  #server: http.Server;
  #sockets = new Set<Socket>();

  constructor(handler: ExchangeHandler, options: BackendOptions = {}) {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      handler(new NodeExchange(req, res));
    };
    const tls = options.tls;
    this.#server = tls
      ? https.createServer(
          {
            cert: readFileSync(tls.certFile),
            key: readFileSync(tls.keyFile),
            ...(tls.caFile !== undefined ? { ca: readFileSync(tls.caFile) } : {}),
            ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
          },
          onRequest,
        )
      : http.createServer(onRequest);
    const connectionEvent = tls ? 'secureConnection' : 'connection';
    this.#server.on(connectionEvent, (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
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

  stopListening(): void {
    if (this.#server.listening) this.#server.close();
  }

  closeConnections(): void {
    this.stopListening();
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }
}
