/**
 * atomic-exporter's public API: prom-client's metric types and Registry on shared memory.
 * Everything else under src/ is internal.
 */
export { Registry, register, type Cardinality, type RegisteredMetric, type RegistryContentType } from './registry.js';
export { Counter, type CounterChild, type CounterConfiguration } from './metrics/counter.js';
export { Gauge, type GaugeChild, type GaugeConfiguration } from './metrics/gauge.js';
export { Histogram, DEFAULT_BUCKETS, type HistogramChild, type HistogramConfiguration } from './metrics/histogram.js';
export { Summary, DEFAULT_PERCENTILES, type SummaryChild, type SummaryConfiguration } from './metrics/summary.js';
export type { LabelValues } from './metrics/labels.js';
export type { MetricConfiguration, MetricObjectWithValues, MetricValue } from './metrics/metric.js';
export { isValidLabelName, isValidMetricName } from './metrics/validate.js';
export type { StoreHandle } from './store/store.js';
export { RELATIVE_ERROR as SUMMARY_RELATIVE_ERROR } from './store/sketch.js';
export { TEXT_CONTENT_TYPE, renderText, renderTextChunks } from './exposition/text.js';
export { OPENMETRICS_CONTENT_TYPE, renderOpenMetrics, renderOpenMetricsChunks } from './exposition/openmetrics.js';
export type { FamilySnapshot, MetricType } from './exposition/snapshot.js';

/** prom-client's names for the content types. */
export { TEXT_CONTENT_TYPE as prometheusContentType, OPENMETRICS_CONTENT_TYPE as openMetricsContentType } from './exposition/index.js';
export {
  defineCollector,
  NoDataError,
  type CollectorDefinition,
  type CollectContext,
  type CollectorOption,
  type CollectorCounter,
  type CollectorGauge,
  type CollectorHistogram,
  type CollectorSummary,
  type HostPaths,
  type MetricSpec,
  type DirectFamily,
  type DirectSeries,
  type DirectStore,
  type OptionConstraints,
} from './collector/define.js';

/** The collector runtime: discovers collector files and runs them in a worker pool (README, "Collectors"). */
export {
  createRuntime,
  discoverCollectors,
  collectorFlagSpecs,
  resolveCollectors,
  CollectorRuntimeError,
  RUNTIME_FLAGS,
  type CollectorRuntime,
  type CollectorInfo,
  type DiscoveredCollector,
  type FlagSpec as CollectorFlagSpec,
  type RunResult,
  type RunOutcome,
  type RuntimeOptions,
} from './runtime/index.js';

/** The HTTP server: a registry (and prom-client registries) on `/metrics`, with `/-/healthy` and `/-/ready`. */
export {
  MetricsServer,
  MetricNameClashError,
  ListenError,
  type MetricsServerOptions,
  type MetricsTarget,
  type ListeningAddress,
  type PromClientRegistryLike,
  type RequestHook,
  type HookResponse,
  type IncomingRequest,
  type ServerLogger,
  type TlsFiles,
} from './server/index.js';

/** Pushing to a Pushgateway and writing files for node_exporter's textfile collector (README, "Push and textfile"). */
export {
  Pushgateway,
  PushgatewayError,
  PushConfigError,
  TextfileWriteError,
  writeToTextfile,
  startPeriodicPush,
  type PushgatewayErrorCode,
  type PushgatewayOptions,
  type PushParameters,
  type PushResult,
  type PushableRegistry,
  type PeriodicPush,
  type PeriodicPushOptions,
} from './push/index.js';
/** The text format parser node_exporter's textfile collector uses, and collectors' const families (`ctx.emit`). */
export { parseTextFormat, TextParseError, type TextFamily, type TextMetric, type TextLabel, type TextMetricType } from './textfile/parse.js';
export type { ConstFamily, ConstSeries } from './collector/const-family.js';
/** Remote write 1.0 (protobuf + snappy) of a registry, on an interval (README, "Remote write"). */
export { RemoteWriter, type RemoteWriteOptions, type CycleResult as RemoteWriteCycleResult } from './remote-write/writer.js';
