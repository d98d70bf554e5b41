// Unit tests of toKongFields: zod -> Kong field DSL mapping, loud failures, and the real config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { toKongFields } from '../../src/kong/to-kong-schema';
import type { KongField, KongFieldSchema } from '../../src/kong/to-kong-schema';
import { ConfigSchema } from '../../schemas/config';

const MAX = Number.MAX_SAFE_INTEGER;

/** The definition of the only field of a one-field schema. */
const one = (field: z.ZodType): KongFieldSchema => {
  const fields = toKongFields(z.object({ f: field }));
  assert.equal(fields.length, 1);
  return fields[0]!.f!;
};

/** The definition of `name` among converted fields. */
const pick = (fields: KongField[], name: string): KongFieldSchema | undefined =>
  fields.find(f => name in f)?.[name];

/** Asserts that converting `shape` throws an error naming `path`, and matching `reason`. */
const rejects = (shape: z.ZodRawShape, path: string, reason: RegExp): void => {
  assert.throws(
    () => toKongFields(z.object(shape)),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.ok(err.message.includes(`field "${path}"`), err.message);
      assert.match(err.message, reason);
      return true;
    },
  );
};

void describe('toKongFields: scalars', () => {
  void it('maps string, number and boolean as is, and required when neither optional nor defaulted', () => {
    assert.deepEqual(toKongFields(z.object({ s: z.string(), n: z.number(), b: z.boolean() })), [
      { s: { type: 'string', required: true } },
      { n: { type: 'number', required: true } },
      { b: { type: 'boolean', required: true } },
    ]);
  });

  void it('maps int() to integer without zod’s implicit safe-integer range', () => {
    assert.deepEqual(one(z.int()), { type: 'integer', required: true });
  });

  void it('maps inclusive min and max to between', () => {
    assert.deepEqual(one(z.number().min(0).max(1)), {
      type: 'number',
      required: true,
      between: [0, 1],
    });
    assert.deepEqual(one(z.int().min(16).max(1024)), {
      type: 'integer',
      required: true,
      between: [16, 1024],
    });
  });

  void it('maps a single bound to a between open on the other side at MAX_SAFE_INTEGER', () => {
    assert.deepEqual(one(z.number().min(0)).between, [0, MAX]);
    assert.deepEqual(one(z.number().max(5)).between, [-MAX, 5]);
    assert.deepEqual(one(z.int().min(1)).between, [1, MAX]);
    assert.deepEqual(one(z.int().max(10)).between, [-MAX, 10]);
  });

  void it('maps a number gt() to Kong gt, and integer gt()/lt() to an inclusive between', () => {
    assert.deepEqual(one(z.number().positive()), { type: 'number', required: true, gt: 0 });
    assert.deepEqual(one(z.number().gt(0).max(1)), {
      type: 'number',
      required: true,
      gt: 0,
      between: [-MAX, 1],
    });
    assert.deepEqual(one(z.int().gt(0).lt(10)).between, [1, 9]);
  });

  void it('maps string min/max/length to len_min/len_max', () => {
    assert.deepEqual(one(z.string().min(1).max(64)), {
      type: 'string',
      required: true,
      len_min: 1,
      len_max: 64,
    });
    assert.deepEqual(one(z.string().length(3)), {
      type: 'string',
      required: true,
      len_min: 3,
      len_max: 3,
    });
  });

  void it('maps enums and literal unions to one_of', () => {
    const expected = { type: 'string', required: true, one_of: ['a', 'b'] };
    assert.deepEqual(one(z.enum(['a', 'b'])), expected);
    assert.deepEqual(one(z.literal(['a', 'b'])), expected);
    assert.deepEqual(one(z.union([z.literal('a'), z.literal('b')])), expected);
    assert.deepEqual(one(z.literal('a')), { ...expected, one_of: ['a'] });
    assert.deepEqual(one(z.enum({ LOW: 1, HIGH: 2 })), {
      type: 'number',
      required: true,
      one_of: [1, 2],
    });
  });
});

