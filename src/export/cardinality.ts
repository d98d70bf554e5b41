// The hard bound on metric series (docs/design.md#bounded-memory): attribute sets kept per
// instrument and pipeline, OTLP and the Prometheus endpoint alike; beyond it the SDK folds new
// series into one `otel.metric.overflow="true"` series. Client-chosen model names reach metric
// labels, so the bound is what keeps a scrape or an export small whatever clients send.

export const CARDINALITY_ENV = 'KONG_GENAI_OTEL_METRIC_CARDINALITY_LIMIT';
/**
 * Default: under 10,000 distinct 256-character model names a scrape of both families stays
 * under 2 MB and one OTLP export under 4 MB (measured by test/export/cardinality.test.ts).
 */
export const DEFAULT_CARDINALITY_LIMIT = 50;
export const MAX_CARDINALITY_LIMIT = 2000;

/** The limit the environment asks for; the default when unset or not a whole number 1-2000. */
export function cardinalityLimit(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[CARDINALITY_ENV]?.trim() ?? '';
  if (!/^\d{1,4}$/.test(raw)) return DEFAULT_CARDINALITY_LIMIT;
  const n = Number(raw);
  return n >= 1 && n <= MAX_CARDINALITY_LIMIT ? n : DEFAULT_CARDINALITY_LIMIT;
}
