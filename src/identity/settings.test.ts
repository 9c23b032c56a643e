import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { identitySettings } from './settings.ts';

const config = { port: 3000, trustProxy: false };

describe('identity settings', () => {
  it('take the issuer from FLAGSTONE_URL, or localhost and the port', () => {
    expect(identitySettings(config, {}).issuer).toBe('http://localhost:3000');
    const settings = identitySettings(config, { FLAGSTONE_URL: 'https://services.fellshire.example/' });
    expect(settings).toMatchObject({
      issuer: 'https://services.fellshire.example',
      apiResource: 'https://services.fellshire.example/api',
    });
  });

  it('refuse an issuer that is not an http(s) address without query or fragment, naming the variable', () => {
    for (const bad of ['not a url', 'ftp://x.example', 'https://x.example/?a=1', 'https://x.example/#top']) {
      expect(() => identitySettings(config, { FLAGSTONE_URL: bad })).toThrow(ConfigError);
      expect(() => identitySettings(config, { FLAGSTONE_URL: bad })).toThrow(/FLAGSTONE_URL/);
    }
  });
});
