// The one summary line of a replay run and its exit code: what was read, exported or printed,
// what was skipped (by reason), what failed and where to (credentials masked), with a hint for
// the usual endpoint mistakes.
import { plural } from './config-file';
import type { NoteReason, SkipReason } from './diagnose';

export const EXIT = {
  /** Everything read was exported (or printed). */
  ok: 0,
  /** An export failed or spans were dropped: the destination is missing data. */
  exportFailed: 1,
  /** Bad command line or config. */
  usage: 2,
  /** No log entry could be read (missing file, empty input, every line malformed). */
  noInput: 3,
} as const;

export interface SignalOutcome {
  readonly url: string;
  /** Export requests that failed after the exporter's retries. */
  readonly failures: number;
}

export interface RunReport {
  readonly input: string;
  readonly entries: number;
  readonly calls: number;
  readonly sampled: number;
  readonly skips: ReadonlyMap<SkipReason, number>;
  readonly notes: ReadonlyMap<NoteReason, number>;
  /** Absent in print mode. */
  readonly exported?: {
    readonly traces: SignalOutcome & { readonly spansLost: number; readonly spansDropped: number };
    readonly metrics: SignalOutcome;
    /** Set when the exporters had not shut down by the deadline: data may be unsent. */
    readonly unfinishedAfterMs?: number;
  };
}

/** user:password and secret-looking query parameters of an endpoint URL, masked. */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (/key|token|secret|pass|auth|sig/i.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.toString().replace('%2A%2A%2A', '***');
}

/** What usually explains a failed export to this URL. */
export function endpointHints(url: string, signal: 'traces' | 'metrics'): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`'${url}' is not a URL`];
  }
  const hints: string[] = [];
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  if (!parsed.pathname.replace(/\/+$/, '').endsWith(`/v1/${signal}`)) {
    hints.push(
      `the URL has no /v1/${signal} path: OTEL_EXPORTER_OTLP_ENDPOINT takes the base URL and adds it, while OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT and ${signal}_endpoint take the full URL`,
    );
  }
  if (port === 4317) {
    hints.push(
      'port 4317 is OTLP/gRPC; genai-otel sends OTLP/HTTP (the Collector listens on 4318)',
    );
  }
  if (parsed.protocol === 'https:' && port === 4318) {
    hints.push('https to port 4318: a Collector serves plain HTTP there unless TLS is configured');
  } else if (parsed.protocol === 'http:' && port === 443) {
    hints.push('http to port 443: use https://');
  } else if (parsed.protocol === 'https:') {
    hints.push(
      'TLS: a private CA must be given to Node with NODE_EXTRA_CA_CERTS=<ca.pem>, and the certificate must name the host',
    );
  }
  if (hints.length === 0) {
    hints.push(
      `is an OTLP/HTTP receiver listening on ${parsed.host}? (the Collector's default port is 4318)`,
    );
  }
  return hints;
}

const counts = <R extends string>(m: ReadonlyMap<R, number>): string =>
  [...m.entries()]
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');

const total = (m: ReadonlyMap<string, number>): number =>
  [...m.values()].reduce((a, b) => a + b, 0);

export function exitCode(report: RunReport): number {
  const e = report.exported;
  if (e !== undefined) {
    const lost =
      e.traces.failures + e.metrics.failures + e.traces.spansLost + e.traces.spansDropped;
    if (lost > 0 || e.unfinishedAfterMs !== undefined) return EXIT.exportFailed;
  }
  return report.entries === 0 ? EXIT.noInput : EXIT.ok;
}

/** The one line that says how the run went. */
export function summaryLine(report: RunReport, verbose: boolean): string {
  const parts: string[] = [];
  const read = `${plural(report.entries, 'log entry', 'log entries')} from ${report.input}: ${plural(report.calls, 'LLM call')}`;
  const e = report.exported;
  const failed = exitCode(report) === EXIT.exportFailed;
  if (report.entries === 0) parts.push(`replay read no log entry from ${report.input}`);
  else parts.push(`${failed ? 'replay FAILED' : 'replayed'} ${read}`);
  const unsampled = report.notes.get('not_sampled') ?? 0;
  if (e === undefined) {
    parts.push(`${plural(report.sampled, 'span')} and the metric totals printed`);
  } else {
    const t = e.traces;
    const m = e.metrics;
    const sent = Math.max(0, report.sampled - t.spansLost - t.spansDropped);
    parts.push(
      t.failures + t.spansDropped > 0
        ? `span export to ${maskUrl(t.url)} FAILED (${plural(t.failures, 'failed request')}, ${plural(t.spansLost + t.spansDropped, 'span')} lost; ${sent} exported)`
        : `${plural(sent, 'span')} exported to ${maskUrl(t.url)}`,
    );
    parts.push(
      m.failures > 0
        ? `metric export to ${maskUrl(m.url)} FAILED (${plural(m.failures, 'failed request')})`
        : `metrics exported to ${maskUrl(m.url)}`,
    );
  }
  if (e?.unfinishedAfterMs !== undefined) {
    parts.push(
      `export still running after ${e.unfinishedAfterMs / 1000} s: what was not sent by then is lost`,
    );
  }
  if (unsampled > 0)
    parts.push(
      `${plural(unsampled, 'span')} not sampled (sample_ratio or the caller's traceparent)`,
    );
  const skipped = total(report.skips);
  if (skipped > 0) {
    parts.push(`${plural(skipped, 'entry', 'entries')} skipped (${counts(report.skips)})`);
  }
  const notes = new Map([...report.notes].filter(([r]) => r !== 'not_sampled'));
  if (total(notes) > 0) parts.push(`notes: ${counts(notes)}`);
  if ((skipped > 0 || total(notes) > 0) && !verbose) parts.push('--verbose lists them by line');
  if (e !== undefined && failed) {
    const hints = [
      ...(e.traces.failures + e.traces.spansDropped > 0
        ? endpointHints(e.traces.url, 'traces')
        : []),
      ...(e.metrics.failures > 0 ? endpointHints(e.metrics.url, 'metrics') : []),
    ];
    if (hints.length === 0)
      hints.push('the collector accepts connections but answers slowly or not at all');
    parts.push(`hint: ${[...new Set(hints)].join('; ')}`);
  }
  return parts.join('; ');
}