void describe('toKongFields: presence, defaults, descriptions', () => {
  void it('maps default() to default and drops required', () => {
    assert.deepEqual(one(z.int().min(1).max(9).default(5)), {
      type: 'integer',
      default: 5,
      between: [1, 9],
    });
    assert.deepEqual(one(z.array(z.string()).default(['x'])), {
      type: 'array',
      default: ['x'],
      elements: { type: 'string' },
    });
    assert.deepEqual(one(z.boolean().default(false)), { type: 'boolean', default: false });
  });

  void it('leaves optional, nullable and nullish fields neither required nor defaulted', () => {
    for (const field of [z.string().optional(), z.string().nullable(), z.string().nullish()])
      assert.deepEqual(one(field), { type: 'string' });
    assert.deepEqual(one(z.enum(['a', 'b']).nullish()), { type: 'string', one_of: ['a', 'b'] });
    assert.deepEqual(one(z.number().min(0).nullish()), { type: 'number', between: [0, MAX] });
  });

  void it('maps describe() to description, before or after nullish()', () => {
    const description = 'Some helpful text.';
    assert.deepEqual(one(z.string().nullish().describe(description)), {
      type: 'string',
      description,
    });
    assert.deepEqual(one(z.string().describe(description).nullish()), {
      type: 'string',
      description,
    });
    assert.deepEqual(one(z.string().default('k').describe(description)), {
      type: 'string',
      default: 'k',
      description,
    });
  });

  void it('ignores refinements and transforms of a Kong-typed input: they are zod-only', () => {
    assert.deepEqual(one(z.string().refine(s => s.startsWith('http'))), one(z.string()));
    assert.deepEqual(one(z.string().transform(s => s.length)), one(z.string()));
  });
});

void describe('toKongFields: containers', () => {
  void it('maps arrays to array + elements, with item counts as len_min/len_max', () => {
    assert.deepEqual(one(z.array(z.string().min(1)).min(1).max(3)), {
      type: 'array',
      required: true,
      len_min: 1,
      len_max: 3,
      elements: { type: 'string', len_min: 1 },
    });
  });

  void it('maps z.record(z.string(), X) to map + string keys + values', () => {
    assert.deepEqual(one(z.record(z.string(), z.int().min(0)).nullish()), {
      type: 'map',
      keys: { type: 'string' },
      values: { type: 'integer', between: [0, MAX] },
    });
    assert.deepEqual(one(z.partialRecord(z.enum(['x', 'y']), z.string())).keys, {
      type: 'string',
      one_of: ['x', 'y'],
    });
  });

  void it('maps nested objects to record + fields with their own required/default', () => {
    const inner = z.object({ a: z.string(), b: z.int().default(2), c: z.string().nullish() });
    assert.deepEqual(one(inner), {
      type: 'record',
      required: true,
      fields: [
        { a: { type: 'string', required: true } },
        { b: { type: 'integer', default: 2 } },
        { c: { type: 'string' } },
      ],
    });
    assert.deepEqual(one(z.strictObject({ a: z.string() }).nullish()).fields, [
      { a: { type: 'string', required: true } },
    ]);
  });

  void it('marks strings with meta kong.referenceable, also as map values and array elements', () => {
    const secret = () => z.string().meta({ kong: { referenceable: true } });
    assert.deepEqual(one(secret()), { type: 'string', required: true, referenceable: true });
    assert.deepEqual(one(z.record(z.string(), secret())).values, {
      type: 'string',
      referenceable: true,
    });
    assert.deepEqual(one(z.array(secret())).elements, { type: 'string', referenceable: true });
    assert.deepEqual(one(secret().nullish()), { type: 'string', referenceable: true });
  });
});

