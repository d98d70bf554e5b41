#!/bin/sh
# PID 1 of the Kong image: runs Kong's own entrypoint as a child and, on the stop signal, stops
# it without losing telemetry. Kong's nginx master as PID 1 would exit right after its workers,
# and the container's other processes (the plugin server still exporting) would be killed.
#   1. the stop helper: the plugin server exports everything now, and promptly from then on;
#   2. SIGQUIT to Kong (graceful: in-flight requests and their log phase finish);
#   3. wait for the plugin server (SIGTERMed by Kong's worker 0) to finish its last export.
# Settings: GENAI_OTEL_FLUSH_CMD (the helper), KONG_ENTRYPOINT (Kong's entrypoint),
# GENAI_OTEL_STOP_WAIT_SECONDS (bound on step 3, default 5).
set -u
flush_cmd=${GENAI_OTEL_FLUSH_CMD:-/usr/local/bin/node /usr/local/kong/genai-otel/dist/bin/genai-otel-pluginserver.js --flush-and-wait}
entrypoint=${KONG_ENTRYPOINT:-/docker-entrypoint.sh}
stop_wait=${GENAI_OTEL_STOP_WAIT_SECONDS:-5}

"$entrypoint" "$@" &
kong_pid=$!
stopping=0

# Alive and not a zombie (an orphan reparented to PID 1 stays a zombie until reaped).
alive() { [ -e "/proc/$1" ] && ! grep -qs ') Z' "/proc/$1/stat"; }

stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  server_pid=$($flush_cmd | tail -n 1) || true
  kill -QUIT "$kong_pid" 2>/dev/null
}
trap stop QUIT TERM INT

status=0
while :; do
  wait "$kong_pid"
  status=$?
  # wait returns early when a trapped signal arrives; go on until Kong has exited.
  alive "$kong_pid" || break
done

case "${server_pid:-}" in
  '' | *[!0-9]*) ;;
  *)
    i=0
    while alive "$server_pid" && [ "$i" -lt $((stop_wait * 10)) ]; do
      sleep 0.1
      i=$((i + 1))
    done
    ;;
esac
exit "$status"
