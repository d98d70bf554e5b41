// POST /v1/embeddings: one deterministic unit vector per input (string, array of strings, or one
// token array), 1536 dimensions (3072 for text-embedding-3-large) or fewer with `dimensions`;
// float arrays, or base64 float32 with `encoding_format: 'base64'` (the openai npm client's default).
import { createHash } from 'node:crypto';
import { HttpError, sendJson, type Exchange } from './http';
import type { JsonObject } from './json';
import { nativeDimensions } from './models';
import { sha256 } from './reply';
import { requireModel } from './request';
import { tokensOf } from './tokens';

/** A unit vector derived from the input; shorter `dimensions` give the normalized prefix. */
function embeddingVector(model: string, input: string, dimensions: number): Float32Array {
  const seed = sha256(`${model}\u0000${input}`);
  const raw = new Float64Array(dimensions);
  for (let block = 0; block * 8 < dimensions; block += 1) {
    const bytes = createHash('sha256').update(`${seed}:${block}`).digest();
    for (let j = 0; j < 8 && block * 8 + j < dimensions; j += 1) {
      raw[block * 8 + j] = bytes.readUInt32LE(j * 4) / 0x7fffffff - 1;
    }
  }
  const norm = Math.hypot(...raw) || 1;
  return Float32Array.from(raw, value => value / norm);
}

export function embeddings(ex: Exchange, body: JsonObject): void {
  const model = requireModel(body);
  const input = body.input;
  const isTokenArray = Array.isArray(input) && input.every(x => typeof x === 'number');
  const inputs: unknown[] = Array.isArray(input) && !isTokenArray ? input : [input];
  if (input === undefined || input === '' || inputs.length === 0) {
    throw new HttpError(400, "'input' must be a non-empty string or array.", 'input');
  }
  const native = nativeDimensions(model);
  const dimensions = body.dimensions ?? native;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions)) {
    throw new HttpError(400, 'dimensions must be an integer.', 'dimensions');
  }
  if (dimensions < 1 || dimensions > native) {
    throw new HttpError(400, `dimensions must be between 1 and ${native}.`, 'dimensions');
  }
  // The openai npm client asks for base64 by default and decodes it itself.
  const base64 = body.encoding_format === 'base64';
  let promptTokens = 0;
  const data = inputs.map((item, index) => {
    const text = typeof item === 'string' ? item : JSON.stringify(item);
    promptTokens += Array.isArray(item) ? item.length : tokensOf(text);
    const vector = embeddingVector(model, text, dimensions);
    const embedding = base64
      ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
      : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  sendJson(ex, 200, {
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
