// Bad plugin configs (docs/design.md#configuration): every field with wrong types or out-of-range
// values is rejected by the generated Kong schema (schemas/genai-otel.kong.json) wherever Kong's
// DSL can express the check, and by zod at instance start otherwise (regexes, URL schemes), with a
// message naming the field. A tiny validator implements the subset of Kong's field DSL the
// generator emits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../schemas/config';
import { loadConfig } from '../../src/pipeline/load-config';
import type { KongField, KongFieldSchema } from '../../src/kong/to-kong-schema';

const ROOT = path.resolve(__dirname, '../..');
const dump = JSON.parse(readFileSync(path.join(ROOT, 'schemas/genai-otel.kong.json'), 'utf8')) as {
  Schema: { fields: KongField[] };
}[];
const configField = dump[0]!.Schema.fields.find(f => 'config' in f)!.config!;
const FIELDS = new Map((configField.fields ?? []).map(f => Object.entries(f)[0]!));

// ---------------------------------------------------------------------------------------------
// Kong's field validation (kong/db/schema/init.lua), for the keywords the generator emits. JSON
// null is Kong's ngx.null: an unset optional field. Strings must be non-empty unless `len_min`
// says otherwise (Kong's default `len_min = 1` for strings).

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function kongValidate(def: KongFieldSchema, value: unknown, at: string): string[] {
  if (value === null || value === undefined) {
    return def.required === true ? [`${at}: required field missing`] : [];
  }
  switch (def.type) {
    case 'string': {
      if (typeof value !== 'string') return [`${at}: expected a string`];
      const bytes = Buffer.byteLength(value);
      if (bytes < (def.len_min ?? 1)) return [`${at}: length must be at least ${def.len_min ?? 1}`];
      if (def.len_max !== undefined && bytes > def.len_max)
        return [`${at}: length must be at most ${def.len_max}`];
      break;
    }
    case 'number':
      if (typeof value !== 'number') return [`${at}: expected a number`];
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return [`${at}: expected an integer`];
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${at}: expected a boolean`];
      break;
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      if (def.len_min !== undefined && value.length < def.len_min)
        return [`${at}: length must be at least ${def.len_min}`];
      if (def.len_max !== undefined && value.length > def.len_max)
        return [`${at}: length must be at most ${def.len_max}`];
      // Lua arrays cannot hold nil: a null element is an error, whatever the element type.
      return value.flatMap((item, i) =>
        item === null
          ? [`${at}[${i}]: null element`]
          : kongValidate(def.elements!, item, `${at}[${i}]`),
      );
    }
    case 'map':
      if (!isObj(value)) return [`${at}: expected a map`];
      return Object.entries(value).flatMap(([k, v]) => [
        ...kongValidate(def.keys!, k, `${at}{key}`),
        ...(v === null ? [`${at}.${k}: null value`] : kongValidate(def.values!, v, `${at}.${k}`)),
      ]);
    case 'record': {
      if (!isObj(value)) return [`${at}: expected a record`];
      const fields = new Map((def.fields ?? []).map(f => Object.entries(f)[0]!));
      const unknown = Object.keys(value).filter(k => !fields.has(k));
      return [
        ...unknown.map(k => `${at}.${k}: unknown field`),
        ...[...fields].flatMap(([name, sub]) => kongValidate(sub, value[name], `${at}.${name}`)),
      ];
    }
  }
  if (def.one_of !== undefined && !def.one_of.includes(value as string | number))
    return [`${at}: expected one of: ${def.one_of.join(', ')}`];
  if (def.between !== undefined) {
    const [lo, hi] = def.between;
    if ((value as number) < lo || (value as number) > hi)
      return [`${at}: value should be between ${lo} and ${hi}`];
  }
  return [];
}

/** Kong's check of a whole `config` record as an admin would submit it. */
const kongAccepts = (config: Obj): string[] => kongValidate(configField, config, 'config');

// ---------------------------------------------------------------------------------------------
// The table: every field, its bad values (Kong rejects), and values only zod can reject.

interface FieldCases {
  /** Kong's schema must reject these (and zod too, unless `kongOnly`). */
  readonly bad: readonly unknown[];
  /** Kong's DSL cannot express the check: Kong accepts, zod rejects naming the field. */
  readonly zodOnly?: readonly unknown[];
  /** Good values besides the default (both accept). */
  readonly good?: readonly unknown[];
}

const URL_BAD = [12, true, ['http://x'], { url: 'http://x' }, ''];
const URL_ZOD = [
  'ftp://collector:4318/v1/traces',
  'not a url',
  'file:///etc/passwd',
  'localhost:4318',
];
const MAP_BAD = ['Authorization: x', ['a'], { a: 1 }, { a: true }, { a: ['x'] }, { a: {} }, 5];
const PRICE = { model: 'gpt-4o*', input: 2.5, output: 10 };

const CASES: Record<string, FieldCases> = {
  traces_endpoint: { bad: URL_BAD, zodOnly: URL_ZOD, good: ['https://otlp.example/v1/traces'] },
  metrics_endpoint: { bad: URL_BAD, zodOnly: URL_ZOD, good: ['http://127.0.0.1:4318/v1/metrics'] },
  logs_endpoint: { bad: URL_BAD, zodOnly: URL_ZOD, good: ['http://127.0.0.1:4318/v1/logs'] },
  content_destination: {
    bad: ['SPAN', 'events', 1, true],
    good: ['span', 'event', 'span_and_event'],
  },
  sampling: {
    bad: [
      'x',
      [true],
      { keep_errors: 'yes' },
      { min_duration_ms: -1 },
      { min_cost: -0.5 },
      { min_total_tokens: 1.5 },
      { min_time_to_first_token_ms: '5' },
    ],
    good: [{ keep_errors: false }, { min_duration_ms: 0, min_cost: 0.5, min_total_tokens: 1000 }],
  },
  header_attributes: {
    bad: MAP_BAD,
    zodOnly: [{ authorization: 'a' }, { Cookie: 'c' }, { 'proxy-authorization': 'p' }],
    good: [{ 'x-session-id': 'session.id', 'x-user-id': 'user.id' }],
  },
  header_attributes_in_metrics: { bad: ['x', [1], [''], { a: 'b' }], zodOnly: [['user.id']] },
  headers: { bad: MAP_BAD, good: [{ Authorization: 'Api-Token dt0c01.ABC' }] },
  metrics_headers: { bad: MAP_BAD, good: [{ 'x-tenant': 'a' }] },
  resource_attributes: { bad: MAP_BAD, good: [{ 'deployment.environment': 'prod' }] },
  service_name: { bad: ['', 5, false, ['kong']], good: ['gateway'] },
  semconv: { bad: ['LEGACY', 'new', 1, true, ['both']], good: ['legacy', 'latest', 'both'] },
  capture_message_content: { bad: ['true', 1, 'yes', []], good: [true, false] },
  max_content_length: { bad: [15, 1048577, 100.5, '4096', -1, 0], good: [16, 1048576] },
  redact_patterns: {
    bad: ['abc', [''], [1], { a: 'b' }, [['x']]],
    zodOnly: [['(unclosed'], ['[z-a]'], ['a**'], ['ok', '\\']],
    good: [['ACME-\\d+'], []],
  },
  redact_presets: { bad: [['ssn'], 'email', [1], ['EMAIL']], good: [[], ['email']] },
  sample_ratio: { bad: [-0.1, 1.01, '1', true, 2], good: [0, 0.25, 1] },
  metric_families: { bad: [['otel'], 'gen_ai', [1], ['GEN_AI']], good: [['kong'], []] },
  metrics_temporality: { bad: ['DELTA', 'lowmemory', 0, true], good: ['delta', 'cumulative'] },
  metrics_export_interval_ms: { bad: [99, 3600001, 1000.5, '60000', -1], good: [100, 3600000] },
  timeout_ms: { bad: [99, 60001, 0, 1.5, '5000'], good: [100, 60000] },
  max_queue_size: { bad: [0, 15361, -5, 2.5, '2048'], good: [1, 15360] },
  max_export_batch_size: { bad: [0, 4097, 1.5, 'x'], good: [1, 4096] },
  scheduled_delay_ms: { bad: [9, 60001, 10.5, '1000'], good: [10, 60000] },
  consumer_in_metrics: { bad: ['false', 0, 'no'], good: [true] },
  pricing: {
    bad: [
      'x',
      { model: 'm', input: 1, output: 1 },
      [{}],
      [{ model: 'm', input: 1 }],
      [{ ...PRICE, model: '' }],
      [{ ...PRICE, input: -1 }],
      [{ ...PRICE, output: '1' }],
      [{ ...PRICE, cached_input: -2 }],
      [{ ...PRICE, model: 5 }],
    ],
    good: [[PRICE], [{ ...PRICE, cached_input: 1.25 }]],
  },
};

/** Bad values Kong rejects but zod tolerates on purpose (it strips keys Kong would refuse). */
const KONG_ONLY: Record<string, readonly unknown[]> = {
  pricing: [[{ ...PRICE, extra: 1 }]],
};

const defaults = ConfigSchema.parse({});
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

describe('the generated Kong schema (schemas/genai-otel.kong.json)', () => {
  it('is covered field by field by this table', () => {
    assert.deepEqual([...FIELDS.keys()].sort(), Object.keys(CASES).sort());
  });

  it('accepts the defaults Kong fills in (an empty config)', () => {
    const filled = Object.fromEntries(
      [...FIELDS].map(([name, def]) => [name, def.default ?? null]),
    );
    assert.deepEqual(kongAccepts(filled), []);
    assert.deepEqual(kongAccepts({}), []);
  });

  it('rejects unknown fields (zod strips Kong-added ones; Kong refuses admin typos)', () => {
    assert.deepEqual(kongAccepts({ traces_endpoin: 'http://x' }), [
      'config.traces_endpoin: unknown field',
    ]);
    for (const [field, values] of Object.entries(KONG_ONLY)) {
      for (const value of values) {
        assert.notDeepEqual(kongAccepts({ [field]: value }), [], `${field}=${show(value)}`);
      }
    }
  });

  for (const [field, cases] of Object.entries(CASES)) {
    describe(`config.${field}`, () => {
      const def = FIELDS.get(field)!;

      it('accepts its default and good values', () => {
        for (const value of [def.default ?? null, ...(cases.good ?? [])]) {
          assert.deepEqual(kongAccepts({ [field]: value }), [], `Kong: ${show(value)}`);
          const loaded = loadConfig({ [field]: value });
          assert.ok(loaded.ok, `zod: ${show(value)}: ${loaded.ok ? '' : loaded.message}`);
        }
      });

      it(`rejects ${cases.bad.length} wrong types and out-of-range values in Kong, and in zod`, () => {
        for (const value of cases.bad) {
          const errors = kongAccepts({ [field]: value });
          assert.ok(errors.length > 0, `Kong accepts ${field}=${show(value)}`);
          assert.ok(
            errors.every(e => e.startsWith(`config.${field}`)),
            `errors name the field: ${errors.join('; ')}`,
          );
          // Defence in depth: a config that reaches the plugin without Kong's check still fails.
          const loaded = loadConfig({ [field]: value });
          assert.ok(!loaded.ok, `zod accepts ${field}=${show(value)}`);
          assert.match(loaded.message, new RegExp(`^config\\.${field}\\b`));
        }
      });

      if (cases.zodOnly !== undefined) {
        it('leaves what Kong cannot express to zod, which names the field', () => {
          for (const value of cases.zodOnly ?? []) {
            assert.deepEqual(kongAccepts({ [field]: value }), [], `Kong: ${show(value)}`);
            const loaded = loadConfig({ ...defaults, [field]: value });
            assert.ok(!loaded.ok, `zod accepts ${field}=${show(value)}`);
            assert.match(
              loaded.message,
              new RegExp(`^config\\.${field}(\\.[^:]+)?: must( not)? be`),
            );
            assert.equal(loaded.message.split('; ').length, 1, 'one issue, one message');
          }
        });
      }
    });
  }
});
