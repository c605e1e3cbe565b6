/**
 * An HTTPS client for the TLS tests: a fresh connection per request (agent: false), a CA to
 * trust, optionally a client certificate and basic-auth credentials; resolves with the status,
 * headers and body, rejects with the socket or TLS error when the server refuses.
 */
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface TlsRequestOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** `user:password` for basic auth. */
  readonly auth?: string;
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly timeoutMs?: number;
}

export interface TlsResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The TLS version negotiated, e.g. `TLSv1.3`. */
  readonly protocol: string | null;
}

export function tlsRequest(url: string, o: TlsRequestOptions = {}): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: o.method ?? 'GET',
        agent: false,
        ca: o.ca,
        cert: o.cert,
        key: o.key,
        auth: o.auth,
        headers: o.headers,
        minVersion: o.minVersion,
        maxVersion: o.maxVersion,
        timeout: o.timeoutMs ?? 5000,
      },
      (res) => {
        let body = '';
        const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol?.() ?? null;
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, protocol }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
