// Contact details passed on to an organisation's own system only with the person's yes, asked
// only where such a system takes them; and how the person is told of progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atPotholeDetails,
  formBrowser as browser,
  errorSummary as summary,
} from '../../../../test/form-browser.ts';
import { administrator, type TestContext, testApp } from '../../../../test/support.ts';
import type { Actor } from '../../../platform/index.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

const atDetails = (lat: number, lon = -2.2) => atPotholeDetails(t.app, lat, lon);

describe('passing contact details on to the organisation’s own system', () => {
  it('is asked only where such a system takes them, needs an answer, and keeps the answer with the request', async () => {
    const admin = await t.services.identity.actorByEmail(administrator().email);
    await t.services.outbound.addSystem(admin as Actor, {
      organisation: 'fellshire-cc',
      name: 'Fellshire Street Lighting',
      endpoint: 'http://127.0.0.1:9/open311/v2/',
      apiKey: 'lighting-key',
      services: 'street-light',
      sendContact: true,
    });
    const report = async () => {
      const b = browser(t.app);
      await b.get('/report');
      await b.post('/report', { service: 'street-light' });
      await b.get('/report/where');
      await b.post('/report/where', { lat: '52.151', lon: '-2.2' });
      await b.get('/report/details');
      await b.post('/report/details', { 'attribute-fault': 'out' });
      return b;
    };
    const b = await report();
    expect((await b.get('/report/contact')).body).toContain(
      'Can we pass your name and contact details to Fellshire Street Lighting?',
    );
    const unanswered = await b.post('/report/contact', { email: 'kit@example.com', contactBy: 'sms' });
    expect(unanswered.statusCode).toBe(400);
    expect(summary(unanswered.body)).toContain('Enter a mobile number to get texts');
    expect(summary(unanswered.body)).toContain(
      'Select yes if we can pass your contact details to Fellshire Street Lighting',
    );
    const answered = await b.post('/report/contact', {
      email: 'kit@example.com',
      phone: '07700 900123',
      contactBy: 'sms',
      shareContact: 'yes',
    });
    expect(answered.headers.location).toBe('/report/check');
    const check = (await b.get('/report/check')).body;
    expect(check).toMatch(/Pass my contact details to Fellshire Street Lighting[\s\S]*?Yes/);
    expect(check).toMatch(/Tell me about progress[\s\S]*?By text message/);
    const sent = await b.post('/report/check', {});
    const reference = decodeURIComponent(String(sent.headers.location).split('/').pop() ?? '');
    const [stored] = (
      await t.services.database.pool.query(
        'SELECT share_contact, contact_by FROM cases WHERE reference = $1',
        [reference],
      )
    ).rows;
    expect(stored).toEqual({ share_contact: true, contact_by: 'sms' });

    // Said no: kept as no. A pothole (no such system) is not asked at all.
    const other = await report();
    await other.get('/report/contact');
    await other.post('/report/contact', { email: 'kit@example.com', shareContact: 'no' });
    const no = await other.post('/report/check', {});
    const [refused] = (
      await t.services.database.pool.query('SELECT share_contact FROM cases WHERE reference = $1', [
        decodeURIComponent(String(no.headers.location).split('/').pop() ?? ''),
      ])
    ).rows;
    expect(refused.share_contact).toBe(false);
    const pothole = await atDetails(52.152);
    await pothole.post('/report/details', { 'attribute-size': 'small' });
    expect((await pothole.get('/report/contact')).body).not.toContain('Can we pass your name');
  });
});
