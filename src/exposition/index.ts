/** The exposition: pure functions from family snapshots to the Prometheus and OpenMetrics text formats. */
export type { FamilySnapshot, MetricType } from './snapshot.js';
export {
  escapeHelpOpenMetrics,
  escapeHelpText,
  escapeLabelValue,
  formatLabelPairs,
} from './escape.js';
export { formatLeText, formatOpenMetricsNumber, formatSampleValue } from './number.js';
export {
  CHUNK_CHARS,
  type ChunkSink,
  renderText,
  renderTextChunks,
  TEXT_CONTENT_TYPE,
} from './text.js';
export {
  OPENMETRICS_CONTENT_TYPE,
  openMetricsCounterFamilyName,
  renderOpenMetrics,
  renderOpenMetricsChunks,
} from './openmetrics.js';
