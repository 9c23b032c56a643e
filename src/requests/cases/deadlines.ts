// Deadlines of cases, run as scheduled jobs: a case past its target is escalated to its team
// (its team's mailbox, or the person it is assigned to, or else the organisation's staff), and
// still overdue a day after that to the organisation's managers; whoever holds a case (the
// organisation's staff when nobody is assigned) is reminded the day before its target. Each change is one transaction with its ledger entry and emails.
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { Message, NotifyService } from '../../notify/index.ts';
import type { PlacesService } from '../../places/index.ts';
import type { Clock, JobDefinition } from '../../platform/index.ts';
import { govukDateTime } from '../../web/index.ts';
import type { CaseRow } from '../case.ts';
import { changeCase, insertUpdate } from '../store.ts';
import { teamsOf } from '../teams/index.ts';
import * as store from './store.ts';

const DAY = 86_400_000;

const email = (
  recipient: string,
  template: Message['template'],
  personalisation: Record<string, string>,
) => ({
  channel: 'email' as const,
  recipient,
  template,
  personalisation,
  reference: personalisation.reference,
});

interface Deps {
  db: Db;
  governance: GovernanceService;
  identity: Pick<IdentityService, 'staffOf'>;
  notify: NotifyService;
}

// Who is told is asked before each transaction: identity answers on a connection of its own.

/** Who hears of a case: its team's mailbox and its assignee; else the organisation's staff. */
async function holders(
  { db, identity }: Deps,
  row: { organisation_id: string; team: string | null; assignee_account_id: string | null },
) {
  const people = await identity.staffOf([row.organisation_id], ['staff', 'manager']);
  const team = row.team
    ? (await teamsOf(db, [row.organisation_id])).find((t) => t.name === row.team)
    : undefined;
  const assignee = people.find((p) => p.id === row.assignee_account_id);
  const chosen = [team?.email, assignee?.email].filter((e): e is string => !!e);
  const all = chosen.length > 0 ? chosen : people.filter((p) => p.role === 'staff').map((p) => p.email);
  return [...new Set(all)];
}

async function managers({ identity }: Deps, organisationId: string) {
  return [...new Set((await identity.staffOf([organisationId], ['manager'])).map((p) => p.email))];
}

/** One case escalated a level: its note, its ledger entry and the emails, in one transaction. */
async function escalate(deps: Deps, row: CaseRow, level: 1 | 2, now: Date) {
  const { db, governance, notify } = deps;
  const to = level === 1 ? await holders(deps, row) : await managers(deps, row.organisation_id);
  await db.transaction().execute(async (trx) => {
    await changeCase(trx, row.id, { escalated: level, escalated_at: now }, now);
    await insertUpdate(trx, {
      case_id: row.id,
      kind: 'internal',
      body:
        level === 1
          ? 'Past its target time: escalated to the team.'
          : 'Still overdue a day after the team was told: escalated to the manager.',
      status: null,
      organisation_id: row.organisation_id,
      author_account_id: null,
      created_at: now,
    });
    await governance.ledger.append(trx, [
      {
        action: 'case.escalate',
        resource: { type: 'case', id: row.id, organisation: row.organisation },
        detail: { level },
      },
    ]);
    // Staff are told which case, not what the citizen wrote: they read it in Flagstone.
    const personalisation = {
      reference: row.reference,
      service: row.service_name,
      level: level === 1 ? 'team' : 'manager',
    };
    await notify.queue(
      trx,
      to.map((r) => email(r, 'case-overdue', personalisation)),
    );
  });
}

export function deadlinesService(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  places: Pick<PlacesService, 'services'>,
  identity: Deps['identity'],
  notify: NotifyService,
) {
  const deps: Deps = { db, governance, identity, notify };

  /** Escalates open cases past their target: first to the team, a day after that to the manager. */
  async function escalateOverdue(): Promise<number> {
    const now = clock.now();
    let count = 0;
    // The manager's level first: a case escalated to the team in this run waits its day.
    for (const level of [2, 1] as const) {
      for (const row of await store.overdue(db, now, level)) {
        await escalate(deps, row, level, now);
        count++;
      }
    }
    notify.nudge();
    return count;
  }

  /** Reminds whoever holds an open case the day before its target, once. */
  async function remindDue(): Promise<number> {
    const now = clock.now();
    const due = await store.dueForReminder(db, now, new Date(now.getTime() + DAY));
    // The catalogue names each case's service: read once for the whole run, and only when some are due.
    const serviceNames = new Map(
      due.length > 0 ? (await places.services()).map((s) => [s.code, s.name]) : [],
    );
    for (const row of due) {
      const to = await holders(deps, row);
      await db.transaction().execute(async (trx) => {
        await store.markReminded(trx, row.id, now);
        const personalisation = {
          reference: row.reference,
          service: serviceNames.get(row.service_code) as string,
          due: govukDateTime(row.expected_at as Date),
        };
        await notify.queue(
          trx,
          to.map((r) => email(r, 'case-reminder', personalisation)),
        );
      });
    }
    notify.nudge();
    return due.length;
  }

  return {
    escalateOverdue,
    remindDue,
    jobs: (): JobDefinition[] => [
      { name: 'cases.escalate-overdue', cron: '*/5 * * * *', policy: 'stately', run: escalateOverdue },
      { name: 'cases.remind', cron: '*/15 * * * *', policy: 'stately', run: remindDue },
    ],
  };
}

export type DeadlinesService = ReturnType<typeof deadlinesService>;
