/**
 * What a push or a textfile write sends: the families of a registry (ours, or prom-client's),
 * always in the Prometheus text format 0.0.4 (what the Pushgateway and node_exporter's textfile
 * collector read), whatever content type the registry is set to.
 */
import { renderText } from '../exposition/text.js';
import type { FamilySnapshot } from '../exposition/snapshot.js';
import { Registry } from '../registry.js';
import { familiesFromPromClient, type PromClientMetricJson } from '../server/prom-client-families.js';
import { PushConfigError } from './grouping.js';

/** The part of a prom-client Registry read here (a prom-client `Registry` fits). */
export interface PromClientRegistryForPush {
  getMetricsAsJSON(): Promise<readonly PromClientMetricJson[]> | readonly PromClientMetricJson[];
}

/** A registry whose metrics can be pushed or written: ours, or prom-client's. */
export type PushableRegistry = Registry | PromClientRegistryForPush;

/** The registry's families now (runs its collect hooks). */
export async function familiesOf(registry: PushableRegistry): Promise<FamilySnapshot[]> {
  if (registry instanceof Registry) return registry.snapshots();
  if (typeof registry === 'object' && registry !== null && typeof (registry as PromClientRegistryForPush).getMetricsAsJSON === 'function') {
    return familiesFromPromClient(await registry.getMetricsAsJSON());
  }
  throw new TypeError('expected an atomic-exporter Registry or a prom-client Registry');
}

/** The registry's exposition in the text format 0.0.4. */
export async function textOf(registry: PushableRegistry): Promise<string> {
  return renderText(await familiesOf(registry));
}

function hasLabel(labelText: string, name: string): boolean {
  // Inside a value every `"` is escaped, so `name="` there can only start a label.
  return labelText.startsWith(name + '="') || labelText.includes(',' + name + '="');
}

/**
 * Refuses families whose series already carry one of `labels` (the job and grouping labels the
 * push sets): the Pushgateway would quietly replace them. client_golang's push refuses too.
 */
export function checkNoGroupingLabels(families: readonly FamilySnapshot[], labels: readonly string[]): void {
  for (const f of families) {
    for (const text of f.labelTexts) {
      for (const l of labels) {
        if (hasLabel(text, l)) {
          throw new PushConfigError(
            `metric "${f.name}" has a series with the label "${l}" ({${text}}), which the push sets itself (${l === 'job' ? 'the job name' : 'a grouping label'}): rename that label or choose another grouping`,
          );
        }
      }
    }
  }
}
