// The redaction corpus through the real plugin server: every preset's examples, embedded in every
// place content travels (message text, system instructions, tool-call arguments as JSON text and
// as objects, unparsable arguments, tool definitions, tool results, the Anthropic, Gemini,
// Bedrock and Cohere native forms, Kong's streamed composite response, embeddings input), written
// raw and JSON-escaped; asserted on every decoded reading of what was exported.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodedReading } from '../../src/instrumentation/escape-readings';
import * as F from '../fixtures/serialized-logs';
import { NEGATIVES, POSITIVES } from '../fixtures/secret-corpus';
import { streamLog39 } from '../fixtures/stream-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { FlatSpan } from '../helpers/otlp-receiver';

type Json = Record<string, unknown>;

/** `\uXXXX` for the characters secrets are split on (and some letters), as JSON allows. */
function escapedSpelling(text: string): string {
  return text.replace(/[@/:._\-+=\n\s!$sSkKeE]/g, c =>
    c === '/' ? '\\/' : c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The body of a JSON string holding `text`, with extra escapes a JSON reader decodes. */
function jsonStringBody(text: string, escaped: boolean): string {
  const body = JSON.stringify(text).slice(1, -1);
  return escaped
    ? body.replace(/[@/:.\-+=!$sSkK]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : body;
}

interface Place {
  readonly provider?: string;
  readonly upstreamUri?: string;
  readonly stream?: boolean;
  /** The request (and response) bodies carrying `v`; `args` is JSON text of `{note: v}`. */
  build(v: string, args: string, broken: string): { request: Json; response?: Json };
}

const tool = (description: string) => ({
  type: 'function',
  function: {
    name: 'lookup',
    description,
    parameters: { type: 'object', properties: { note: { type: 'string', description } } },
  },
});

const PLACES: Record<string, Place> = {
  'message text': {
    build: v => ({ request: { model: 'm', messages: [{ role: 'user', content: v }] } }),
  },
  'system instructions': {
    build: v => ({
      request: {
        model: 'm',
        messages: [
          { role: 'system', content: v },
          { role: 'user', content: 'hi' },
        ],
      },
    }),
  },
  'tool-call arguments (JSON text)': {
    build: (_v, args) => ({
      request: {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'lookup', arguments: args } },
            ],
          },
        ],
      },
    }),
  },
  'tool-call arguments (unparsable JSON text)': {
    build: (_v, _args, broken) => ({
      request: {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'lookup', arguments: broken } },
            ],
          },
        ],
      },
    }),
  },
  'tool definitions': {
    build: v => ({
      request: { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [tool(v)] },
    }),
  },
  'tool results': {
    build: v => ({
      request: {
        model: 'm',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'c1', content: v },
        ],
      },
    }),
  },
  'response text and tool-call arguments': {
    build: (v, args) => ({
      request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      response: {
        id: 'r1',
        object: 'chat.completion',
        model: 'm',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: v,
              tool_calls: [
                { id: 'c2', type: 'function', function: { name: 'lookup', arguments: args } },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    }),
  },
  'Anthropic native (system, text, tool_use input object, tool_result, tools)': {
    provider: 'anthropic',
    upstreamUri: '/v1/messages',
    build: v => ({
      request: {
        model: 'claude',
        max_tokens: 10,
        system: v,
        messages: [
          { role: 'user', content: [{ type: 'text', text: v }] },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't1', name: 'f', input: { note: v } }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: v }] },
        ],
        tools: [{ name: 'f', description: v, input_schema: { type: 'object' } }],
      },
    }),
  },
  'Gemini native (systemInstruction, text, functionCall args, functionResponse)': {
    provider: 'gemini',
    upstreamUri: '/v1beta/models/gemini:generateContent',
    build: v => ({
      request: {
        systemInstruction: { parts: [{ text: v }] },
        contents: [
          { role: 'user', parts: [{ text: v }] },
          { role: 'model', parts: [{ functionCall: { name: 'f', args: { note: v } } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'f', response: { note: v } } }] },
        ],
        tools: [{ functionDeclarations: [{ name: 'f', description: v }] }],
      },
    }),
  },
  'Bedrock Converse (system, text, toolUse input, toolResult, toolSpec)': {
    provider: 'bedrock',
    upstreamUri: '/model/m/converse',
    build: v => ({
      request: {
        system: [{ text: v }],
        inferenceConfig: { maxTokens: 10 },
        messages: [
          { role: 'user', content: [{ text: v }] },
          {
            role: 'assistant',
            content: [{ toolUse: { toolUseId: 't1', name: 'f', input: { note: v } } }],
          },
          { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: v }] } }] },
        ],
        toolConfig: {
          tools: [{ toolSpec: { name: 'f', description: v, inputSchema: { json: {} } } }],
        },
      },
    }),
  },
  'Cohere v1 (preamble, message, chat_history)': {
    provider: 'cohere',
    upstreamUri: '/v1/chat',
    build: v => ({
      request: {
        model: 'command',
        preamble: v,
        message: v,
        chat_history: [{ role: 'USER', message: v }],
      },
    }),
  },
  'streamed composite response': {
    stream: true,
    build: v => ({
      request: { model: 'm', messages: [{ role: 'user', content: v }], stream: true },
      response: {
        object: 'chat.completion',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: v } }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        response: v,
      },
    }),
  },
  'embeddings input': {
    upstreamUri: '/v1/embeddings',
    build: v => ({
      request: { model: 'text-embedding-3-small', input: [v, 'plain'] },
      response: F.EMBEDDINGS_RESPONSE,
    }),
  },
};

