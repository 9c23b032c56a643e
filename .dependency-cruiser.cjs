// The rules of the house about who may import what, checked by `npm run lint:deps` (part of
// `npm run lint`, so of CI). Each rule says what it keeps true; a path in a rule is a regular
// expression over the file's path from the repository's root, and `$1`, `$2` in a `to` stand for
// what the `from` captured (the module, the sub-feature). There are no known violations: any
// violation fails the check.

// Code whose job is to take data and return data: no database, no HTTP server, no pool.
const PURE = ['^src/linkage/'];
// What ships, as opposed to what tests it: test files sit beside the code as *.test.ts.
const TEST_FILE = '[.]test[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import cycles, type-only imports included: a cycle makes two files one unit that ' +
        'cannot be read, tested or moved alone. Move what both need to the one lower down, or ' +
        'pass it in.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'module-front-door',
      comment:
        'A module uses another module only through its index.ts, its front door: the rest of a ' +
        "module's files are its own, free to change without breaking anyone (src/<module>/...).",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index[.]ts$'] },
    },
    {
      name: 'root-uses-front-doors',
      comment:
        'The files at the top of src/ (the composition root, the app, the command line) use the ' +
        'modules through their front doors too.',
      severity: 'error',
      from: { path: '^src/[^/]+[.]ts$' },
      // The routemap's front door is its own folder's, beside the outcomes module's.
      to: { path: '^src/[^/]+/', pathNot: ['^src/[^/]+/index[.]ts$', '^src/outcomes/routemap/index[.]ts$'] },
    },
    {
      name: 'feature-front-door',
      comment:
        'A sub-feature folder (src/<module>/<feature>/) uses a sibling feature only through that ' +
        "feature's index.ts, as modules use each other.",
      severity: 'error',
      from: { path: '^src/([^/]+)/([^/]+)/' },
      to: { path: '^src/$1/[^/]+/', pathNot: ['^src/$1/$2/', '^src/$1/[^/]+/index[.]ts$'] },
    },
    {
      name: 'module-uses-feature-front-door',
      comment:
        "A module's own top-level files (its index.ts, its shared words) use its sub-features " +
        'through their index.ts too.',
      severity: 'error',
      from: { path: '^src/([^/]+)/[^/]+[.]ts$' },
      to: { path: '^src/$1/[^/]+/', pathNot: '^src/$1/[^/]+/index[.]ts$' },
    },
    {
      name: 'no-test-code-in-src',
      comment:
        'What ships does not import test support or benchmarks (test/, bench/); only test files ' +
        'do. Test harnesses live in test/.',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST_FILE },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-dev-dependencies-in-src',
      comment:
        'What ships runs after `npm ci --omit=dev`, so it imports only runtime dependencies ' +
        '(types excepted, they are gone at run time). A test helper that needs vitest or a ' +
        'browser belongs in test/.',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'pure-code-stays-pure',
      comment:
        'Pure code takes data and returns data, so it is tested fast and exhaustively: it does ' +
        'not reach the database (src/db, pg, kysely, pg-boss) or HTTP (fastify).',
      severity: 'error',
      from: { path: PURE },
      to: {
        path: [
          '^src/db/',
          '^node_modules/(pg|pg-pool|pg-boss|kysely|fastify|fastify-plugin|@fastify/[^/]+)/',
        ],
      },
    },
  ],
  options: {
    // swc reads the TypeScript: dependency-cruiser cannot use TypeScript 7.0's compiler (it
    // supports <7 and >=7.1). Type-only imports are read all the same.
    parser: 'swc',
    moduleSystems: ['es6'],
    doNotFollow: { path: '(^|/)node_modules/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    // A fixed violation left in the baseline is reported, not failed on: shrink it when you can.
    baseline: { staleEntriesSeverity: 'warn' },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
