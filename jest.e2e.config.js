/**
 * End-to-end tests against a real n8n (test/n8n/harness.ts): only `*.e2e.test.ts`.
 * Run with `npm run test:e2e`, which builds and installs n8n first (scripts/n8n-install.ts).
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Each suite starts its own n8n (~10–80 s, ~400 MB RSS); run them one at a time.
  maxWorkers: 1,
  testTimeout: 300000,
};
