// OpenAI-format request bodies: OpenAI, Azure, Mistral and llama2 (OpenAI format), Hugging Face chat.
import { stringList } from './content';
import { bool, count, defined, int, name, num, obj, str, type Obj } from './json';
import { promptMessages, readMessages, readTools, shapeOperation } from './openai-messages';
import type { RequestFacts } from '../types';

export function parseOpenAiRequest(body: Obj): RequestFacts {
  return defined<RequestFacts>({
    model: str(body.model),
    // `max_completion_tokens` supersedes the deprecated `max_tokens` when both are sent.
    maxTokens: count(body.max_completion_tokens) ?? count(body.max_tokens),
    temperature: num(body.temperature),
    topP: num(body.top_p),
    // Not OpenAI, but accepted by OpenAI-compatible servers (vLLM, TGI, Mistral-compatible hosts).
    topK: count(body.top_k),
    stopSequences: stringList(body.stop),
    // Mistral's native name for the seed is `random_seed`.
    seed: int(body.seed) ?? int(body.random_seed),
    frequencyPenalty: num(body.frequency_penalty),
    presencePenalty: num(body.presence_penalty),
    stream: bool(body.stream),
    choiceCount: count(body.n),
    messages: readMessages(body.messages) ?? promptMessages(body.prompt),
    tools: readTools(body.tools, body.functions),
    embeddingsInput: stringList(body.input),
    operation: shapeOperation(body),
    serviceTier: name(body.service_tier),
    encodingFormats: body.input === undefined ? undefined : encodingFormats(body.encoding_format),
    outputType: outputType(body.response_format),
  });
}

/** Embeddings `encoding_format`; OpenAI's default is `float`, but only what was sent is reported. */
function encodingFormats(v: unknown): string[] | undefined {
  const format = name(v);
  return format === undefined ? undefined : [format];
}

/**
 * `response_format` -> the conventions' `gen_ai.output.type`: `{type: text}` is `text`,
 * `json_object`/`json_schema` are `json`. Other values are not a documented output type.
 */
function outputType(v: unknown): string | undefined {
  const type = name(obj(v)?.type) ?? name(v);
  if (type === 'text') return 'text';
  if (type === 'json_object' || type === 'json_schema') return 'json';
  return undefined;
}
