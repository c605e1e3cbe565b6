# atomic-exporter as a container image.
#
#   docker build -t atomic-exporter .
#   docker run --rm -p 9479:9479 atomic-exporter                         # host metrics of the container
#   docker run --rm -p 9479:9479 -v /proc:/host/proc:ro -v /sys:/host/sys:ro -v /:/host/root:ro,rslave \
#     atomic-exporter --path.procfs=/host/proc --path.sysfs=/host/sys --path.rootfs=/host/root   # of the host
#
# Flags can also be given as ATOMIC_EXPORTER_* environment variables (see README, "Configuration").
# The runtime image is Debian (glibc): the uWebSockets.js binary does not load on musl (Alpine).

# --- build: compile TypeScript to dist/ ------------------------------------------------------
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` runs the TypeScript build, and the sources are not copied yet.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
RUN npm run build

# --- runtime: production dependencies and dist/ only -----------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no `prepare` (no TypeScript here; dist/ comes from the build stage).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
# The image's unprivileged `node` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 9479
# No curl in the slim image: Node's fetch. Port from ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS (default
# :9479); with --web.config.file TLS, https without certificate verification (loopback); a 401
# (basic auth configured) still proves the server answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "--no-warnings", "-e", "const a=process.env.ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS||':9479';const u=(s)=>s+'://127.0.0.1:'+a.slice(a.lastIndexOf(':')+1)+'/-/healthy';const get=(s)=>fetch(u(s),{signal:AbortSignal.timeout(4000)});process.env.NODE_TLS_REJECT_UNAUTHORIZED='0';get('http').catch(()=>get('https')).then((r)=>process.exit(r.ok||r.status===401?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--single-threaded-gc", "dist/src/cli.js"]
CMD []
