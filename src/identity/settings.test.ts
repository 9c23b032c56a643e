import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { identitySettings } from './settings.ts';

describe('identity settings', () => {
  it('take the issuer from FLAGSTONE_URL, or localhost and the port', () => {
    expect(identitySettings(loadConfig({})).issuer).toBe('http://localhost:3000');
    expect(identitySettings(loadConfig({ PORT: '8080' })).issuer).toBe('http://localhost:8080');
    const settings = identitySettings(loadConfig({ FLAGSTONE_URL: 'https://services.fellshire.example/' }));
    expect(settings).toMatchObject({
      issuer: 'https://services.fellshire.example',
      apiResource: 'https://services.fellshire.example/api',
    });
  });

  it('refuse an issuer that is not an http(s) address without query or fragment, naming the variable', () => {
    for (const bad of ['not a url', 'ftp://x.example', 'https://x.example/?a=1', 'https://x.example/#top']) {
      expect(() => loadConfig({ FLAGSTONE_URL: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ FLAGSTONE_URL: bad })).toThrow(/FLAGSTONE_URL/);
    }
  });

  it('require a second factor of staff unless FLAGSTONE_STAFF_SECOND_FACTOR is optional', () => {
    expect(identitySettings(loadConfig({})).staffSecondFactor).toBe(true);
    expect(
      identitySettings(loadConfig({ FLAGSTONE_STAFF_SECOND_FACTOR: 'optional' })).staffSecondFactor,
    ).toBe(false);
    expect(() => loadConfig({ FLAGSTONE_STAFF_SECOND_FACTOR: 'sometimes' })).toThrow(
      /FLAGSTONE_STAFF_SECOND_FACTOR/,
    );
  });
});
