/**
 * `tls_server_config` → the server's TlsSettings. Everything is read and checked here, at
 * start: the certificate and key load and belong together, the client CA holds certificates,
 * names (client auth types, TLS versions, Go cipher suite and curve names) are known, and the
 * combinations exporter-toolkit refuses are refused.
 *
 * Go's crypto/tls settings in node:https terms:
 *
 *   client_auth_type            requestCert  rejectUnauthorized  checked after the handshake
 *   NoClientCert (default)      false        -                   -
 *   RequestClientCert           true         false               -
 *   RequireAnyClientCert        true         false               a certificate was sent
 *   VerifyClientCertIfGiven     true         false               if sent, it verified
 *   RequireAndVerifyClientCert  true         true                it verified
 *
 * Verification is against `client_ca_file`/`client_ca` (without one, Node's bundled roots,
 * as Go falls back to the system's). `client_allowed_sans` then needs one of the client's
 * SANs (DNS, IP, e-mail, URI) in the list. Connections refused after the handshake are closed
 * before any request is read.
 *
 * uWebSockets.js serves certificate files with TLS 1.2 to 1.3 and no client certificates;
 * anything else is node:https only (see TlsSettings.uws).
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { SecureVersion, TLSSocket, TlsOptions } from 'node:tls';
import type { TlsSettings } from '../server/backend.js';
import type { Fail } from './errors.js';
import type { TlsServerConfig } from './parse.js';

export const CLIENT_AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

const VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const VERSION_ORDER = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

/**
 * Go's cipher suite names (crypto/tls CipherSuites(): the secure ones) → OpenSSL's. The TLS 1.3
 * suites are accepted and, as in Go, not configurable: TLS 1.3 always offers all three.
 */
const CIPHERS: Record<string, string | null> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: null,
  TLS_AES_256_GCM_SHA384: null,
  TLS_CHACHA20_POLY1305_SHA256: null,
};
const TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/** Go's curve names → OpenSSL's. */
const CURVES: Record<string, string> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** What tlsSettingsOf gives besides the settings. */
export interface TlsSetup {
  readonly settings: TlsSettings;
  readonly clientAuth: ClientAuthType;
  /** Things worth a warning at start (an expired certificate, ...). */
  readonly warnings: readonly string[];
}

