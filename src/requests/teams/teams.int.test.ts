// Managers setting up their organisation's teams, through the pages and the API against the
// real database: what each bad input gets (and that it changes nothing), who is refused, and
// the ledger entry of every change and refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
let caseId: string;

async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
}

const MANAGER = 'manager at fellshire-cc';
const page = async (url: string, roles = MANAGER) =>
  t.app.inject({ url, headers: { accept: 'text/html', cookie: await as(roles) } });
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function post(url: string, form: Record<string, string>, roles = MANAGER, csrf?: string) {
  const token = csrf ?? csrfOf((await page(url.replace(/\/remove$/, ''), roles)).body);
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

const api = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: object, roles = MANAGER) =>
  t.app.inject({
    method,
    url,
    headers: { cookie: await as(roles), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

const teamsOf = async (ref = 'fellshire-cc') => {
  const ids = await t.services.places.organisationIds([ref]);
  return (await t.services.database.db
    .selectFrom('teams')
    .select(['name', 'email'])
    .where('organisation_id', '=', ids.get(ref) as string)
    .orderBy('name')
    .execute()) as { name: string; email: string | null }[];
};
const idOf = async (name: string) =>
  (await t.services.teams.list(await manager(), 'fellshire-cc')).teams.find((x) => x.name === name)
    ?.id as string;
const manager = async () => t.services.identity.actorByEmail(demoAccount((c) => c.roles === MANAGER).email);

beforeAll(async () => {
  t = await testApp();
  const created = await t.services.requests.submit(
    {
      service: 'pothole',
      lat: demoPoints.northmoor[1],
      lon: demoPoints.northmoor[0],
      email: 'someone@example.com',
      attributes: { size: 'large' },
    },
    {},
  );
  caseId = created.id;
  await t.services.requests.assign(await manager(), caseId, { team: 'Highways' });
});
afterAll(() => t?.close());

describe('the teams page', () => {
  it('is linked from the staff navigation of managers, and lists the teams with their open cases', async () => {
    const home = await page('/cases');
    expect(home.body).toContain('href="/staff/teams"');
    const choose = await page('/staff/teams');
    expect(choose.statusCode).toBe(303);
    expect(choose.headers.location).toBe('/staff/teams/fellshire-cc');
    const list = await page('/staff/teams/fellshire-cc');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Teams of Fellshire County Council');
    expect(list.body).toContain('highways@fellshire-cc.example.org');
    expect(list.body).toMatch(
      /href="\/cases\?team=Highways">1<span class="govuk-visually-hidden"> open cases of Highways/,
    );
    expect(list.body).toMatch(/href="\/cases\?team=Adult%20social%20care">0</);
    // Staff who are not managers have no link.
    expect((await page('/cases', 'staff at fellshire-cc')).body).not.toContain('href="/staff/teams"');
  });

  it('adds a team, recorded in the ledger', async () => {
    const added = await post('/staff/teams/fellshire-cc', {
      name: '  Street   lighting ',
      email: 'Lights@fellshire-cc.example.org',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/staff/teams/fellshire-cc?done=added');
    const list = await page('/staff/teams/fellshire-cc?done=added');
    expect(list.body).toContain('Team added');
    expect(await teamsOf()).toContainEqual({
      name: 'Street lighting',
      email: 'lights@fellshire-cc.example.org',
    });
    expect(await t.services.governance.ledger.latest('team.add')).toMatchObject({
      decision: 'allow',
      policies: ['teams-organisation-managers'],
      resource: { type: 'teams', organisation: 'fellshire-cc' },
      detail: { name: 'Street lighting' },
    });
  });

  it.each([
    ['an empty name', { name: '  ', email: '' }, 400, 'Enter the name of the team'],
    [
      'a name over 100 characters',
      { name: 'x'.repeat(101), email: '' },
      400,
      'Use 100 characters or fewer for the name',
    ],
    [
      'the name of another team',
      { name: 'Highways', email: '' },
      400,
      'There is already a team called Highways: choose another name',
    ],
    [
      'an email that is not one',
      { name: 'Parks', email: 'parks@' },
      400,
      'Enter the mailbox as an email address, like team@example.org',
    ],
  ])(
    'shows the error summary for %s, keeping the answers and adding nothing',
    async (_, form, status, message) => {
      const before = await teamsOf();
      const response = await post('/staff/teams/fellshire-cc', form);
      expect(response.statusCode).toBe(status);
      expect(response.body).toContain('govuk-error-summary');
      expect(response.body).toContain(message);
      expect(response.body).toContain(`value="${form.email}"`);
      expect(await teamsOf()).toEqual(before);
    },
  );

  it('shows the error summary for a forged or missing form token, adding nothing', async () => {
    const before = await teamsOf();
    for (const csrf of ['forged', '']) {
      const response = await post('/staff/teams/fellshire-cc', { name: 'Parks', email: '' }, MANAGER, csrf);
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('govuk-error-summary');
      expect(response.body).toContain('The form has expired: reload the page and try again');
      expect(response.body).toContain('value="Parks"');
    }
    expect(await teamsOf()).toEqual(before);
  });

  it('renames a team and changes its mailbox, its cases following it', async () => {
    const id = await idOf('Highways');
    const form = await page(`/staff/teams/fellshire-cc/${id}`);
    expect(form.body).toContain('value="Highways"');
    const bad = await post(`/staff/teams/fellshire-cc/${id}`, { name: 'Adult social care', email: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is already a team called Adult social care');
    const stale = await post(
      `/staff/teams/fellshire-cc/${id}`,
      { name: 'Roads', email: '' },
      MANAGER,
      'stale',
    );
    expect(stale.statusCode).toBe(403);
    expect(stale.body).toContain('The form has expired');
    expect(await teamsOf()).toContainEqual({ name: 'Highways', email: 'highways@fellshire-cc.example.org' });

    const saved = await post(`/staff/teams/fellshire-cc/${id}`, {
      name: 'Roads',
      email: 'roads@fellshire-cc.example.org',
    });
    expect(saved.statusCode).toBe(303);
    expect(await teamsOf()).toContainEqual({ name: 'Roads', email: 'roads@fellshire-cc.example.org' });
    expect((await page(`/cases/${caseId}`)).body).toContain('Roads');
    expect(await t.services.governance.ledger.latest('team.change')).toMatchObject({
      decision: 'allow',
      detail: { name: 'Roads', was: 'Highways' },
    });
  });

  it('refuses to remove a team with open cases, and removes one without', async () => {
    const roads = await idOf('Roads');
    expect((await page(`/staff/teams/fellshire-cc/${roads}/remove`)).body).toContain('Roads has 1 open case');
    const refused = await post(`/staff/teams/fellshire-cc/${roads}/remove`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('govuk-error-summary');
    expect(refused.body).toContain('Roads has 1 open case: assign it to another team before removing it');
    expect((await teamsOf()).map((x) => x.name)).toContain('Roads');

    const lighting = await idOf('Street lighting');
    const stale = await post(`/staff/teams/fellshire-cc/${lighting}/remove`, {}, MANAGER, 'stale');
    expect(stale.statusCode).toBe(403);
    expect(stale.body).toContain('The form has expired');
    const removed = await post(`/staff/teams/fellshire-cc/${lighting}/remove`, {});
    expect(removed.statusCode).toBe(303);
    expect((await teamsOf()).map((x) => x.name)).not.toContain('Street lighting');
    expect(await t.services.governance.ledger.latest('team.remove')).toMatchObject({
      decision: 'allow',
      detail: { name: 'Street lighting' },
    });
  });

  it("refuses staff who are not managers, and another organisation's manager, in the ledger", async () => {
    const staffPage = await page('/staff/teams/fellshire-cc', 'staff at fellshire-cc');
    expect(staffPage.statusCode).toBe(403);
    expect(staffPage.body).toContain(
      'Only a manager of Fellshire County Council or an administrator can set up its teams',
    );
    expect(await t.services.governance.ledger.latest('teams.list')).toMatchObject({
      decision: 'deny',
      policies: [],
    });
    expect((await page('/staff/teams', 'staff at fellshire-cc')).statusCode).toBe(403);

    const before = await teamsOf();
    const other = 'manager at ashby-vale-dc';
    const token = csrfOf((await page('/staff/teams/ashby-vale-dc', other)).body);
    const refused = await post('/staff/teams/fellshire-cc', { name: 'Parks', email: '' }, other, token);
    expect(refused.statusCode).toBe(403);
    expect(await t.services.governance.ledger.latest('team.add')).toMatchObject({
      decision: 'deny',
      resource: { organisation: 'fellshire-cc' },
    });
    expect(await teamsOf()).toEqual(before);
  });

  it("lets an administrator choose any organisation's teams", async () => {
    const admin = 'admin at fellshire-cc';
    const choose = await page('/staff/teams', admin);
    expect(choose.statusCode).toBe(200);
    expect(choose.body).toContain('href="/staff/teams/northmoor-dc"');
    const other = await page('/staff/teams/northmoor-dc', admin);
    expect(other.body).toContain('waste@northmoor-dc.example.org');
    // Another organisation's inbox is not the administrator's to open: its counts are not links.
    expect(other.body).not.toContain('href="/cases?team=');
    expect((await page('/cases?team=Waste', admin)).statusCode).toBe(400);
    expect((await page('/staff/teams/fellshire-cc', admin)).body).toContain('href="/cases?team=');
  });
});

describe('the teams API', () => {
  const url = '/api/v1/organisations/fellshire-cc/teams';

  it('lists, adds, changes and removes teams', async () => {
    const listed = await api('GET', url);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toContainEqual(expect.objectContaining({ name: 'Roads', openCases: 1 }));
    const added = await api('POST', url, { name: 'Parks', email: 'parks@fellshire-cc.example.org' });
    expect(added.statusCode).toBe(201);
    const { id } = added.json();
    expect((await api('PUT', `${url}/${id}`, { name: 'Parks and open spaces' })).statusCode).toBe(204);
    expect(await teamsOf()).toContainEqual({ name: 'Parks and open spaces', email: null });
    expect((await api('DELETE', `${url}/${id}`)).statusCode).toBe(204);
    expect((await teamsOf()).map((x) => x.name)).not.toContain('Parks and open spaces');
  });

  it.each([
    ['an empty name', { name: '' }, 400, 'name', 'Enter the name of the team'],
    [
      'a name over 100 characters',
      { name: 'y'.repeat(101) },
      400,
      'name',
      'Use 100 characters or fewer for the name',
    ],
    [
      'the name of another team',
      { name: 'Roads' },
      400,
      'name',
      'There is already a team called Roads: choose another name',
    ],
    [
      'an email that is not one',
      { name: 'Parks', email: 'not an email' },
      400,
      'email',
      'Enter the mailbox as an email address, like team@example.org',
    ],
  ])('answers problem+json for %s, adding nothing', async (_, body, status, field, message) => {
    const before = await teamsOf();
    const response = await api('POST', url, body);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors).toContainEqual({ field, message });
    expect(await teamsOf()).toEqual(before);
  });

  it('answers 409 removing a team with open cases, 403 to staff and 404 for an unknown team', async () => {
    const roads = await idOf('Roads');
    const conflict = await api('DELETE', `${url}/${roads}`);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().detail).toBe(
      'Roads has 1 open case: assign it to another team before removing it',
    );
    const refused = await api('POST', url, { name: 'Parks' }, 'staff at fellshire-cc');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await api('DELETE', `${url}/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
    expect((await teamsOf()).map((x) => x.name)).toContain('Roads');
  });
});
