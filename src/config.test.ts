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
    ['LOG_FORMAT', 'xml', /LOG_FORMAT must be one of json, pretty, auto/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must start with postgres:\/\//],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['DATABASE_OWNER_URL', 'not a url', /DATABASE_OWNER_URL must be a URL/],
    ['DATABASE_OWNER_URL', 'postgres://owner@db/flagstone', /DATABASE_OWNER_URL needs DATABASE_URL set too/],
    ['TRUST_PROXY', 'yes', /TRUST_PROXY must be one of true, false/],
  ])('refuses %s=%s, naming the variable and what it expects', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  const notifyKey = 'flagstone-5d2a0f3e-7b1c-4c8e-9f3a-2b6d8e1c4a70-9c1e4b7a-3f2d-4e8b-a6c5-1d0f7e2b9a38';
  const templates = {
    FLAGSTONE_NOTIFY_TEMPLATE_REQUEST_RECEIVED: '11111111-2222-4333-8444-555555555501',
    FLAGSTONE_NOTIFY_TEMPLATE_REQUEST_UPDATED: '11111111-2222-4333-8444-555555555502',
    FLAGSTONE_NOTIFY_TEMPLATE_CASE_OVERDUE: '11111111-2222-4333-8444-555555555503',
    FLAGSTONE_NOTIFY_TEMPLATE_CASE_REMINDER: '11111111-2222-4333-8444-555555555504',
    FLAGSTONE_NOTIFY_TEMPLATE_REFERRAL_RECEIVED: '11111111-2222-4333-8444-555555555505',
    FLAGSTONE_NOTIFY_TEMPLATE_REFERRAL_DECIDED: '11111111-2222-4333-8444-555555555506',
    FLAGSTONE_NOTIFY_TEMPLATE_ROUTEMAP_ACTION_OVERDUE: '11111111-2222-4333-8444-555555555507',
    FLAGSTONE_NOTIFY_TEMPLATE_REQUEST_RECEIVED_SMS: '11111111-2222-4333-8444-555555555511',
    FLAGSTONE_NOTIFY_TEMPLATE_REQUEST_UPDATED_SMS: '11111111-2222-4333-8444-555555555512',
    FLAGSTONE_NOTIFY_TEMPLATE_ACCOUNT_CONFIRM_EMAIL: '11111111-2222-4333-8444-555555555513',
    FLAGSTONE_NOTIFY_TEMPLATE_ACCOUNT_ALREADY_REGISTERED: '11111111-2222-4333-8444-555555555514',
    FLAGSTONE_NOTIFY_TEMPLATE_ACCOUNT_RESET_PASSWORD: '11111111-2222-4333-8444-555555555515',
    FLAGSTONE_NOTIFY_TEMPLATE_FIXED_QUESTION: '11111111-2222-4333-8444-555555555516',
    FLAGSTONE_NOTIFY_TEMPLATE_ALERT_CONFIRM: '11111111-2222-4333-8444-555555555517',
    FLAGSTONE_NOTIFY_TEMPLATE_ALERT_REPORTS: '11111111-2222-4333-8444-555555555518',
  };

  it('sends through GOV.UK Notify only when an API key and every template id are set', () => {
    expect(loadConfig({}).notify).toBeNull();
    const config = loadConfig({ FLAGSTONE_NOTIFY_API_KEY: notifyKey, ...templates });
    expect(config.notify).toMatchObject({
      baseUrl: 'https://api.notifications.service.gov.uk',
      templates: { 'case-overdue': '11111111-2222-4333-8444-555555555503' },
      smsTemplates: { 'request-updated': '11111111-2222-4333-8444-555555555512' },
    });
  });

  it.each([
    [{ FLAGSTONE_NOTIFY_API_KEY: 'not-a-key' }, /FLAGSTONE_NOTIFY_API_KEY must be a GOV.UK Notify API key/],
    [{ FLAGSTONE_NOTIFY_API_KEY: notifyKey }, /FLAGSTONE_NOTIFY_TEMPLATE_REQUEST_RECEIVED must be the id/],
    [
      {
        FLAGSTONE_NOTIFY_API_KEY: notifyKey,
        ...templates,
        FLAGSTONE_NOTIFY_TEMPLATE_REQUEST_UPDATED_SMS: '',
      },
      /FLAGSTONE_NOTIFY_TEMPLATE_REQUEST_UPDATED_SMS must be the id/,
    ],
    [
      { FLAGSTONE_NOTIFY_API_KEY: notifyKey, ...templates, FLAGSTONE_NOTIFY_BASE_URL: 'ftp://x' },
      /FLAGSTONE_NOTIFY_BASE_URL must be a URL/,
    ],
  ])('refuses an incomplete Notify set-up (%o), naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
