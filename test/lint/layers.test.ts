// The layer rules of eslint.config.mjs fail the build when a folder reaches up: checked here by
// linting real files with one forbidden import added (docs/design.md#layers).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** Lints `file` with `imports` prepended; returns the restricted-import messages. */
async function restrictedImports(file: string, imports: string): Promise<string[]> {
  const filePath = path.join(ROOT, file);
  const text = `${imports}\n${readFileSync(filePath, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath });
  return result!.messages
    .filter(m => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map(m => m.message);
}

describe('layer rules', () => {
  it('instrumentation may not import the SDK, the config or the layers above it', async () => {
    const messages = await restrictedImports(
      'src/instrumentation/record-span.ts',
      [
        "import type { ReadableSpan } from '@opentelemetry/sdk-trace';",
        "import type { Config } from '../../schemas/config';",
        "import { selfObs } from '../selfobs/recorder';",
        "import { acquireTracer } from '../export/tracer-provider';",
        'export type Forbidden = [ReadableSpan, Config, typeof selfObs, typeof acquireTracer];',
      ].join('\n'),
    );
    assert.equal(messages.length, 4, messages.join('\n'));
    assert.ok(messages.every(m => m.includes('src/instrumentation uses only @opentelemetry/api')));
  });

  it('instrumentation may import the OpenTelemetry API and the GenAI model', async () => {
    const messages = await restrictedImports(
      'src/instrumentation/record-span.ts',
      "import { diag } from '@opentelemetry/api';\nexport const d = diag;",
    );
    assert.deepEqual(messages, []);
  });

  it('the GenAI model stays pure and export never sees the config', async () => {
    const genai = await restrictedImports(
      'src/genai/calls.ts',
      "import { trace } from '@opentelemetry/api';\nexport const t = trace;",
    );
    assert.equal(genai.length, 1);
    const exported = await restrictedImports(
      'src/export/resource.ts',
      "import type { Config } from '../../schemas/config';\nexport type C = Config;",
    );
    assert.equal(exported.length, 1);
  });
});
