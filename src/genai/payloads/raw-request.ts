// Text-generation-inference bodies (llama2 `raw` format, Hugging Face completions): `inputs` + `parameters`.
import { message, stringList } from './content';
import { bool, count, defined, int, num, obj, str, type Obj } from './json';
import type { RequestFacts } from '../types';

export function parseRawRequest(body: Obj): RequestFacts {
  const params = obj(body.parameters) ?? {};
  const inputs = str(body.inputs);
  return defined<RequestFacts>({
    model: str(body.model),
    maxTokens: count(params.max_new_tokens),
    temperature: num(params.temperature),
    topP: num(params.top_p),
    topK: count(params.top_k),
    stopSequences: stringList(params.stop),
    seed: int(params.seed),
    stream: bool(params.stream) ?? bool(body.stream),
    // The whole templated prompt (chat turns included) is one text: report it as one user message.
    messages: inputs === undefined ? undefined : [message('user', inputs)],
    // No operation: Kong sends the same shape for chat and completions; the path or response decides.
  });
}
