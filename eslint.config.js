// Lint rules: the recommended sets, strict about unused code and explicit `any`, and the import table of DESIGN.md
// (who may import whom) as no-restricted-imports rules, so a forbidden import fails `npm run check`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TOP = [
  'lib',
  'contract',
  'firmware-bridge',
  'hardware',
  'station',
  'broker',
  'dashboard',
  'cli',
  'test',
  'bench',
];

/**
 * What each production folder may import of ours (DESIGN.md, "Top-level layout"). Unit tests beside the code
 * (`*.test.ts`, `testing/`) may in addition use the simulated devices and the shared test support.
 */
const ALLOWED = {
  lib: [],
  contract: ['lib'],
  'firmware-bridge': ['lib'],
  hardware: ['firmware-bridge', 'lib', 'contract'],
  station: ['firmware-bridge', 'contract', 'lib'],
  broker: ['contract', 'lib'],
};
const TEST_EXTRA = ['hardware', 'test'];
const TEST_FILES = ['**/*.test.ts', '**/testing/**'];

/** A relative import that climbs to the project root and enters one of `folders`. */
const entering = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;

function importRules(folder, allowed) {
  const forbidden = TOP.filter((t) => t !== folder && !allowed.includes(t));
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: entering(forbidden),
            message: `${folder}/ may import only ${allowed.length ? allowed.join(', ') : 'nothing of ours'} (DESIGN.md).`,
          },
        ],
      },
    ],
  };
}

const layering = Object.entries(ALLOWED).flatMap(([folder, allowed]) => [
  { files: [`${folder}/**/*.ts`], ignores: TEST_FILES, rules: importRules(folder, allowed) },
  {
    files: TEST_FILES.map((f) => `${folder}/${f}`),
    rules: importRules(folder, [...new Set([...allowed, ...TEST_EXTRA])]),
  },
]);

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'bench/results.json', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layering,
  {
    // The dashboard reaches the rest only over the HTTP API (types come in through JSDoc, which is not an import).
    files: ['dashboard/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', location: 'readonly' } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./', message: 'dashboard/ speaks to the rest only over the HTTP API (DESIGN.md).' },
          ],
        },
      ],
    },
  },
  {
    // Production code never imports the tests or the benchmarks.
    files: ['cli/**/*.ts', 'bin/**/*.js'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: entering(['test', 'bench']), message: 'production code never imports test/ or bench/.' }],
        },
      ],
    },
  },
);