void describe('toKongFields: what Kong cannot express throws, naming the field', () => {
  const cases: [string, z.ZodRawShape, string, RegExp][] = [
    ['a union of different types', { u: z.union([z.string(), z.number()]) }, 'u', /union/],
    ['a union with an object', { u: z.union([z.literal('a'), z.object({})]) }, 'u', /union/],
    ['a tuple', { t: z.tuple([z.string(), z.int()]) }, 't', /tuple/],
    ['unknown', { x: z.unknown() }, 'x', /untyped/],
    ['any', { x: z.any() }, 'x', /untyped/],
    ['a date', { when: z.date() }, 'when', /untyped/],
    ['a bigint', { big: z.bigint() }, 'big', /untyped/],
    ['a Map', { m: z.map(z.string(), z.string()) }, 'm', /untyped/],
    ['a Set', { s: z.set(z.string()) }, 's', /untyped/],
    ['a bare transform', { t: z.transform((v: unknown) => String(v)) }, 't', /untyped/],
    ['null', { n: z.null() }, 'n', /"null"/],
    ['a boolean literal', { on: z.literal(true) }, 'on', /one_of/],
    ['a regex check', { id: z.string().regex(/^[a-z]+$/) }, 'id', /regex.*refine/],
    ['a string format', { url: z.url() }, 'url', /format.*refine/],
    ['an email (format and regex)', { mail: z.email() }, 'mail', /zod-only/],
    ['multipleOf', { step: z.number().multipleOf(5) }, 'step', /multipleOf/],
    ['a number lt()', { r: z.number().lt(1) }, 'r', /exclusive maximum/],
    ['a loose object', { o: z.looseObject({ a: z.string() }) }, 'o', /loose/],
    ['a catchall object', { o: z.object({}).catchall(z.string()) }, 'o', /catchall/],
    ['exhaustive record keys', { r: z.record(z.enum(['a']), z.string()) }, 'r', /partialRecord/],
    ['non-string map keys', { r: z.record(z.number(), z.string()) }, 'r{key}', /regex/],
    [
      'a referenceable number',
      { n: z.number().meta({ kong: { referenceable: true } }) },
      'n',
      /only strings/,
    ],
    ['an unknown kong meta key', { s: z.string().meta({ kong: { secret: true } }) }, 's', /meta/],
    ['a too short description', { s: z.string().describe('short') }, 's', /10\.\.500/],
    ['a too long description', { s: z.string().describe('x'.repeat(501)) }, 's', /10\.\.500/],
    [
      'a bad field deep inside',
      { list: z.array(z.object({ ok: z.string(), bad: z.date() })) },
      'list[].bad',
      /untyped/,
    ],
    [
      'a bad map value',
      { m: z.record(z.string(), z.union([z.string(), z.int()])) },
      'm{}',
      /union/,
    ],
  ];
  for (const [what, shape, path, reason] of cases)
    void it(`throws on ${what}`, () => rejects(shape, path, reason));
});

void describe('toKongFields(ConfigSchema)', () => {
  const fields = toKongFields(ConfigSchema);
  const described = (name: string): string => {
    const description = ConfigSchema.shape[name as keyof typeof ConfigSchema.shape].description;
    assert.ok(description);
    return description;
  };

  void it('converts every config field, in order, each with a description', () => {
    assert.deepEqual(
      fields.map(f => Object.keys(f)[0]),
      Object.keys(ConfigSchema.shape),
    );
    for (const field of fields) assert.ok(Object.values(field)[0]?.description);
  });

  void it('maps sample_ratio to a defaulted number between 0 and 1', () => {
    assert.deepEqual(pick(fields, 'sample_ratio'), {
      type: 'number',
      default: 1,
      between: [0, 1],
      description: described('sample_ratio'),
    });
  });

  void it('maps headers to an optional map with referenceable string values', () => {
    assert.deepEqual(pick(fields, 'headers'), {
      type: 'map',
      keys: { type: 'string' },
      values: { type: 'string', referenceable: true },
      description: described('headers'),
    });
  });

  void it('maps semconv to an optional string one_of', () => {
    assert.deepEqual(pick(fields, 'semconv'), {
      type: 'string',
      one_of: ['legacy', 'latest', 'both'],
      description: described('semconv'),
    });
  });

  void it('maps pricing to a defaulted array of records with a required model', () => {
    const pricing = pick(fields, 'pricing');
    assert.equal(pricing?.type, 'array');
    assert.deepEqual(pricing.default, []);
    assert.equal(pricing.elements?.type, 'record');
    const entry = pricing.elements.fields ?? [];
    assert.deepEqual(pick(entry, 'model'), {
      type: 'string',
      required: true,
      len_min: 1,
      description: 'Model name pattern; `*` matches any run of characters (e.g. `gpt-4o*`).',
    });
    assert.equal(pick(entry, 'input')?.required, true);
    assert.deepEqual(pick(entry, 'input')?.between, [0, MAX]);
    assert.equal(pick(entry, 'cached_input')?.required, undefined);
  });
});

