/**
 * What the server needs of an HTTP implementation, so that uWebSockets.js and node:http serve
 * the same routes the same way. The server (server.ts) decides everything about a response; a
 * backend only moves bytes: it hands over a request, writes one response with backpressure, and
 * reports when the exchange ended (sent, or aborted by the client).
 */
import type { TLSSocket, TlsOptions } from 'node:tls';

/** A request, copied out of the backend's own object (uWS requests die when the handler returns). */
export interface IncomingRequest {
  /** Upper case, as sent: `GET`, `HEAD`, ... */
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The peer's address, for logs and access rules. */
  readonly remoteAddress: string;
}

export type ResponseHeaders = Readonly<Record<string, string>>;

/** A response body: text, bytes, or bytes in parts sent one after the other. */
export type ResponseBody = Uint8Array | string | readonly Uint8Array[];

/** A body given chunk by chunk (a render being streamed). */
export interface BodySource {
  /** The next chunk, undefined at the end; rejects if the body cannot be finished. */
  next(): Promise<Uint8Array | undefined>;
  /** The response will not read further. */
  close(): void;
}

/** The body as a list of parts, and its length in bytes. */
export function bodyParts(body: ResponseBody): { parts: readonly Uint8Array[]; total: number } {
  const parts = typeof body === 'string' ? [Buffer.from(body)] : body instanceof Uint8Array ? [body] : body;
  let total = 0;
  for (const p of parts) total += p.byteLength;
  return { parts, total };
}

/**
 * One request and its response. Exactly one `respond` per exchange; after the client went away
 * (`aborted`) it does nothing.
 */
export interface Exchange {
  readonly request: IncomingRequest;
  /** True once the client closed the connection before the response was sent. */
  readonly aborted: boolean;
  /**
   * Writes status, headers and body. The backend adds `Content-Length` (the length of `body`,
   * also for HEAD). With `omitBody` (HEAD) nothing after the headers is written. Large bodies
   * are written as the socket drains, never buffered twice. A body given as a list of parts is
   * written as their concatenation, without concatenating them (a render's segments).
   */
  respond(status: number, headers: ResponseHeaders, body: ResponseBody, omitBody?: boolean): void;
  /**
   * Writes status and headers, then the body as `source` gives it, chunk after chunk, waiting
   * for the socket to drain between them (chunked transfer encoding: the length is not known).
   * `source.close()` is called when the client goes away first. Instead of `respond`.
   */
  stream(status: number, headers: ResponseHeaders, source: BodySource): void;
  /**
   * Called once, when the response has been handed to the socket in full or the client went
   * away (`aborted` tells which). Set it before calling `respond`.
   */
  onDone: ((aborted: boolean) => void) | undefined;
}

export type ExchangeHandler = (exchange: Exchange) => void;

/** Files for a TLS listener (paths, read by the backend). Both engines serve these. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** CA bundle sent to clients as acceptable issuers (uWS does not enforce client certificates). */
  readonly caFile?: string;
  readonly passphrase?: string;
}

/**
 * A TLS setup beyond certificate files (client certificates, protocol versions, ciphers,
 * curves, PEM text): what `--web.config.file` produces (src/web-config/tls.ts). node:https
 * serves every setting; uWebSockets.js only certificate files with its defaults (TLS 1.2 to
 * 1.3, no client certificates), so `uws` is set only when it can serve this setup as well.
 */
export interface TlsSettings {
  /** node:https server options: `cert`, `key`, `ca`, `requestCert`, `minVersion`, ... */
  readonly node: Readonly<TlsOptions>;
  /** The same setup as files for uWebSockets.js; undefined when only node:https can serve it. */
  readonly uws?: TlsFiles;
  /** Why uWebSockets.js cannot serve it (when `uws` is undefined), for the log and errors. */
  readonly uwsUnsupported?: string;
  /**
   * Checks each connection once its handshake is done, before any request is read: returns
   * the reason to close it, or undefined to serve it (client certificate policy).
   */
  readonly checkPeer?: (socket: TLSSocket) => string | undefined;
  /** Told about every connection refused: a failed handshake, or `checkPeer`'s reason. */
  readonly onRefused?: (reason: string, remoteAddress: string) => void;
}

/** True for a TlsSettings, false for plain TlsFiles. */
export function isTlsSettings(tls: TlsFiles | TlsSettings): tls is TlsSettings {
  return 'node' in tls;
}

/** The options of the node:http(s) backend. */
export interface BackendOptions {
  /** Serve HTTPS instead of HTTP. */
  readonly tls?: TlsSettings;
}

/** The options of the uWebSockets.js backend. */
export interface UwsBackendOptions {
  /** Serve HTTPS instead of HTTP. */
  readonly tls?: TlsFiles;
}

/** A listening socket. */
export interface Listener {
  /** The port actually bound (differs from the one asked for when that was 0). */
  readonly port: number;
}

export interface HttpBackend {
  /** `uws` or `node`. */
  readonly engine: Engine;
  /**
   * Binds `host:port` (`host` '' for every interface). Rejects with an Error whose `code` is the
   * socket error (`EADDRINUSE`, `EADDRNOTAVAIL`, `ENOTFOUND`, ...) when it cannot.
   */
  listen(host: string, port: number): Promise<Listener>;
  /** Stops accepting connections; connections already open stay until `closeConnections`. */
  stopListening(): void;
  /** Closes every connection still open. */
  closeConnections(): void;
}

export type Engine = 'uws' | 'node';

/** An error carrying a socket error code, as node's own errors do. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** `host:port` for messages, brackets around IPv6. */
export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
