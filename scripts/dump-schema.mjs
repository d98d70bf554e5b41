// Regenerates the golden file schemas/genai-otel.kong.json: exactly what Kong's query command
// (`kong-js-pluginserver --dump-all-plugins`) reports for the built plugin, pretty-printed for
// review in diffs. Run after `npm run build` (npm run schema:dump does both).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stdout = execFileSync(
  process.execPath,
  [
    'node_modules/kong-pdk/bin/kong-js-pluginserver',
    '--plugins-directory',
    `${root}dist/plugins`,
    '--dump-all-plugins',
  ],
  { cwd: root, encoding: 'utf8' },
);
const dump = JSON.parse(stdout); // throws when stdout is not pure JSON, as Kong would fail
writeFileSync(
  new URL('../schemas/genai-otel.kong.json', import.meta.url),
  `${JSON.stringify(dump, null, 2)}\n`,
);
console.log(`wrote schemas/genai-otel.kong.json (${dump.length} plugin)`);
