// The plugin's configuration: one zod schema is the single source of truth. Kong's plugin `Schema`
// (and so Kong's defaults and type checks) is generated from it by src/kong/to-kong-schema.ts, and
// the same schema validates each instance's config, adding the checks Kong cannot express.
import { z } from 'zod';
import { METRIC_FAMILIES } from '../src/instrumentation/metric-points';
import { operatorPatternError } from '../src/instrumentation/operator-patterns';
import { PRESET_NAMES } from '../src/instrumentation/redaction-presets';

/** Named redaction presets; their rules live in src/instrumentation/redaction-presets.ts. */
export const REDACT_PRESETS = PRESET_NAMES;

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

const endpoint = (signal: 'traces' | 'metrics' | 'logs') =>
  z
    .string()
    .refine(isHttpUrl, { message: 'must be an http(s) URL' })
    .nullish()
    .describe(
      `OTLP/HTTP protobuf URL for ${signal}, including the path (e.g. http://collector:4318/v1/${signal}). ` +
        `Unset: OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/${signal}, ` +
        `else http://localhost:4318/v1/${signal}.`,
    );

const headerMap = (what: string) =>
  z
    .record(z.string(), z.string().meta({ kong: { referenceable: true } }))
    .nullish()
    .describe(what);

/**
 * Request headers that carry credentials: Kong logs `authorization` and `proxy-authorization` as
 * `REDACTED`, and a cookie is a session credential. None may become an attribute.
 */
export const REFUSED_HEADERS = ['authorization', 'proxy-authorization', 'cookie'] as const;

const optionalThreshold = (what: string) => z.number().min(0).nullish().describe(what);

const Sampling = z
  .object({
    keep_errors: z
      .boolean()
      .default(true)
      .describe('Always export the span of a failed call (HTTP status >= 400 or an error source).'),
    min_duration_ms: optionalThreshold(
      'Always export calls that took at least this many milliseconds. Unset: no duration rule.',
    ),
    min_time_to_first_token_ms: optionalThreshold(
      'Always export streamed calls whose time to first token is at least this many milliseconds. Unset: no rule.',
    ),
    min_cost: optionalThreshold(
      'Always export calls that cost at least this much (Kong cost or the price table). Unset: no cost rule.',
    ),
    min_total_tokens: z
      .int()
      .min(0)
      .nullish()
      .describe(
        'Always export calls that used at least this many tokens in total. Unset: no rule.',
      ),
  })
  .nullish()
  .describe(
    'Outcome-aware sampling: a call meeting any rule is exported whatever `sample_ratio` says, and its span says why in `kong.gen_ai.sampling.reason`.',
  );

const PricingEntry = z
  .object({
    model: z
      .string()
      .min(1)
      .describe('Model name pattern; `*` matches any run of characters (e.g. `gpt-4o*`).'),
    input: z.number().min(0).describe('Price per 1M input (prompt) tokens.'),
    output: z.number().min(0).describe('Price per 1M output (completion) tokens.'),
    cached_input: z
      .number()
      .min(0)
      .nullish()
      .describe('Price per 1M cached input tokens; unset: the input price.'),
    cache_write: z
      .number()
      .min(0)
      .nullish()
      .describe(
        'Price per 1M cache-write (cache-creation) input tokens, e.g. Anthropic prompt caching; unset: the input price.',
      ),
  })
  .describe('One price-table entry.');

