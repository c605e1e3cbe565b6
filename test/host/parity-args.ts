/**
 * node_exporter 1.5.0's upstream defaults for the two flags Debian's package patches (it adds
 * `run|mnt|media` to the excluded mount points and excludes `lo` from netdev). Passed to Debian's
 * binary so that both exporters run upstream 1.5.0's defaults (see examples/grafana.md).
 */
export const UPSTREAM_DEFAULT_ARGS = [
  '--collector.filesystem.mount-points-exclude=^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
  '--collector.netdev.device-exclude=',
];
