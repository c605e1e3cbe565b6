/** The landing page at `/`: what this is and where the metrics are, as node_exporter's. */
import { VERSION } from './build-info.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function landingPage(metricsPath: string): string {
  const p = escapeHtml(metricsPath);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>atomic-exporter</title>
</head>
<body>
<h1>atomic-exporter</h1>
<p>Prometheus exporter for host and Node.js metrics, version ${escapeHtml(VERSION)} (Node.js ${escapeHtml(process.version)}).</p>
<ul>
<li><a href="${p}">Metrics</a> (<code>${p}</code>)</li>
<li><a href="/-/healthy">Health</a> (<code>/-/healthy</code>)</li>
<li><a href="/-/ready">Readiness</a> (<code>/-/ready</code>)</li>
</ul>
</body>
</html>
`;
}
