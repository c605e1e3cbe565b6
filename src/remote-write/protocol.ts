/**
 * The Prometheus remote-write 1.0 wire format: a `prometheus.WriteRequest` protobuf message
 * (prompb/remote.proto, types.proto), compressed with snappy's block format, POSTed with
 * `Content-Encoding: snappy`, `Content-Type: application/x-protobuf` and
 * `X-Prometheus-Remote-Write-Version: 0.1.0`. The encoding is protobufjs's and the compression
 * snappyjs's: nothing here is hand-written but the message schema.
 */
import protobuf from 'protobufjs';
import SnappyJS from 'snappyjs';

export const REMOTE_WRITE_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

/** prompb's MetricMetadata.MetricType. */
export const METADATA_TYPES = { unknown: 0, counter: 1, gauge: 2, histogram: 3, gaugehistogram: 4, summary: 5, info: 6, stateset: 7 } as const;

const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        MetricMetadata: {
          fields: {
            type: { type: 'MetricType', id: 1 },
            metricFamilyName: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
        },
        MetricType: { values: { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3, GAUGEHISTOGRAM: 4, SUMMARY: 5, INFO: 6, STATESET: 7 } },
      },
    },
  },
});

const WriteRequest = root.lookupType('prometheus.WriteRequest');

export interface Label {
  readonly name: string;
  readonly value: string;
}

export interface TimeSeries {
  /** Sorted by name (byte order), `__name__` among them. */
  readonly labels: readonly Label[];
  readonly samples: readonly { readonly value: number; readonly timestamp: number }[];
}

export interface MetricMetadata {
  readonly type: number;
  readonly metricFamilyName: string;
  readonly help: string;
  readonly unit: string;
}

export interface WriteRequestMessage {
  readonly timeseries: readonly TimeSeries[];
  readonly metadata?: readonly MetricMetadata[];
}

/** The protobuf bytes of a WriteRequest. */
export function encodeWriteRequest(req: WriteRequestMessage): Uint8Array {
  return WriteRequest.encode(req as unknown as Record<string, unknown>).finish();
}

/** The HTTP body: the protobuf bytes, snappy-compressed (block format). */
export function writeRequestBody(req: WriteRequestMessage): Uint8Array {
  return SnappyJS.compress(encodeWriteRequest(req));
}

/** Reads a body back (tests, and a receiver stand-in). */
export function decodeWriteRequestBody(body: Uint8Array): WriteRequestMessage {
  const raw = SnappyJS.uncompress(body);
  const msg = WriteRequest.decode(raw);
  return WriteRequest.toObject(msg, { longs: Number, defaults: true }) as unknown as WriteRequestMessage;
}
