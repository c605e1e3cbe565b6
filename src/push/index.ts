/** The ways out besides a scrape: a Pushgateway push, and a file for node_exporter's textfile collector. */
export { Pushgateway, PushgatewayError, displayUrl, type PushgatewayErrorCode, type PushgatewayOptions, type PushMethod, type PushParameters, type PushResult } from './pushgateway.js';
export { PushConfigError, checkGrouping, checkJobName, encodeGroupings, groupPath } from './grouping.js';
export { checkNoGroupingLabels, familiesOf, textOf, type PromClientRegistryForPush, type PushableRegistry } from './families.js';
export { TextfileWriteError, writeFileAtomic, writeToTextfile } from './textfile.js';
export { startPeriodicPush, type PeriodicPush, type PeriodicPushOptions, type PushLogger, type Pusher } from './periodic.js';
