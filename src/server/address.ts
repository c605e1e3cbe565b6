/**
 * Listen addresses as node_exporter writes them: `host:port`, `[v6]:port`, or `:port` for every
 * interface.
 */
import net from 'node:net';

export interface ListenAddress {
  /** '' for every interface; an IPv6 address without brackets. */
  readonly host: string;
  readonly port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const EXPECTED = 'expected [host]:port, e.g. ":9479", "127.0.0.1:9479" or "[::1]:9479"';

/** Why `text` is not a listen address, or the address. */
function check(text: string): ListenAddress | string {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return `${EXPECTED} (no port)`;
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return `${EXPECTED} (port "${portText}" is not a number from 0 to 65535)`;
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
    return net.isIPv6(host) ? { host, port: Number(portText) } : `${EXPECTED} ("${host}" in brackets is not an IPv6 address)`;
  }
  if (host !== '' && !net.isIPv4(host) && !HOST_NAME.test(host)) {
    return `${EXPECTED} ("${host}" is not a host name or an IP address; IPv6 goes in brackets)`;
  }
  return { host, port: Number(portText) };
}

/** The reason `text` is not a valid listen address, or undefined when it is one. */
export function listenAddressProblem(text: string): string | undefined {
  const r = check(text);
  return typeof r === 'string' ? r : undefined;
}

/** Parses `[host]:port`. Throws a TypeError quoting the text and saying what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  const r = check(text);
  if (typeof r === 'string') throw new TypeError(`invalid listen address ${JSON.stringify(text)}: ${r}`);
  return r;
}
