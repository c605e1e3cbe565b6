/**
 * os: node_os_info{id,name,pretty_name,version,version_id,…} and node_os_version{id,id_like,name},
 * as node_exporter's os collector.
 *
 * Source: `<rootfs>/etc/os-release`, else `<rootfs>/usr/lib/os-release` (os-release(5)), read
 * directly. systeminformation's osInfo() reads /etc/os-release too, but keeps only a few fields
 * (no build_id, variant, image_id, id_like…) and never the host's root under `--path.rootfs`.
 */
import { defineCollector, NoDataError } from '../src/collector/define.js';
import { osVersionNumber, parseOsRelease } from '../src/host/os-release.js';
import { rootFile } from '../src/host/paths.js';
import { isNotFound, readText, sourceError } from '../src/host/read.js';
import { gauge } from '../src/host/specs.js';

const INFO_LABELS = ['build_id', 'id', 'id_like', 'image_id', 'image_version', 'name', 'pretty_name', 'variant', 'variant_id', 'version', 'version_codename', 'version_id'] as const;

export default defineCollector({
  name: 'os',
  help: 'Exposes OS release information from /etc/os-release.',
  metrics: {
    info: gauge(
      'node_os_info',
      'A metric with a constant \'1\' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.',
      INFO_LABELS,
    ),
    version: gauge('node_os_version', 'Metric containing the major.minor part of the OS version.', ['id', 'id_like', 'name']),
  },
  collect({ metrics, paths }) {
    const candidates = [rootFile(paths, 'etc', 'os-release'), rootFile(paths, 'usr', 'lib', 'os-release')];
    let text: string | undefined;
    for (const file of candidates) {
      try {
        text = readText(file);
        break;
      } catch (err) {
        if (!isNotFound(err)) throw sourceError(file, err);
      }
    }
    if (text === undefined) throw new NoDataError(`no os-release file found (${candidates.join(', ')})`);
    const r = parseOsRelease(text);
    const get = (k: string): string => r.get(k) ?? '';
    const labels: Record<string, string> = {};
    for (const l of INFO_LABELS) labels[l] = get(l.toUpperCase());
    metrics.info.set(labels, 1);
    const version = osVersionNumber(get('VERSION_ID'));
    if (version > 0) metrics.version.set({ id: get('ID'), id_like: get('ID_LIKE'), name: get('NAME') }, version);
  },
});
