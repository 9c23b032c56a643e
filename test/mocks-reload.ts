// The integration tests share the modules a worker has loaded between the files it runs (isolate:
// false in vitest.config.ts): the app's code is loaded and compiled once a worker instead of once
// a file. A file that replaces a module (vi.mock) has the app's code loaded again, so that its
// replacement is used, and the file after it again, so that the replacement is not.
import { readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';

const worker = globalThis as { flagstoneModulesReplaced?: boolean };
const file = expect.getState().testPath;
const replaces = file ? /\bvi\.(mock|doMock)\(/.test(readFileSync(file, 'utf8')) : false;
if (replaces || worker.flagstoneModulesReplaced) vi.resetModules();
worker.flagstoneModulesReplaced = replaces;