/** Every reading of the span's string attributes: as exported, JSON leaves, escape-decoded. */
function readingsOf(span: FlatSpan): string[] {
  const out: string[] = [];
  const leaves = (v: unknown): void => {
    if (typeof v === 'string') out.push(v, decodedReading(v));
    else if (Array.isArray(v)) v.forEach(leaves);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        leaves(x);
      }
    }
  };
  for (const value of Object.values(span.attributes)) {
    if (typeof value !== 'string') continue;
    out.push(value, decodedReading(value));
    try {
      leaves(JSON.parse(value));
    } catch {
      // not JSON
    }
  }
  return out;
}

describe('redaction corpus through the plugin server', () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  const exportSpan = async (place: Place, value: string, escaped: boolean): Promise<FlatSpan> => {
    n += 1;
    const id = `corpus-${n}`;
    const body = jsonStringBody(value, escaped);
    const bodies = place.build(
      escaped ? escapedSpelling(value) : value,
      `{"note": "${body}"}`,
      `{"note": "${body}", `,
    );
    let log: Json;
    if (place.stream === true) {
      log = streamLog39();
      const proxy = (log.ai as Record<string, Json>).proxy!;
      proxy.payload = {
        request: JSON.stringify(bodies.request),
        response: JSON.stringify(bodies.response),
      };
    } else {
      log = F.log39({
        request: bodies.request,
        response: bodies.response,
        provider: place.provider,
        upstreamUri: place.upstreamUri,
      });
    }
    (log.request as Json).id = id;
    const entity = h.entity('c0c0c0c0-0000-4000-8000-000000000001', {
      capture_message_content: true,
      max_content_length: 1048576,
      semconv: 'both',
    });
    await h.runLog(entity, { serialized: log });
    return h.spanFor(id);
  };

  for (const [name, place] of Object.entries(PLACES)) {
    for (const escaped of [false, true]) {
      it(`no preset example survives in ${name}, ${escaped ? 'JSON-escaped' : 'raw'}`, async () => {
        const canary = `CANARY${n + 1}`;
        const value = [canary, ...POSITIVES.map(p => p.text)].join(' | ');
        const readings = readingsOf(await exportSpan(place, value, escaped));
        assert.ok(
          readings.some(r => r.includes(canary)),
          'sanity: the content was captured and exported',
        );
        for (const p of POSITIVES) {
          const secret = p.secret ?? p.text;
          const leak = readings.find(r => r.includes(secret));
          assert.equal(leak, undefined, `${p.preset} example ${JSON.stringify(secret)} exported`);
        }
      });
    }
    if (name.includes('unparsable')) continue;
    it(`look-alikes are exported unchanged in ${name}`, async () => {
      const readings = readingsOf(await exportSpan(place, NEGATIVES.join(' | '), false));
      for (const text of NEGATIVES) {
        assert.ok(
          readings.some(r => r.includes(text)),
          `${JSON.stringify(text)} was redacted or lost`,
        );
      }
    });
  }
});
