# syntax=docker/dockerfile:1
# Kong Gateway 3.9 with the genai-otel external plugin on Node 24 LTS, and the mock LLM of the demo stack.
#   docker build -t kong-genai-otel .                       (last stage: Kong, `runtime`)
#   docker build --target mock-llm -t kong-genai-otel-mock-llm .
# Plugin-server settings follow docs/kong-pluginserver §1 and the traps of §5 (numbers below).
ARG NODE_IMAGE=node:24-bookworm-slim
ARG KONG_IMAGE=kong:3.9

# ---- build: compile the TypeScript, then keep the production dependencies only -----------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY plugins ./plugins
COPY schemas ./schemas
COPY src ./src
COPY bin ./bin
COPY mock-llm ./mock-llm
# `npm run build` empties dist/ first, so dist/plugins holds the entry file only (trap 5).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- mock-llm: the OpenAI-compatible upstream of docker-compose.yml --------------------------------
FROM ${NODE_IMAGE} AS mock-llm
WORKDIR /srv/mock-llm
# The whole compiled folder; Node built-ins only, so it runs without node_modules.
COPY --from=build /app/dist/mock-llm/ ./
ENV MOCK_LLM_HOST=0.0.0.0 MOCK_LLM_PORT=8080
USER node
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "main.js"]

# ---- runtime: Kong + Node + the plugin ---------------------------------------------------------------
FROM ${KONG_IMAGE} AS runtime
# The official Node binary (the build stage's own), not the distribution's nodejs package. Kong's
# image runs as `kong`; root-owned, world-readable files are all the plugin server needs.
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /app/package.json /usr/local/kong/genai-otel/package.json
COPY --from=build /app/node_modules /usr/local/kong/genai-otel/node_modules
COPY --from=build /app/dist /usr/local/kong/genai-otel/dist

# The plugin-server entry: switch here (one line). Ours takes kong-js-pluginserver's flags; the
# stock server is /usr/local/kong/genai-otel/node_modules/kong-pdk/bin/kong-js-pluginserver
ARG PLUGINSERVER_ENTRY=/usr/local/kong/genai-otel/dist/bin/genai-otel-pluginserver.js

ENV KONG_PLUGINS=bundled,genai-otel
# One plugin server for this plugin alone: Kong 3.9+ uses only the first plugin a server reports (1).
ENV KONG_PLUGINSERVER_NAMES=genai_otel
# Socket: no setting of its own. Kong 3.9 uses <prefix>/genai_otel.socket, and the server listens
# on <KONG_PREFIX>/<--sock-name> when no --kong-prefix is given (KONG_PREFIX reaches it through
# KONG_NGINX_MAIN_ENV below). Both follow the prefix: /usr/local/kong here, /kong_prefix/ under the
# Helm chart's read-only root filesystem (2). Never pass --kong-prefix here: it would pin the path.
# Absolute node path: Kong spawns the commands with a minimal PATH (6).
ENV KONG_PLUGINSERVER_GENAI_OTEL_START_CMD="/usr/local/bin/node ${PLUGINSERVER_ENTRY} --plugins-directory /usr/local/kong/genai-otel/dist/plugins --sock-name genai_otel.socket"
# Explicit query command: 3.9 defaults it to `/usr/local/bin/genai_otel -dump` only when that file
# exists (it does not here, and `-dump` breaks the JS CLI anyway (3)); without one Kong refuses to
# start ("query_command undefined"). Never -v: Kong parses this stdout as JSON (4).
ENV KONG_PLUGINSERVER_GENAI_OTEL_QUERY_CMD="/usr/local/bin/node ${PLUGINSERVER_ENTRY} --plugins-directory /usr/local/kong/genai-otel/dist/plugins --dump-all-plugins"
# nginx workers drop the environment, and the plugin server inherits the worker's (6). Chosen over
# `/usr/bin/env VAR=value node …` inline in the start command: values then come from
# `docker run -e` / compose `environment:` as usual, and the start command stays one switchable
# line. Each name becomes an nginx `env` directive ("A; env B" is the way to list several).
# Add your own names the same way.
ENV KONG_NGINX_MAIN_ENV="KONG_PREFIX; env OTEL_EXPORTER_OTLP_ENDPOINT; env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; env OTEL_EXPORTER_OTLP_METRICS_ENDPOINT; env OTEL_EXPORTER_OTLP_LOGS_ENDPOINT; env OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE; env OTEL_RESOURCE_ATTRIBUTES; env OTEL_SERVICE_NAME; env OTEL_SEMCONV_STABILITY_OPT_IN; env OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT; env KONG_GENAI_OTEL_PROMETHEUS_PORT; env KONG_GENAI_OTEL_PROMETHEUS_HOST; env KONG_GENAI_OTEL_METRIC_CARDINALITY_LIMIT; env KONG_GENAI_OTEL_SHUTDOWN_DEADLINE_MS"
# Status API: Kong 3.9 listens on 127.0.0.1:8007 by default; 8100 on all interfaces (the Helm
# chart's port) so the health check below and an orchestrator's probe can reach it.
ENV KONG_STATUS_LISTEN=0.0.0.0:8100

