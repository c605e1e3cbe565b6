/**
 * Why a listen failed. uWebSockets.js only says "false"; to give the user a reason we try the
 * same bind with node:net, which reports the socket error (EADDRINUSE, EADDRNOTAVAIL, ENOTFOUND,
 * EACCES), and release it at once.
 */
import net from 'node:net';
import { formatHostPort, ListenError } from './backend.js';

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** A ListenError for `host:port` from a node socket error (or its code). */
export function listenErrorFrom(host: string, port: number, err: unknown): ListenError {
  const code = (err as { code?: unknown } | undefined)?.code;
  const c = typeof code === 'string' ? code : 'EUNKNOWN';
  const why = REASONS[c] ?? (err instanceof Error ? err.message : String(err));
  return new ListenError(`cannot listen on ${formatHostPort(host, port)}: ${why} (${c})`, c);
}

/** Tries to bind `host:port` with node:net and returns the error that explains a failed bind. */
export function probeListenError(host: string, port: number): Promise<ListenError> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err) => resolve(listenErrorFrom(host, port, err)));
    probe.listen({ host: host === '' ? undefined : host, port, exclusive: true }, () => {
      probe.close();
      resolve(new ListenError(`cannot listen on ${formatHostPort(host, port)} (the port may have been taken and released in between)`, 'EUNKNOWN'));
    });
  });
}
