// Validates an instance's config with the zod schema (the checks Kong cannot express: regexes,
// URLs). An invalid config yields one clear message naming the field, never an exception.
import type { z } from 'zod';
import { ConfigSchema, type Config } from '../../schemas/config';

export type ConfigResult =
  { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly message: string };

/** Kong adds its own `__*`, `route_id`, ... fields to the config JSON; zod's object strips them. */
export function loadConfig(raw: unknown): ConfigResult {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, message: describeIssues(parsed.error.issues) };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map(issue => `config.${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
