// Self-assessment through the pages against the real database: what each bad input gets (and
// that it saves nothing), submitting only when every item is scored, a submitted assessment
// never changed, who is refused, and the ledger entry of every change.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import { builtInFramework } from './framework.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
const MANAGER = 'manager at fellshire-fire';
const items = builtInFramework.themes.flatMap((theme) => theme.items.map((i) => i.key));

async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
}
const page = async (url: string, roles = MANAGER) =>
  t.app.inject({ url, headers: { accept: 'text/html', cookie: await as(roles) } });
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
async function post(url: string, form: Record<string, string>, roles = MANAGER, from = url) {
  const token = csrfOf((await page(from, roles)).body);
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      accept: 'text/html',
      cookie: await as(roles),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: token, ...form }).toString(),
  });
}
const score = (item: string, form: Record<string, string>, roles = MANAGER) =>
  post(`/routemap/fellshire-fire/items/${item}`, form, roles);
const saved = async () =>
  (
    await sql<{ item: string; score: number }>`SELECT s.item, s.score FROM maturity_scores s
      JOIN maturity_assessments a ON a.id = s.assessment_id JOIN organisations o ON o.id = a.organisation_id
      WHERE o.ref = 'fellshire-fire' AND a.status = 'draft' ORDER BY s.item`.execute(t.services.database.db)
  ).rows;
const ledger = async (action: string) =>
  (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_ledger WHERE action = ${action}`.execute(
      t.services.database.db,
    )
  ).rows[0]?.n;

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('an organisation assessing itself', () => {
  it('shows the framework as a task list, every item not scored, with the platform’s measures', async () => {
    const response = await page('/routemap/fellshire-fire');
    expect(response.statusCode).toBe(200);
    for (const theme of builtInFramework.themes) expect(response.body).toContain(theme.title);
    expect(response.body.match(/Not scored/g)).toHaveLength(items.length);
    expect(response.body).toContain('Active sharing agreements');
  });

  it.each([
    [{ score: '', reason: 'x' }, 'Choose a level from 1 to 5'],
    [{ score: '6', reason: 'x' }, 'The level must be a whole number from 1 to 5'],
    [{ score: '0', reason: 'x' }, 'The level must be a whole number from 1 to 5'],
    [{ score: '2.5', reason: 'x' }, 'The level must be a whole number from 1 to 5'],
    [{ score: '3', reason: '  ' }, 'Enter the reason for the level'],
    [{ score: '3', reason: 'x', links: 'javascript:alert(1)' }, 'Enter each link as a web address'],
  ])('refuses %j with "%s", keeping the answers and saving nothing', async (form, message) => {
    const response = await score('leadership', form);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain(message);
    expect(await saved()).toEqual([]);
  });

  it('refuses staff who are not the organisation’s managers, in the ledger, saving nothing', async () => {
    const before = await ledger('assessment.score');
    const response = await score('leadership', { score: '3', reason: 'We lead' }, 'staff at fellshire-fire');
    expect(response.statusCode).toBe(403);
    expect(await saved()).toEqual([]);
    expect(await ledger('assessment.score')).toBe((before ?? 0) + 1);
    const other = await score('leadership', { score: '3', reason: 'We lead' }, 'manager at fellshire-cc');
    expect(other.statusCode).toBe(403);
  });

  it('saves a score in a draft, in the ledger, and changes it', async () => {
    const response = await score('leadership', {
      score: '3',
      reason: 'A board member owns reform',
      links: 'https://example.org/plan.pdf',
    });
    expect(response.statusCode).toBe(303);
    expect(await saved()).toEqual([{ item: 'leadership', score: 3 }]);
    await score('leadership', { score: '4', reason: 'Joint leadership with partners' });
    expect(await saved()).toEqual([{ item: 'leadership', score: 4 }]);
    expect(await ledger('assessment.score')).toBeGreaterThanOrEqual(2);
    expect((await page('/routemap/fellshire-fire')).body).toContain('Level 4: Advanced');
  });

  it('refuses to submit with items unscored, naming each, and submits nothing', async () => {
    const response = await post('/routemap/fellshire-fire/submit', {});
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Score Governance before submitting');
    expect(response.body).not.toContain('Score Leadership before submitting');
    expect((await t.services.routemap.overview(await manager(), 'fellshire-fire')).submitted).toEqual([]);
  });

  it('submits once every item is scored, keeping the platform’s measures, and never changes it', async () => {
    for (const item of items) await score(item, { score: '2', reason: `Where we are on ${item}` });
    const response = await post(
      '/routemap/fellshire-fire/submit',
      {},
      MANAGER,
      '/routemap/fellshire-fire/submit',
    );
    expect(response.statusCode).toBe(303);
    const view = await t.services.routemap.overview(await manager(), 'fellshire-fire');
    expect(view.draft).toBeNull();
    expect(view.submitted).toHaveLength(1);
    expect(Object.keys(view.submitted[0]?.scores ?? {})).toHaveLength(items.length);
    expect(view.submitted[0]?.platformEvidence).toHaveProperty('sharingAgreements.figure', 1);
    expect(await ledger('assessment.submit')).toBe(1);
    const shown = (await page('/routemap/fellshire-fire', 'staff at fellshire-fire')).body;
    expect(shown).toContain('The assessment submitted on');
    expect(shown).toContain('Where we are on leadership');
    expect(shown).toContain('Level 2: Developing (submitted)');
    // The database itself refuses a change to a submitted assessment.
    await expect(
      sql`UPDATE maturity_scores SET score = 5 WHERE assessment_id = ${view.submitted[0]?.id}`.execute(
        t.services.database.db,
      ),
    ).rejects.toThrow('a submitted assessment is never changed');
    // Scoring again starts a new draft; the submitted one stays.
    await score('leadership', { score: '3', reason: 'Better now' });
    const after = await t.services.routemap.overview(await manager(), 'fellshire-fire');
    expect(after.submitted[0]?.scores.leadership?.score).toBe(2);
    expect(after.draft?.scores.leadership?.score).toBe(3);
  });
});

const manager = () => t.services.identity.actorByEmail(demoAccount((c) => c.roles === MANAGER).email);

/** A multipart form with one file, as a browser sends it. */
async function upload(item: string, name: string, bytes: Buffer, roles = MANAGER) {
  const token = csrfOf((await page(`/routemap/fellshire-fire/items/${item}`, roles)).body);
  const boundary = 'evidenceboundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: `/routemap/fellshire-fire/items/${item}/files`,
    headers: {
      accept: 'text/html',
      cookie: await as(roles),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
}
const files = async () =>
  (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM maturity_evidence_files`.execute(
      t.services.database.db,
    )
  ).rows[0]?.n;

