/**
 * Real-browser tests (headless Chromium from Debian + playwright-core) against a real n8n with the
 * packed package installed as a user installs it: only `*.browser.test.ts` (test/browser).
 * Run with `npm run test:browser`, which builds, installs n8n and Chromium first.
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // One n8n and one Chromium at a time (2 cores).
  maxWorkers: 1,
  testTimeout: 300000,
};
