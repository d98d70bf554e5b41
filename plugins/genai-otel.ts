// Entry file of the `genai-otel` Kong plugin, loaded by kong-js-pluginserver from this directory
// (which must hold nothing else). Named exports only: the server reads them off `require()`.
import { ConfigSchema } from '../schemas/config';
import { GenAiOtelPlugin } from '../src/kong/genai-otel-plugin';
import { toKongFields } from '../src/kong/to-kong-schema';
import { installShutdownHandler } from '../src/pipeline/shutdown';
import { PACKAGE_VERSION } from '../src/package-info';

export const Name = 'genai-otel';

export const Version = PACKAGE_VERSION;

/**
 * Below every AI plugin (ai-semantic-cache is 765, ai-proxy 770): Kong snapshots the serialized
 * log when a plugin's log handler runs, and on OSS 3.9.0 ai-proxy writes its analytics in its own
 * log handler. 15 sits next to Kong's own log plugins (opentelemetry 14, prometheus 13).
 */
export const Priority = 15;

/** Kong's config fields, generated from the zod schema (throws at load if one cannot be expressed). */
export const Schema = toKongFields(ConfigSchema);

/**
 * The plugin class: a `log` method only. No `access` (RPC round trips on the client's path) and
 * no `response` (it forces buffered proxying and breaks AI Proxy streaming).
 */
export class Plugin extends GenAiOtelPlugin {}

installShutdownHandler();
