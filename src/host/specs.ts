/** Short builders for the metric specs of the host collectors (node_exporter's descriptors). */
import type { CounterSpec, GaugeSpec, UntypedSpec } from '../collector/define.js';

export function gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeSpec {
  return { type: 'gauge', name, help, labelNames };
}

export function counter(name: string, help: string, labelNames: readonly string[] = []): CounterSpec {
  return { type: 'counter', name, help, labelNames };
}

export function untyped(name: string, help: string, labelNames: readonly string[] = []): UntypedSpec {
  return { type: 'untyped', name, help, labelNames };
}