export const ConfigSchema = z
  .object({
    traces_endpoint: endpoint('traces'),
    metrics_endpoint: endpoint('metrics'),
    logs_endpoint: endpoint('logs'),
    headers: headerMap(
      'HTTP headers sent with every OTLP export (traces and metrics), e.g. `Authorization: Api-Token …` for Dynatrace. Values may be Kong vault references.',
    ),
    metrics_headers: headerMap(
      'Extra HTTP headers for metric exports only; they override `headers` of the same name. Values may be Kong vault references.',
    ),
    resource_attributes: z
      .record(z.string(), z.string())
      .nullish()
      .describe('Extra OpenTelemetry resource attributes (added to OTEL_RESOURCE_ATTRIBUTES).'),
    service_name: z
      .string()
      .min(1)
      .nullish()
      .describe(
        'Resource `service.name` of the telemetry. Unset: `OTEL_SERVICE_NAME` when set, else `kong`.',
      ),
    semconv: z
      .enum(['legacy', 'latest', 'both'])
      .nullish()
      .describe(
        'Attribute vocabulary: `legacy` (OpenLLMetry names Dynatrace documents), `latest` (OpenTelemetry GenAI semconv 1.41), or `both`. Unset: `latest` when OTEL_SEMCONV_STABILITY_OPT_IN contains gen_ai_latest_experimental, else `both`.',
      ),
    capture_message_content: z
      .boolean()
      .nullish()
      .describe(
        'Export prompts, completions and tool definitions (redacted, truncated). Needs ai-proxy `logging.log_payloads`. Unset: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true turns it on; default off.',
      ),
    content_destination: z
      .enum(['span', 'event', 'span_and_event'])
      .nullish()
      .describe(
        'Where captured content goes: span attributes, the `gen_ai.client.inference.operation.details` log event over OTLP logs, or both. Unset: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY/EVENT_ONLY/SPAN_AND_EVENT, else `span`.',
      ),
    max_content_length: z
      .int()
      .min(16)
      .max(1048576)
      .default(4096)
      .describe(
        'Maximum characters of one exported content value; longer values are cut with a `…[truncated]` marker.',
      ),
    redact_patterns: z
      .array(
        z
          .string()
          .min(1)
          .max(4096)
          .superRefine((value, ctx) => {
            const error = operatorPatternError(value);
            if (error !== undefined) ctx.addIssue({ code: 'custom', message: error });
          }),
      )
      .max(64)
      .default([])
      .describe(
        'Regular expressions in RE2 syntax (linear-time matching; no backreferences or lookaround; `(?i)` for case-insensitive) whose matches are replaced by `[REDACTED]` in exported content, after the presets.',
      ),
    redact_presets: z
      .array(z.enum(REDACT_PRESETS))
      .default([...REDACT_PRESETS])
      .describe(
        'Named redaction rules applied to exported content: `email` (incl. internationalised), `payment_card` (Luhn-valid 13-19 digit windows), `bearer_token` (Authorization values, Bearer/Basic credentials, URL passwords), `jwt`, `api_key` (OpenAI, Anthropic, AWS, GitHub, Slack, Google, Stripe, Hugging Face, Dynatrace), `private_key` (PEM blocks), `secret_assignment` (values of password/secret/token/api-key names). Default: all.',
      ),
    sample_ratio: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe(
        "Share of the remaining calls whose span is exported, after the `sampling` rules and the caller's `traceparent` decision. Metrics count every call.",
      ),
    sampling: Sampling,
    metric_families: z
      .array(z.enum(METRIC_FAMILIES))
      .default([...METRIC_FAMILIES])
      .describe(
        "Metric families to export: `gen_ai` (OpenTelemetry GenAI names) and `kong` (the names of Kong's Prometheus AI metrics).",
      ),
    metrics_temporality: z
      .enum(['cumulative', 'delta'])
      .nullish()
      .describe(
        'Aggregation temporality of exported metrics; `delta` for Dynatrace direct ingest. Unset: OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, else `cumulative`.',
      ),
    metrics_export_interval_ms: z
      .int()
      .min(100)
      .max(3600000)
      .default(60000)
      .describe('Interval between metric exports, in milliseconds.'),
    timeout_ms: z
      .int()
      .min(100)
      .max(60000)
      .default(5000)
      .describe('Upper bound of one OTLP export, retries included, in milliseconds.'),
    max_queue_size: z
      .int()
      .min(1)
      .max(15360)
      .default(2048)
      .describe('Spans waiting for export; when full, new spans are dropped and counted.'),
    max_export_batch_size: z
      .int()
      .min(1)
      .max(4096)
      .default(512)
      .describe('Spans per OTLP export request.'),
    scheduled_delay_ms: z
      .int()
      .min(10)
      .max(60000)
      .default(1000)
      .describe('Longest time a span waits in the queue before an export starts, in milliseconds.'),
    consumer_in_metrics: z
      .boolean()
      .default(false)
      .describe(
        'Add the consumer to metric attributes (`kong.auth.consumer.name`, `consumer`). Off by default: one series per consumer.',
      ),
    header_attributes: z
      .record(z.string().min(1).max(256), z.string().min(1).max(256))
      .superRefine((map, ctx) => {
        for (const header of Object.keys(map)) {
          if ((REFUSED_HEADERS as readonly string[]).includes(header.toLowerCase())) {
            ctx.addIssue({
              code: 'custom',
              path: [header],
              message: `must not be a credential header ("${header}": ${REFUSED_HEADERS.join(', ')} are refused)`,
            });
          }
        }
      })
      .nullish()
      .describe(
        'Request headers copied onto spans and content events, as header name -> attribute name (e.g. `x-session-id` -> `session.id`); values are redacted and cut to 256 characters. Credential headers are refused.',
      ),
    header_attributes_in_metrics: z
      .array(z.string().min(1).max(256))
      .default([])
      .describe(
        'Attribute names of `header_attributes` also put on metrics (one series per value, within the cardinality limit).',
      ),
    pricing: z
      .array(PricingEntry)
      .default([])
      .describe(
        'Price table used when Kong logged no cost: the first entry whose pattern matches the model wins.',
      ),
  })
  .superRefine((config, ctx) => {
    // A metric attribute must come from a header: anything else would be a constant typo.
    const fromHeaders = new Set(Object.values(config.header_attributes ?? {}));
    config.header_attributes_in_metrics.forEach((name, i) => {
      if (!fromHeaders.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['header_attributes_in_metrics', i],
          message: `must be an attribute name of header_attributes ("${name}" is not)`,
        });
      }
    });
  });

/** Validated configuration, defaults applied. */
export type Config = z.output<typeof ConfigSchema>;
/** Configuration as Kong (or a test) supplies it. */
export type ConfigInput = z.input<typeof ConfigSchema>;