describe('files as evidence', () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

  it.each([
    [
      'setup.exe',
      Buffer.from('MZ\x90\x00binary'),
      'The file must be a PDF, PNG, JPEG, CSV or plain text file',
    ],
    [
      'page.html',
      Buffer.from('<script>alert(1)</script>'),
      'The file must be a PDF, PNG, JPEG, CSV or plain text file',
    ],
    [
      'fake.pdf',
      Buffer.from('not really a pdf'),
      'The file must be a PDF, PNG, JPEG, CSV or plain text file',
    ],
    ['big.pdf', Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]), 'The file must be smaller than 5 MB'],
    ['empty.txt', Buffer.alloc(0), 'Choose a file'],
  ])('refuses %s, keeping nothing', async (name, bytes, message) => {
    const before = await files();
    const response = await upload('governance', name, bytes);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain(message);
    expect(await files()).toBe(before);
  });

  it('keeps a PDF with the draft, in the ledger, for the organisation’s staff to download and nobody else', async () => {
    const response = await upload('governance', 'board minutes.pdf', pdf);
    expect(response.statusCode).toBe(303);
    const itemPage = await page('/routemap/fellshire-fire/items/governance', 'staff at fellshire-fire');
    const link = /href="(\/routemap\/fellshire-fire\/files\/[^"]+)"/.exec(itemPage.body)?.[1] as string;
    expect(itemPage.body).toContain('board minutes.pdf');
    const download = await page(link, 'staff at fellshire-fire');
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="board minutes.pdf"/);
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect((await page(link, 'staff at ashby-vale-dc')).statusCode).toBe(403);
    expect(await ledger('evidence.add')).toBe(1);
  });
});
