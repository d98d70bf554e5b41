// Tool calls: when the request has function `tools`, `tool_choice` is not `none` and the last
// message is not a tool result, the mock calls ONE function: the named one for
// `tool_choice: {type:'function'}`, the first for `required`, otherwise (`auto`/unset) the first
// whose name occurs (case-insensitive) in the last user message; no match answers with text.
// Arguments hold each required parameter (all when none is required): enum -> first value,
// string -> "mock-<name>", number/integer -> 1, boolean -> true, array -> [], object -> {}.
import { isRecord, type JsonObject } from './json';
import { sha256 } from './reply';
import { contentText } from './tokens';

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

function argumentValue(name: string, schema: unknown): unknown {
  if (!isRecord(schema)) return `mock-${name}`;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return `mock-${name}`;
  }
}

function mockArguments(parameters: unknown): string {
  if (!isRecord(parameters) || !isRecord(parameters.properties)) return '{}';
  const properties = parameters.properties;
  const required = Array.isArray(parameters.required)
    ? parameters.required.filter((key): key is string => typeof key === 'string')
    : Object.keys(properties);
  const args: JsonObject = {};
  for (const key of required) args[key] = argumentValue(key, properties[key]);
  return JSON.stringify(args);
}

/** The deterministic tool-call rule above; undefined: answer with text. */
export function pickToolCall(
  body: JsonObject,
  messages: JsonObject[],
  ref: string,
): ToolCall | undefined {
  const functions = (Array.isArray(body.tools) ? body.tools : [])
    .map(tool => (isRecord(tool) && isRecord(tool.function) ? tool.function : undefined))
    .filter((fn): fn is JsonObject => fn !== undefined && typeof fn.name === 'string');
  const choice = body.tool_choice;
  if (functions.length === 0 || choice === 'none') return undefined;
  if (messages[messages.length - 1]?.role === 'tool') return undefined;
  let picked: JsonObject | undefined;
  if (isRecord(choice) && isRecord(choice.function)) {
    const wanted = choice.function.name;
    picked = functions.find(fn => fn.name === wanted);
  } else if (choice === 'required') {
    picked = functions[0];
  } else {
    const lastUser = [...messages].reverse().find(m => m.role === 'user');
    const said = contentText(lastUser?.content).text.toLowerCase();
    picked = functions.find(fn => said.includes(String(fn.name).toLowerCase()));
  }
  if (picked === undefined) return undefined;
  return {
    id: `call_${sha256(`${ref}:${String(picked.name)}`).slice(0, 24)}`,
    type: 'function',
    function: { name: String(picked.name), arguments: mockArguments(picked.parameters) },
  };
}
