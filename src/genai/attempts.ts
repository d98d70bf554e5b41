// Upstream attempts of one call (docs/design.md#failover-and-retries): EE 3.11+ logs every target
// AI Proxy tried in `ai.proxy.tried_targets[]`, in try order, with no outcome of its own; the
// outcome of try i is in the base log's `tries[i]` (`state`/`code` on a failed try) and in nginx's
// `upstream_status` list (`"429, 200"`). The last target is the one that answered.
import { arr, count, name, num, obj } from './payloads/json';
import type { UpstreamAttempt } from './types';

/** More attempts than this are junk, not failover (Kong's balancer retries at most a few times). */
const MAX_ATTEMPTS = 32;

export interface Attempts {
  readonly answered?: UpstreamAttempt;
  readonly failed: readonly UpstreamAttempt[];
}

export function upstreamAttempts(
  triedTargets: unknown,
  tries: unknown,
  upstreamStatus: unknown,
): Attempts {
  const targets = (arr(triedTargets) ?? []).slice(-MAX_ATTEMPTS);
  if (targets.length === 0) return { failed: [] };
  const tryList = arr(tries) ?? [];
  const statuses = statusList(upstreamStatus);
  // Pair from the end: the last try is the last target, whatever came before.
  const attempts = targets.map((value, i): UpstreamAttempt => {
    const t = obj(value);
    const back = targets.length - i;
    const attempt = obj(tryList[tryList.length - back]);
    return {
      provider: label(t?.provider),
      model: label(t?.model),
      host: label(t?.host),
      port: port(t?.port),
      routeType: label(t?.route_type),
      status: status(attempt?.code) ?? statuses[statuses.length - back],
      state: label(attempt?.state),
      startMs: epochMs(num(attempt?.balancer_start)),
    };
  });
  return { answered: attempts[attempts.length - 1], failed: attempts.slice(0, -1) };
}

/** nginx's `$upstream_status`: one code per attempt, `, ` between attempts (`: ` between upstream groups). */
function statusList(v: unknown): (number | undefined)[] {
  if (typeof v === 'number') return [status(v)];
  if (typeof v !== 'string' || v.length > 1024) return [];
  return v.split(/[,:]/).map(part => status(Number(part.trim())));
}

const status = (v: unknown): number | undefined => {
  const n = count(v);
  return n !== undefined && n >= 100 && n <= 599 ? n : undefined;
};

const port = (v: unknown): number | undefined => {
  const n = count(v);
  return n !== undefined && n >= 1 && n <= 65535 ? n : undefined;
};

/** Names from the log become attributes: capped like models and providers. */
const label = (v: unknown): string | undefined => name(v)?.slice(0, 256);

/** An epoch-ms time a span event can carry (2001..2286), else none (docs/design.md#timing-rules). */
const epochMs = (v: number | undefined): number | undefined =>
  v !== undefined && v >= 1e12 && v <= 1e13 ? v : undefined;
