// n8n's community-node lint rules (`n8n-node lint`), without the n8n Cloud rules: this
// package has runtime dependencies (provider SDKs, tokenizer, SQLite reader, …) and talks
// to two services, so n8n Cloud verification does not apply. The rules cover the n8n-facing
// code (nodes/, credentials/) and package.json; the core modules they adapt are plain
// TypeScript libraries with their own error types, and tests and scripts are not published.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
  {
    ignores: ['dist/**', 'node_modules/**', '.fake-openai/**', 'test/**', 'scripts/**', 'core/**', 'cli/**', 'dataset/**', 'trainer/**', 'generator/**', 'schemas/**', 'n8n-api/**', 'index.ts', 'flowtune-*/**', '*.js', '*.mjs'],
  },
  ...configWithoutCloudSupport,
  {
    files: ['package.json'],
    // Runtime dependencies are intended (see above): the package is for self-hosted n8n.
    rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
  },
];