function readPem(fail: Fail, key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    return fail(`tls_server_config.${key} "${file}": cannot read it: ${why}`);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** The SANs of a certificate as Go lists them (DNS names, e-mails, IPs, URIs). */
export function subjectAltNames(cert: X509Certificate): string[] {
  const text = cert.subjectAltName;
  if (text === undefined) return [];
  const out: string[] = [];
  const re = /(DNS|IP Address|email|URI):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (let m = re.exec(text); m !== null && m[0] !== ''; m = re.exec(text)) {
    let v = m[2]!;
    if (v.startsWith('"')) v = JSON.parse(v) as string;
    out.push(m[1] === 'IP Address' ? canonicalIp(v) : v);
  }
  return out;
}

/** An IP address in one spelling (IPv6 expanded and lower case), so `::1` matches `0:0:…:1`. */
function canonicalIp(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 6) return bare;
  const [head, tail] = bare.toLowerCase().split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

function allowedSanMatcher(sans: readonly string[]): (cert: X509Certificate) => boolean {
  const allowed = new Set(sans.map((s) => (isIP(s.replace(/^\[|\]$/g, '')) ? canonicalIp(s) : s)));
  return (cert) => subjectAltNames(cert).some((s) => allowed.has(s));
}

/**
 * Builds the TLS settings of a `tls_server_config`. `onRefused` hears about connections refused
 * (a failed handshake, a client certificate that does not pass).
 */
export function tlsSettingsOf(c: TlsServerConfig, fail: Fail, onRefused?: (reason: string, remoteAddress: string) => void): TlsSetup {
  const warnings: string[] = [];
  if (c.cert !== undefined && c.certFile !== undefined) fail('tls_server_config: set cert_file or cert (the PEM text), not both');
  if (c.key !== undefined && c.keyFile !== undefined) fail('tls_server_config: set key_file or key (the PEM text), not both');
  if (c.clientCa !== undefined && c.clientCaFile !== undefined) fail('tls_server_config: set client_ca_file or client_ca (the PEM text), not both');
  if (c.cert === undefined && c.certFile === undefined) fail('tls_server_config: missing cert_file (or cert)');
  if (c.key === undefined && c.keyFile === undefined) fail('tls_server_config: missing key_file (or key)');

  // The certificate and its key.
  const certWhere = c.certFile !== undefined ? `tls_server_config.cert_file "${c.certFile}"` : 'tls_server_config.cert';
  const keyWhere = c.keyFile !== undefined ? `tls_server_config.key_file "${c.keyFile}"` : 'tls_server_config.key';
  const certPem = c.certFile !== undefined ? readPem(fail, 'cert_file', c.certFile) : Buffer.from(c.cert!);
  const keyPem = c.keyFile !== undefined ? readPem(fail, 'key_file', c.keyFile) : Buffer.from(c.key!);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    return fail(`${certWhere}: not a PEM certificate (${firstLine(err)})`);
  }
  const keyText = keyPem.toString('latin1');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(keyText)) {
    fail(`${keyWhere}: the private key is encrypted; give it unencrypted, as exporter-toolkit needs it`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MISSING_PASSPHRASE') return fail(`${keyWhere}: the private key is encrypted; give it unencrypted, as exporter-toolkit needs it`);
    return fail(`${keyWhere}: not a PEM private key (${firstLine(err)})`);
  }
  if (!cert.checkPrivateKey(key)) fail(`${keyWhere}: the private key does not belong to the certificate in ${certWhere.replace(/^tls_server_config\./, '')}`);
  const validTo = new Date(cert.validTo);
  if (validTo.getTime() < Date.now()) warnings.push(`the certificate in ${certWhere} expired on ${validTo.toISOString()}`);

  // Client certificates.
  let clientAuth: ClientAuthType = 'NoClientCert';
  if (c.clientAuthType !== undefined) {
    const t = c.clientAuthType === 'RequireClientCert' ? 'RequireAnyClientCert' : c.clientAuthType; // exporter-toolkit's old name
    if (!(CLIENT_AUTH_TYPES as readonly string[]).includes(t)) fail(`tls_server_config.client_auth_type: unknown value ${JSON.stringify(c.clientAuthType)} (expected one of: ${CLIENT_AUTH_TYPES.join(', ')})`);
    clientAuth = t as ClientAuthType;
  }
  let caPem: Buffer | undefined;
  if (c.clientCaFile !== undefined || c.clientCa !== undefined) {
    const where = c.clientCaFile !== undefined ? `tls_server_config.client_ca_file "${c.clientCaFile}"` : 'tls_server_config.client_ca';
    caPem = c.clientCaFile !== undefined ? readPem(fail, 'client_ca_file', c.clientCaFile) : Buffer.from(c.clientCa!);
    const blocks = caPem.toString('latin1').match(PEM_CERT) ?? [];
    if (blocks.length === 0) fail(`${where}: holds no PEM certificate`);
    for (const b of blocks) {
      try {
        new X509Certificate(b);
      } catch (err) {
        fail(`${where}: a certificate in it does not parse (${firstLine(err)})`);
      }
    }
    if (clientAuth === 'NoClientCert') fail(`tls_server_config: a client CA is set but client_auth_type is NoClientCert; set client_auth_type (RequireAndVerifyClientCert to require verified client certificates)`);
  }
  const verifies = clientAuth === 'VerifyClientCertIfGiven' || clientAuth === 'RequireAndVerifyClientCert';
  if (verifies && caPem === undefined) warnings.push(`client_auth_type ${clientAuth} without client_ca_file: client certificates are verified against Node's bundled root CAs`);
  const sans = c.clientAllowedSans;
  if (sans !== undefined && clientAuth !== 'RequireAnyClientCert' && clientAuth !== 'RequireAndVerifyClientCert') {
    fail('tls_server_config.client_allowed_sans: needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert (the others let a client connect without a certificate)');
  }

  // Versions, ciphers, curves.
  const version = (key: string, v: string | undefined, dflt: string): string => {
    const x = v ?? dflt;
    if (VERSIONS[x] === undefined) fail(`tls_server_config.${key}: unknown TLS version ${JSON.stringify(x)} (expected one of: ${VERSION_ORDER.join(', ')})`);
    return x;
  };
  const min = version('min_version', c.minVersion, 'TLS12');
  const max = version('max_version', c.maxVersion, 'TLS13');
  if (VERSION_ORDER.indexOf(min) > VERSION_ORDER.indexOf(max)) fail(`tls_server_config: min_version ${min} is above max_version ${max}`);
  let ciphers: string | undefined;
  if (c.cipherSuites !== undefined && c.cipherSuites.length > 0) {
    const names: string[] = [];
    for (const s of c.cipherSuites) {
      if (!(s in CIPHERS)) fail(`tls_server_config.cipher_suites: unknown cipher suite ${JSON.stringify(s)} (Go's names from crypto/tls CipherSuites(), e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)`);
      const openssl = CIPHERS[s];
      if (openssl) names.push(openssl);
    }
    // Only TLS 1.3 suites listed: Go then keeps its TLS 1.2 defaults; so do we (no restriction).
    if (names.length > 0) ciphers = `${TLS13_SUITES}:${names.join(':')}`;
  }
  let curves: string | undefined;
  if (c.curvePreferences !== undefined && c.curvePreferences.length > 0) {
    curves = c.curvePreferences
      .map((n) => CURVES[n] ?? fail(`tls_server_config.curve_preferences: unknown curve ${JSON.stringify(n)} (expected one of: ${Object.keys(CURVES).join(', ')})`))
      .join(':');
  }

  const node: TlsOptions = {
    cert: certPem,
    key: keyPem,
    ...(caPem !== undefined ? { ca: caPem } : {}),
    requestCert: clientAuth !== 'NoClientCert',
    rejectUnauthorized: clientAuth === 'RequireAndVerifyClientCert',
    minVersion: VERSIONS[min],
    maxVersion: VERSIONS[max],
    honorCipherOrder: c.preferServerCipherSuites ?? true,
    ...(ciphers !== undefined ? { ciphers } : {}),
    ...(curves !== undefined ? { ecdhCurve: curves } : {}),
  };

  const sanOk = sans !== undefined ? allowedSanMatcher(sans) : undefined;
  const checkPeer =
    clientAuth === 'NoClientCert' || clientAuth === 'RequestClientCert'
      ? undefined
      : (socket: TLSSocket): string | undefined => {
          const peer = socket.getPeerX509Certificate();
          if (peer === undefined) return clientAuth === 'VerifyClientCertIfGiven' ? undefined : 'no client certificate';
          if (verifies && !socket.authorized) return `client certificate not verified: ${String(socket.authorizationError ?? 'unknown error')}`;
          if (sanOk && !sanOk(peer)) return `client certificate has none of the allowed SANs (it has: ${subjectAltNames(peer).join(', ') || 'none'})`;
          return undefined;
        };

  // What uWebSockets.js cannot do.
  const needsNode: string[] = [];
  if (c.certFile === undefined || c.keyFile === undefined) needsNode.push('a certificate or key given inline');
  if (clientAuth !== 'NoClientCert') needsNode.push(`client_auth_type ${clientAuth}`);
  if (min !== 'TLS12') needsNode.push(`min_version ${min}`);
  if (max !== 'TLS13') needsNode.push(`max_version ${max}`);
  if (ciphers !== undefined) needsNode.push('cipher_suites');
  if (curves !== undefined) needsNode.push('curve_preferences');

  const settings: TlsSettings = {
    node,
    ...(needsNode.length === 0 ? { uws: { certFile: c.certFile!, keyFile: c.keyFile! } } : { uwsUnsupported: needsNode.join(', ') }),
    ...(checkPeer ? { checkPeer } : {}),
    ...(onRefused ? { onRefused } : {}),
  };
  return { settings, clientAuth, warnings };
}
