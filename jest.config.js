// One jest run covers unit specs (next to the code) and e2e specs (test/), all
// against the real PostgreSQL and Redis that scripts/test.sh provides.
const paths = {
  '^@hookline/(.*)$': '<rootDir>/libs/$1/src',
};

module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '(apps|libs|test|prisma)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    // Type errors fail the run in scripts/test.sh (tsc --noEmit over apps, libs and specs), once, not per file.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: paths,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 30000,
  // Not in the temp directory, which scripts/test.sh makes per run: transpiled files stay cached between runs.
  cacheDirectory: '<rootDir>/.hookline/jest-cache',
  // Test files share one PostgreSQL and one Redis (queues included): one file at a time.
  maxWorkers: 1,
};
