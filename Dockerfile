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
# Node built-ins only: the compiled file runs without node_modules.
COPY --from=build /app/dist/mock-llm/server.js ./server.js
ENV MOCK_LLM_HOST=0.0.0.0 MOCK_LLM_PORT=8080
USER node
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]

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
# Socket set on both sides: Kong's default <prefix>/genai_otel.socket != the JS default (2).
ENV KONG_PLUGINSERVER_GENAI_OTEL_SOCKET=/usr/local/kong/genai_otel.sock
# Absolute node path: Kong spawns the commands with a minimal PATH (6).
ENV KONG_PLUGINSERVER_GENAI_OTEL_START_CMD="/usr/local/bin/node ${PLUGINSERVER_ENTRY} --plugins-directory /usr/local/kong/genai-otel/dist/plugins --kong-prefix /usr/local/kong --sock-name genai_otel.sock"
# Explicit query command (3.9's default `<name> -dump` breaks the JS CLI (3)); never -v: Kong
# parses this stdout as JSON (4).
ENV KONG_PLUGINSERVER_GENAI_OTEL_QUERY_CMD="/usr/local/bin/node ${PLUGINSERVER_ENTRY} --plugins-directory /usr/local/kong/genai-otel/dist/plugins --dump-all-plugins"
# nginx workers drop the environment, and the plugin server inherits the worker's (6). Chosen over
# `/usr/bin/env VAR=value node …` inline in the start command: values then come from
# `docker run -e` / compose `environment:` as usual, and the start command stays one switchable
# line. Each name becomes an nginx `env` directive ("A; env B" is the way to list several).
# Add your own names the same way.
ENV KONG_NGINX_MAIN_ENV="OTEL_EXPORTER_OTLP_ENDPOINT; env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; env OTEL_EXPORTER_OTLP_METRICS_ENDPOINT; env OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE; env OTEL_RESOURCE_ATTRIBUTES; env OTEL_SEMCONV_STABILITY_OPT_IN; env OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT; env KONG_GENAI_OTEL_PROMETHEUS_PORT; env KONG_GENAI_OTEL_PROMETHEUS_HOST; env KONG_GENAI_OTEL_METRIC_CARDINALITY_LIMIT; env KONG_GENAI_OTEL_SHUTDOWN_DEADLINE_MS"
# Status API for the health check below (Kong's image leaves it off).
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

# Healthy = Kong is ready (status API) AND the plugin server accepts connections on its socket:
# Kong does not wait for the plugin server, and a request that needs a new plugin instance before
# it listens gets a 500 (trap 10).
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=12 \
  CMD ["/usr/local/bin/node", "-e", "fetch('http://127.0.0.1:8100/status/ready').then(r => { if (!r.ok) process.exit(1); require('net').connect(process.env.KONG_PLUGINSERVER_GENAI_OTEL_SOCKET).on('connect', function () { this.end(); process.exit(0); }).on('error', () => process.exit(1)); }, () => process.exit(1))"]
