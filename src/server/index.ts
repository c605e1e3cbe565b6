/** The HTTP server: serves registries (ours and prom-client's) on `/metrics`, with health endpoints. */
export {
  MetricsServer,
  type HookResponse,
  type ListeningAddress,
  type MetricsServerOptions,
  type MetricsTarget,
  type RequestHook,
  type ServerLogger,
} from './server.js';
export type { Engine, IncomingRequest, ResponseHeaders, TlsFiles, TlsSettings } from './backend.js';
export { ListenError } from './backend.js';
export { MetricNameClashError, type PromClientRegistryLike } from './sources.js';
export { parseListenAddress, type ListenAddress } from './address.js';
export { negotiateEncoding, negotiateFormat, type ContentCoding, type ExpositionFormat } from './negotiate.js';
export { VERSION } from './build-info.js';
