// Legacy Anthropic Text Completions bodies (`/v1/complete`): one prompt with Human/Assistant turns.
import { message, stringList } from './content';
import { bool, count, defined, num, str, type Obj } from './json';
import type { Message, RequestFacts } from '../types';

// Turns start at the beginning or after a blank line; capturing the role keeps it in split()'s output.
const TURN_MARKER = /(?:^|\n\n)(Human|Assistant):/;

export function parseAnthropicLegacyRequest(body: Obj): RequestFacts {
  const prompt = str(body.prompt);
  const turns = prompt === undefined ? undefined : splitTurns(prompt);
  return defined<RequestFacts>({
    model: str(body.model),
    maxTokens: count(body.max_tokens_to_sample),
    temperature: num(body.temperature),
    topP: num(body.top_p),
    topK: count(body.top_k),
    stopSequences: stringList(body.stop_sequences),
    stream: bool(body.stream),
    messages: turns?.messages,
    systemInstructions: turns?.system,
    operation: prompt === undefined ? undefined : 'completion',
  });
}

interface Turns {
  readonly messages?: Message[];
  readonly system?: string[];
}

function splitTurns(prompt: string): Turns {
  const pieces = prompt.split(TURN_MARKER);
  if (pieces.length === 1) return { messages: [message('user', prompt)] };
  const messages: Message[] = [];
  for (let i = 1; i + 1 < pieces.length; i += 2) {
    const content = (pieces[i + 1] ?? '').trim();
    // The trailing empty "Assistant:" is the cue for the model, not a message.
    if (content !== '')
      messages.push(message(pieces[i] === 'Human' ? 'user' : 'assistant', content));
  }
  // Text before the first turn is the prompt's system text.
  const preamble = (pieces[0] ?? '').trim();
  return {
    messages: messages.length === 0 ? undefined : messages,
    system: preamble === '' ? undefined : [preamble],
  };
}
