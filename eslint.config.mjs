// ESLint flat config: typescript-eslint with type information, layering rules per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns, message) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ group: patterns, message }] },
    ],
  },
});

/** Relative import patterns reaching the named sibling folders of src/, from any depth below. */
const up = folders => folders.flatMap(f => [`../${f}/*`, `../../${f}/*`, `../../../${f}/*`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', '**/*.mjs', '**/*.cjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's describe/it return promises the runner tracks itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // Layers import downward only (docs/design.md#layers):
  //   adapters (kong, replay, pluginserver) -> pipeline -> export -> instrumentation -> genai,
  //   with selfobs beside export. Each rule names what a folder must not reach.
  layer(
    ['src/genai/**/*.ts'],
    [
      'kong-pdk*',
      '@opentelemetry/*',
      ...up(['instrumentation', 'export', 'selfobs', 'pipeline', 'kong', 'replay', 'pluginserver']),
      '**/schemas/*',
    ],
    'src/genai is the pure model: no OpenTelemetry, no Kong, no config',
  ),
  layer(
    ['src/instrumentation/**/*.ts'],
    [
      '@opentelemetry/*',
      '!@opentelemetry/api',
      'kong-pdk*',
      ...up(['export', 'selfobs', 'pipeline', 'kong', 'replay', 'pluginserver']),
      '**/schemas/*',
    ],
    'src/instrumentation uses only @opentelemetry/api and the GenAI model: no SDK, no config',
  ),
  layer(
    ['src/selfobs/**/*.ts'],
    [
      '@opentelemetry/*',
      '!@opentelemetry/api',
      'kong-pdk*',
      ...up(['genai', 'instrumentation', 'export', 'pipeline', 'kong', 'replay', 'pluginserver']),
      '**/schemas/*',
    ],
    'src/selfobs is a leaf: counts and log lines, through the OpenTelemetry API only',
  ),
  layer(
    ['src/export/**/*.ts'],
    ['kong-pdk*', ...up(['pipeline', 'kong', 'replay', 'pluginserver']), '**/schemas/*'],
    'src/export wires the SDK from settings; it never sees the config or an adapter',
  ),
  layer(
    ['src/pipeline/**/*.ts'],
    ['kong-pdk*', ...up(['kong', 'replay', 'pluginserver'])],
    'src/pipeline is used by the adapters, never the other way round',
  ),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
