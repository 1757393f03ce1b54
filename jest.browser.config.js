/**
 * Browser tests (`npm run test:browser`): test/browser/**.browser-spec.ts, the real app in-process serving the
 * built web app (web/dist) to headless Chromium (playwright-core). Their own database (streamrank_test_browser
 * unless DATABASE_URL says otherwise) so they never reset the main suite's; the main config's testRegex does
 * not match these files.
 */
const main = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...main,
  testRegex: 'test/browser/.*\\.browser-spec\\.ts$',
  globalSetup: '<rootDir>/test/browser/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/browser/support/env.ts'],
  // A busy machine (2 shared cores) slows Chromium and the pipeline a lot: generous limits, no absolute
  // timing asserts beyond lower bounds.
  testTimeout: 180_000,
};
