// The model catalogue: GET /v1/models, the dated snapshot a few names answer with (as OpenAI:
// `gpt-4o-mini` answers as `gpt-4o-mini-2024-07-18`, so request and response model differ in the
// telemetry; others echo), the system fingerprint, and the native embedding sizes.
import { type Exchange, sendJson } from './http';
import { sha256 } from './reply';

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-3.5-turbo-instruct', 'text-embedding-3-small'];
const SNAPSHOTS: Record<string, string> = {
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-3.5-turbo-instruct': 'gpt-3.5-turbo-instruct-0914',
};
const EMBEDDING_DIMENSIONS: Record<string, number> = { 'text-embedding-3-large': 3072 };
const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

export const responseModel = (model: string): string => SNAPSHOTS[model] ?? model;

export const fingerprint = (model: string): string => `fp_${sha256(model).slice(0, 10)}`;

export const nativeDimensions = (model: string): number =>
  EMBEDDING_DIMENSIONS[model] ?? DEFAULT_EMBEDDING_DIMENSIONS;

/** GET /v1/models. */
export function listModels(ex: Exchange): void {
  const data = MODELS.map(id => ({
    id,
    object: 'model',
    created: 1_700_000_000,
    owned_by: 'mock-llm',
  }));
  sendJson(ex, 200, { object: 'list', data });
}
