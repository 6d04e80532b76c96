/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The real-n8n suites run with `npm run test:e2e` (jest.e2e.config.js), the browser suite with
  // `npm run test:browser` (jest.browser.config.js).
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$', '\\.browser\\.test\\.ts$'],
  // Type checking is done once by `tsc` (npm run typecheck); jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
};
