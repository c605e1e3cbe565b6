import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiateEncoding, negotiateFormat } from '../../src/server/negotiate.js';
import { listenAddressProblem, parseListenAddress } from '../../src/server/address.js';

describe('negotiateFormat', () => {
  it('is text without an Accept header, or for */* and text/plain', () => {
    assert.equal(negotiateFormat(undefined), 'text');
    assert.equal(negotiateFormat(''), 'text');
    assert.equal(negotiateFormat('*/*'), 'text');
    assert.equal(negotiateFormat('text/plain'), 'text');
    assert.equal(negotiateFormat('text/plain;version=0.0.4'), 'text');
    assert.equal(negotiateFormat('text/*'), 'text');
  });

  it("picks OpenMetrics from Prometheus's headers", () => {
    // Prometheus 2.x
    assert.equal(
      negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'),
      'openmetrics',
    );
    // Prometheus 3.x
    assert.equal(
      negotiateFormat(
        'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
      ),
      'openmetrics',
    );
    assert.equal(negotiateFormat('application/openmetrics-text'), 'openmetrics');
  });

  it('honours q-values, whatever the order', () => {
    assert.equal(negotiateFormat('application/openmetrics-text;q=0.3,text/plain;q=0.9'), 'text');
    assert.equal(negotiateFormat('text/plain;q=0.2, application/openmetrics-text;version=1.0.0;q=0.8'), 'openmetrics');
    assert.equal(negotiateFormat('application/openmetrics-text;q=0, */*'), 'text');
    assert.equal(negotiateFormat('text/plain;q=0, application/openmetrics-text;q=0.1'), 'openmetrics');
    // equal q: the header's order decides
    assert.equal(negotiateFormat('application/openmetrics-text;q=0.5, text/plain;q=0.5'), 'openmetrics');
    assert.equal(negotiateFormat('text/plain;q=0.5, application/openmetrics-text;q=0.5'), 'text');
    // a malformed q counts as 1
    assert.equal(negotiateFormat('text/plain;q=0.5, application/openmetrics-text;q=2'), 'openmetrics');
  });

  it('skips versions it cannot write and falls back to text', () => {
    assert.equal(negotiateFormat('application/openmetrics-text;version=2.0.0'), 'text');
    assert.equal(negotiateFormat('application/openmetrics-text;version=2.0.0, application/openmetrics-text;version=0.0.1;q=0.1'), 'openmetrics');
    assert.equal(negotiateFormat('text/plain;version=1.0.0;q=0.9, application/openmetrics-text;q=0.1'), 'openmetrics');
    assert.equal(negotiateFormat('application/json'), 'text');
    assert.equal(negotiateFormat('garbage,,;'), 'text');
  });

  it('ignores case and spaces', () => {
    assert.equal(negotiateFormat(' Application/OpenMetrics-Text ; Version=1.0.0 ; Q=0.9 , text/plain ; q=0.1'), 'openmetrics');
  });
});

describe('negotiateEncoding', () => {
  it('gzips when gzip or * is acceptable', () => {
    assert.equal(negotiateEncoding(undefined), 'identity');
    assert.equal(negotiateEncoding('gzip'), 'gzip');
    assert.equal(negotiateEncoding('gzip, deflate, br'), 'gzip');
    assert.equal(negotiateEncoding('br;q=1.0, gzip;q=0.8'), 'gzip');
    assert.equal(negotiateEncoding('*'), 'gzip');
    assert.equal(negotiateEncoding('x-gzip'), 'gzip');
  });

  it('does not gzip when refused or not offered', () => {
    assert.equal(negotiateEncoding('gzip;q=0'), 'identity');
    assert.equal(negotiateEncoding('*, gzip;q=0'), 'identity');
    assert.equal(negotiateEncoding('*;q=0'), 'identity');
    assert.equal(negotiateEncoding('identity'), 'identity');
    assert.equal(negotiateEncoding('deflate, br'), 'identity');
  });
});

describe('parseListenAddress', () => {
  it('reads host:port, [v6]:port and :port', () => {
    assert.deepEqual(parseListenAddress(':9479'), { host: '', port: 9479 });
    assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:9479'), { host: '::1', port: 9479 });
    assert.deepEqual(parseListenAddress('localhost:80'), { host: 'localhost', port: 80 });
    assert.deepEqual(parseListenAddress('node-1.example.com:9100'), { host: 'node-1.example.com', port: 9100 });
  });

  it('rejects what is not one, saying why', () => {
    assert.throws(() => parseListenAddress('not-an-address'), /invalid listen address "not-an-address": expected \[host\]:port.*\(no port\)/);
    assert.match(listenAddressProblem('127.0.0.1:99999') ?? '', /port "99999" is not a number from 0 to 65535/);
    assert.match(listenAddressProblem(':x') ?? '', /port "x"/);
    assert.match(listenAddressProblem('::1:9479') ?? '', /IPv6 goes in brackets/);
    assert.match(listenAddressProblem('[foo]:1') ?? '', /not an IPv6 address/);
    assert.match(listenAddressProblem('a b:1') ?? '', /not a host name/);
    assert.equal(listenAddressProblem(':9479'), undefined);
  });
});
