// Ollama request bodies (mistral/llama2 `ollama` format): sampling parameters live in `options`.
import { stringList } from './content';
import { bool, count, defined, int, num, obj, str, type Obj } from './json';
import { promptMessages, readMessages, readTools, shapeOperation } from './openai-messages';
import type { RequestFacts } from '../types';

export function parseOllamaRequest(body: Obj): RequestFacts {
  const options = obj(body.options) ?? {};
  const system = str(body.system);
  return defined<RequestFacts>({
    model: str(body.model),
    // Negative `num_predict` (-1 unlimited, -2 fill context) is no limit, hence `count`.
    maxTokens: count(options.num_predict),
    temperature: num(options.temperature),
    topP: num(options.top_p),
    topK: count(options.top_k),
    stopSequences: stringList(options.stop),
    seed: int(options.seed),
    frequencyPenalty: num(options.frequency_penalty),
    presencePenalty: num(options.presence_penalty),
    stream: bool(body.stream),
    messages: readMessages(body.messages) ?? promptMessages(body.prompt),
    // `/api/generate` takes its system prompt outside the prompt.
    systemInstructions: system === undefined ? undefined : [system],
    tools: readTools(body.tools),
    embeddingsInput: stringList(body.input),
    operation: shapeOperation(body),
  });
}