// The checks of Kong 3.9's metaschema (kong/db/schema/metaschema.lua) that apply to our output.
const KONG_TYPES = new Set([
  'string',
  'number',
  'integer',
  'boolean',
  'array',
  'set',
  'map',
  'record',
]);
const NEEDS: Record<string, string[]> = {
  array: ['elements'],
  set: ['elements'],
  map: ['keys', 'values'],
  record: ['fields'],
};
const ONLY_FOR: Record<string, string[]> = {
  between: ['integer', 'number'],
  gt: ['integer', 'number'],
  one_of: ['string', 'number', 'integer'],
  len_min: ['string', 'array', 'set', 'map'],
  len_max: ['string', 'array', 'set', 'map'],
  referenceable: ['string'],
};
const ATTRIBUTES = new Set([
  ...['type', 'required', 'default', 'description', 'referenceable'],
  ...['between', 'gt', 'one_of', 'len_min', 'len_max', 'elements', 'keys', 'values', 'fields'],
]);

function checkKongSchema(where: string, schema: KongFieldSchema): void {
  assert.ok(KONG_TYPES.has(schema.type), `${where}: type ${schema.type}`);
  for (const attr of Object.keys(schema)) assert.ok(ATTRIBUTES.has(attr), `${where}: ${attr}`);
  for (const attr of NEEDS[schema.type] ?? []) assert.ok(attr in schema, `${where}: needs ${attr}`);
  for (const [attr, types] of Object.entries(ONLY_FOR))
    if (attr in schema) assert.ok(types.includes(schema.type), `${where}: ${attr}`);
  if (schema.description !== undefined)
    assert.ok(schema.description.length >= 10 && schema.description.length <= 500, where);
  if (schema.between) assert.equal(schema.between.length, 2, where);
  for (const nested of ['elements', 'keys', 'values'] as const)
    if (schema[nested]) checkKongSchema(`${where}.${nested}`, schema[nested]);
  if (schema.fields) checkKongFields(where, schema.fields);
}

function checkKongFields(where: string, fields: KongField[]): void {
  assert.ok(Array.isArray(fields), `${where}: fields is an array`);
  for (const field of fields) {
    const names = Object.keys(field);
    assert.equal(names.length, 1, `${where}: every field is a single-key map`);
    checkKongSchema(`${where}.${names[0]}`, field[names[0]!]!);
  }
}

void describe('toKongFields output follows Kong conventions', () => {
  void it('keeps to Kong’s metaschema for the real config', () => {
    checkKongFields('config', toKongFields(ConfigSchema));
  });

  void it('keeps to Kong’s metaschema for every mapping', () => {
    const kitchenSink = z.object({
      s: z.string().min(1).max(5).describe('A short string.'),
      i: z.int().gt(0).default(1),
      n: z.number().positive().max(2).nullish(),
      e: z.enum(['a', 'b']).default('a'),
      a: z.array(z.enum(['x'])).min(1),
      m: z.record(z.string(), z.string().meta({ kong: { referenceable: true } })).nullish(),
      r: z.object({ deep: z.array(z.object({ leaf: z.boolean() })) }),
    });
    checkKongFields('config', toKongFields(kitchenSink));
  });
});
