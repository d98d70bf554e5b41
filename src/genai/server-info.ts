// Where the provider behind Kong lives (docs/design.md#provider-knowledge): provider default hosts,
// Azure from `meta`.
import type { ServerInfo } from './types';

// A Map, not an object: client-chosen names such as `__proto__` must not hit Object.prototype.
const DEFAULT_HOSTS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    openai: 'api.openai.com',
    anthropic: 'api.anthropic.com',
    gemini: 'generativelanguage.googleapis.com',
    cohere: 'api.cohere.com',
    mistral: 'api.mistral.ai',
    huggingface: 'api-inference.huggingface.co',
  }),
);

export interface ServerHints {
  readonly provider: string;
  /** Host of the target that answered (EE 3.11+ `tried_targets`): wins over the default host. */
  readonly host?: string;
  readonly azureInstance?: string;
  readonly azureDeployment?: string;
  readonly azureApiVersion?: string;
  readonly bedrockRegion?: string;
  /** Port of the upstream connection Kong logged (last balancer try). */
  readonly port?: number;
}

/**
 * Provider host and port. Before EE 3.11 Kong logs neither the upstream host nor a custom
 * `upstream_url`, so the host is the provider's default; from 3.11 the answering target's host
 * and port are logged. Otherwise the port comes from Kong's balancer tries when logged.
 */
export function serverInfo(hints: ServerHints): ServerInfo {
  const host = hints.host ?? providerHost(hints);
  if (host === undefined) return {};
  const port = hints.port ?? 443;
  const origin = `https://${host}${port === 443 ? '' : `:${port}`}`;
  if (hints.provider === 'azure') {
    const deployment = hints.azureDeployment;
    return {
      address: host,
      port,
      apiBase: deployment === undefined ? origin : `${origin}/openai/deployments/${deployment}`,
      apiVersion: hints.azureApiVersion,
    };
  }
  return { address: host, port, apiBase: origin };
}

function providerHost(hints: ServerHints): string | undefined {
  if (hints.provider === 'azure') {
    return hints.azureInstance === undefined
      ? undefined
      : `${hints.azureInstance}.openai.azure.com`;
  }
  if (hints.provider === 'bedrock') {
    return hints.bedrockRegion === undefined
      ? undefined
      : `bedrock-runtime.${hints.bedrockRegion}.amazonaws.com`;
  }
  return DEFAULT_HOSTS.get(hints.provider);
}