# Fail the build rather than Kong's start: the entry exists, the plugins directory holds the entry
# file only, and the query command, run with an empty environment as Kong would, prints exactly
# one plugin named genai-otel and nothing else.
RUN set -eu; \
    test -f "$PLUGINSERVER_ENTRY" || { echo "no $PLUGINSERVER_ENTRY: set PLUGINSERVER_ENTRY" >&2; exit 1; }; \
    test "$(ls -A /usr/local/kong/genai-otel/dist/plugins)" = "genai-otel.js"; \
    dump="$(env -i PATH=/usr/bin:/bin sh -c "$KONG_PLUGINSERVER_GENAI_OTEL_QUERY_CMD")"; \
    /usr/local/bin/node -e 'const p = JSON.parse(process.argv[1]); if (p.length !== 1 || p[0].Name !== "genai-otel") throw new Error("unexpected dump: " + process.argv[1]);' "$dump"

# 8100: status API. 9464: the plugin's optional Prometheus endpoint (KONG_GENAI_OTEL_PROMETHEUS_PORT).
EXPOSE 8100 9464

# Healthy = Kong is ready (status API) AND the plugin server accepts connections on its socket.
# Kong's /status/ready knows nothing of plugin servers, and Kong does not wait for one to listen
# (it respawns a failing one every second). genai-otel runs only in the log phase, in a timer after
# the response: while the server is down, requests still succeed, their telemetry is lost and Kong
# logs an error per request, never a 500. The socket check makes that state visible.
# deploy/helm/values.yaml uses the same command as the Kubernetes readiness probe.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=12 \
  CMD ["/usr/local/bin/node", "-e", "fetch('http://127.0.0.1:8100/status/ready').then(r => { if (!r.ok) process.exit(1); require('net').connect(require('path').join(process.env.KONG_PREFIX || '/usr/local/kong', 'genai_otel.socket')).on('connect', function () { this.end(); process.exit(0); }).on('error', () => process.exit(1)); }, () => process.exit(1))"]

# Stopping: Kong's image stops with SIGQUIT to nginx (PID 1); worker 0 then sends SIGTERM to the
# plugin server without waiting, and the server is killed when nginx exits. Run the stop helper
# first so nothing recorded is lost (deploy/helm/values.yaml's preStop does; for Docker, see the
# README's shutdown section). It exports everything now and then promptly until the server exits:
#   /usr/local/bin/node /usr/local/kong/genai-otel/dist/bin/genai-otel-pluginserver.js --flush-and-wait
# (always our entry, whatever PLUGINSERVER_ENTRY; it finds the socket from KONG_PREFIX).
# deploy/docker/kong-entrypoint.sh does exactly that on the stop signal (helper, SIGQUIT to Kong,
# then waits for the plugin server's last export), as PID 1 in front of Kong's own entrypoint.
# Setting ENTRYPOINT resets the base image's CMD, so it is repeated.
COPY deploy/docker/kong-entrypoint.sh /usr/local/kong/genai-otel/kong-entrypoint.sh
ENTRYPOINT ["/usr/local/kong/genai-otel/kong-entrypoint.sh"]
CMD ["kong", "docker-start"]
STOPSIGNAL SIGQUIT
