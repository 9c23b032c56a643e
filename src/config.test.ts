import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('configuration from the environment', () => {
  it('has defaults that start Flagstone on port 3000 with an embedded database', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\.flagstone$/);
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number from 0 to 65535, not "abc"/],
    ['PORT', '70000', /PORT must be a whole number/],
    ['FLAGSTONE_DB_PORT', '80', /FLAGSTONE_DB_PORT must be a whole number from 1024/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must start with postgres:\/\//],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['TRUST_PROXY', 'yes', /TRUST_PROXY must be one of true, false/],
  ])('refuses %s=%s, naming the variable and what it expects', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
