// Deadlines against the real database with a clock the test moves: past its target a case is
// escalated to its team, a day after that to the managers, each once; whoever holds a case (the
// organisation's staff when nobody is assigned) is reminded the day before its target; the
// escalation runs as a scheduled pg-boss job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrator, testDatabase } from '../../../test/support.ts';
import { type Services, servicesFor, startJobs } from '../../compose.ts';
import { connect } from '../../db/index.ts';
import { demoPoints } from '../../places/index.ts';
import { addTeam } from '../teams/index.ts';

let now: Date = new Date();
const clock = { now: () => now };
let services: Services;
let close: () => Promise<void>;
const HOUR = 3_600_000;

beforeAll(async () => {
  const { url, drop } = await testDatabase();
  const database = connect(url, 4);
  services = await servicesFor(database, { clock });
  close = async () => {
    await services.jobs.stop();
    await database.close();
    await drop();
  };
});
afterAll(() => close?.());

async function pothole(point: readonly number[]) {
  now = new Date();
  const created = await services.requests.submit(
    {
      service: 'pothole',
      lat: point[1],
      lon: point[0],
      email: 'road@example.com',
      attributes: { size: 'large' },
    },
    {},
  );
  const request = await services.requests.publicRequest(created.reference);
  return { ...created, expectedAt: new Date(request?.expectedAt as string) };
}

async function messagesAbout(reference: string, template: string) {
  const admin = await services.identity.actorByEmail(administrator().email);
  const { rows } = await services.notify.outbox(admin);
  return rows
    .filter((r) => r.reference === reference && r.template === template)
    .map((r) => r.recipient)
    .sort();
}

describe('escalating overdue cases', () => {
  it('tells the staff past the target, the managers a day later, each once; the citizen sees nothing of it', async () => {
    const { reference, expectedAt } = await pothole(demoPoints.northmoor);
    now = new Date(expectedAt.getTime() - HOUR);
    await services.deadlines.escalateOverdue();
    expect(await messagesAbout(reference, 'case-overdue')).toEqual([]);

    now = new Date(expectedAt.getTime() + HOUR);
    expect(await services.deadlines.escalateOverdue()).toBeGreaterThanOrEqual(1);
    expect(await messagesAbout(reference, 'case-overdue')).toEqual(['grace.okafor@fellshire-cc.example.org']);
    await services.deadlines.escalateOverdue();
    expect(await messagesAbout(reference, 'case-overdue')).toHaveLength(1);

    now = new Date(expectedAt.getTime() + 25 * HOUR);
    await services.deadlines.escalateOverdue();
    expect(await messagesAbout(reference, 'case-overdue')).toEqual([
      'daniel.whitfield@fellshire-cc.example.org',
      'grace.okafor@fellshire-cc.example.org',
    ]);
    expect(await services.governance.ledger.latest('case.escalate')).toMatchObject({ detail: { level: 2 } });
    const followed = await services.requests.follow(reference);
    expect(followed.updates).toEqual([]);
  });

  it("counts the manager's day from when the team was told: a case found a day late (after downtime) tells the team first", async () => {
    const { id, reference, expectedAt } = await pothole([
      demoPoints.northmoor[0],
      (demoPoints.northmoor[1] as number) + 0.02,
    ]);
    now = new Date(expectedAt.getTime() + 30 * HOUR);
    await services.deadlines.escalateOverdue();
    expect(await messagesAbout(reference, 'case-overdue')).toEqual(['grace.okafor@fellshire-cc.example.org']);
    const told = now.getTime();
    now = new Date(told + 23 * HOUR);
    await services.deadlines.escalateOverdue();
    expect(await messagesAbout(reference, 'case-overdue')).toHaveLength(1);
    now = new Date(told + 24 * HOUR);
    await services.deadlines.escalateOverdue();
    expect(await messagesAbout(reference, 'case-overdue')).toEqual([
      'daniel.whitfield@fellshire-cc.example.org',
      'grace.okafor@fellshire-cc.example.org',
    ]);
    const manager = await services.identity.actorByEmail('daniel.whitfield@fellshire-cc.example.org');
    const notes = (await services.requests.caseFor(manager, id)).updates.map((u) => u.body);
    expect(notes).toEqual([
      'Past its target time: escalated to the team.',
      'Still overdue a day after the team was told: escalated to the manager.',
    ]);
  });

  it("reminds the organisation's staff of a case nobody is assigned to", async () => {
    const { reference, expectedAt } = await pothole([
      demoPoints.northmoor[0],
      (demoPoints.northmoor[1] as number) + 0.04,
    ]);
    now = new Date(expectedAt.getTime() - 12 * HOUR);
    await services.deadlines.remindDue();
    await services.deadlines.remindDue();
    expect(await messagesAbout(reference, 'case-reminder')).toEqual([
      'grace.okafor@fellshire-cc.example.org',
    ]);
  });

  it("tells the case's team through its mailbox and the person it is assigned to, rather than all staff", async () => {
    const { id, reference, expectedAt } = await pothole(demoPoints.ashbyVale);
    const [county] = (await services.places.organisationIds(['fellshire-cc'])).values();
    await addTeam(services.database.db, county as string, 'Highways', 'highways@fellshire-cc.example.org');
    const manager = await services.identity.actorByEmail('daniel.whitfield@fellshire-cc.example.org');
    const grace = await services.identity.actorByEmail('grace.okafor@fellshire-cc.example.org');
    await services.requests.assign(manager, id, { team: 'Highways', assignee: grace?.accountId ?? null });

    now = new Date(expectedAt.getTime() - 12 * HOUR);
    await services.deadlines.remindDue();
    await services.deadlines.remindDue();
    expect(await messagesAbout(reference, 'case-reminder')).toEqual([
      'grace.okafor@fellshire-cc.example.org',
      'highways@fellshire-cc.example.org',
    ]);

    now = new Date(expectedAt.getTime() + HOUR);
    await services.deadlines.escalateOverdue();
    expect(await messagesAbout(reference, 'case-overdue')).toEqual([
      'grace.okafor@fellshire-cc.example.org',
      'highways@fellshire-cc.example.org',
    ]);
  });

  it('runs as a pg-boss job on its schedule, the work done when the job completes', async () => {
    const { reference, expectedAt } = await pothole(demoPoints.castlebridge);
    now = new Date(expectedAt.getTime() + HOUR);
    const jobs = await startJobs(
      services,
      { notify: null },
      { error: () => {} },
      { pollingIntervalSeconds: 0.5 },
    );
    const id = (await jobs.now('cases.escalate-overdue')) as string;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await jobs.state('cases.escalate-overdue', id)) !== 'completed')
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await jobs.state('cases.escalate-overdue', id)).toBe('completed');
    expect((await messagesAbout(reference, 'case-overdue')).length).toBeGreaterThan(0);
    await jobs.stop();
  });
});
