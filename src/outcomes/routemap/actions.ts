// Action plans: for any item of the framework, actions with an owner, a due date, the partners
// who join in, and a status. An overdue action's owner is reminded once, through the
// notification outbox, by a scheduled job. Every change is in the audit ledger.
import type { NotifyService } from '../../notify/index.ts';
import { type Actor, type FieldError, Invalid, type JobDefinition, NotFound } from '../../platform/index.ts';
import { decideOn } from './access.ts';
import * as actions from './actions-store.ts';
import { currentFramework, type Deps } from './assessments.ts';
import { itemsOf } from './framework.ts';

export interface ActionInput {
  item: string;
  title: string;
  ownerName: string;
  ownerEmail: string;
  /** YYYY-MM-DD */
  dueOn: string;
  /** The references of the partner organisations. */
  partners: string[];
}

export const actionStatuses = ['planned', 'in_progress', 'done'] as const;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a YYYY-MM-DD string is a real day of the calendar. */
export function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/** An action as typed, checked against the framework's items, the place's organisations and today. */
export function checkAction(input: ActionInput, items: string[], organisations: string[], today: string) {
  const errors: FieldError[] = [];
  const title = input.title.trim().replace(/\s+/g, ' ');
  const ownerName = input.ownerName.trim();
  const ownerEmail = input.ownerEmail.trim().toLowerCase();
  if (!items.includes(input.item))
    errors.push({ field: 'item', message: 'Choose the item of the framework the action is for' });
  if (!title) errors.push({ field: 'title', message: 'Enter what will be done' });
  else if (title.length > 200)
    errors.push({ field: 'title', message: 'Use 200 characters or fewer for the action' });
  if (!ownerName) errors.push({ field: 'ownerName', message: 'Enter the name of the owner' });
  else if (ownerName.length > 100)
    errors.push({ field: 'ownerName', message: 'Use 100 characters or fewer for the name' });
  if (!emailPattern.test(ownerEmail) || ownerEmail.length > 254)
    errors.push({ field: 'ownerEmail', message: 'Enter the owner’s email address, like name@example.org' });
  if (!isDay(input.dueOn))
    errors.push({ field: 'dueOn', message: 'Enter the due date as a real date, like 31 3 2027' });
  else if (input.dueOn < today)
    errors.push({ field: 'dueOn', message: 'The due date must be today or in the future' });
  const partners = [...new Set(input.partners.filter(Boolean))];
  const unknown = partners.find((p) => !organisations.includes(p));
  if (unknown)
    errors.push({
      field: 'partners',
      message: `There is no organisation ${unknown.slice(0, 60)} in the place`,
    });
  return { title, ownerName, ownerEmail, partners, errors };
}

/** Reminds the owner of each overdue action, once: the email, the mark and the ledger entry in one transaction. */
async function remindOverdue(
  deps: Deps & { notify: NotifyService },
  now = deps.clock.now(),
): Promise<number> {
  const { db, places, governance, notify } = deps;
  const today = now.toISOString().slice(0, 10);
  const count = await db.transaction().execute(async (trx) => {
    const due = await actions.overdueNotReminded(trx, today);
    const byId = await places.organisationsById(due.map((a) => a.organisation_id));
    for (const a of due) {
      await actions.markReminded(trx, a.id, now);
      const organisation = byId.get(a.organisation_id);
      await notify.queue(trx, [
        {
          channel: 'email',
          recipient: a.owner_email,
          template: 'routemap-action-overdue',
          personalisation: { action: a.title, organisation: organisation?.name ?? '', due: a.due_on },
        },
      ]);
      await governance.ledger.append(trx, [
        {
          action: 'action.remind',
          resource: { type: 'routemap-action', id: a.id, organisation: organisation?.ref ?? '' },
          detail: { dueOn: a.due_on },
        },
      ]);
    }
    return due.length;
  });
  if (count > 0) notify.nudge();
  return count;
}

/** The actions the organisation leads or joins, with the partners' references. */
async function list(deps: Deps, actor: Actor | null, ref: string, requestId?: string) {
  const { db, places } = deps;
  const today = deps.clock.now().toISOString().slice(0, 10);
  const { organisation } = await decideOn(deps, actor, ref, 'viewMaturity', 'actions.view', requestId);
  const rows = await actions.actionsOf(db, organisation.id);
  const byId = await places.organisationsById(rows.flatMap((a) => [a.organisation_id, ...a.partners]));
  return {
    organisation,
    actions: rows.map((a) => ({
      id: a.id,
      item: a.item,
      title: a.title,
      owner: { name: a.owner_name, email: a.owner_email },
      dueOn: a.due_on,
      status: a.status,
      overdue: a.status !== 'done' && a.due_on < today,
      lead: byId.get(a.organisation_id)?.ref ?? '',
      partners: a.partners.map((id) => byId.get(id)?.ref ?? ''),
    })),
  };
}

export function actionsService(deps: Deps & { notify: NotifyService }) {
  const { db, clock, places, governance } = deps;
  const today = () => clock.now().toISOString().slice(0, 10);
  async function add(actor: Actor | null, ref: string, input: ActionInput, requestId?: string) {
    const { organisation, entry, principal } = await decideOn(
      deps,
      actor,
      ref,
      'assessMaturity',
      'action.add',
      requestId,
    );
    const items = itemsOf(await currentFramework(db)).map((i) => i.key);
    const all = (await places.organisations()).map((o) => o.ref).filter((r) => r !== ref);
    const checked = checkAction(input, items, all, today());
    if (checked.errors.length > 0) throw new Invalid('The action has errors', checked.errors);
    const partnerIds = [...(await places.organisationIds(checked.partners)).values()];
    return db.transaction().execute(async (trx) => {
      const id = await actions.insertAction(
        trx,
        {
          organisation_id: organisation.id,
          item: input.item,
          title: checked.title,
          owner_name: checked.ownerName,
          owner_email: checked.ownerEmail,
          due_on: input.dueOn,
          partners: partnerIds,
        },
        principal.accountId,
      );
      await governance.guard.write(trx, [
        entry.as({ detail: { action: id, item: input.item, dueOn: input.dueOn } }),
      ]);
      return { id };
    });
  }

  async function setStatus(actor: Actor | null, ref: string, id: string, status: string, requestId?: string) {
    const { organisation, entry } = await decideOn(
      deps,
      actor,
      ref,
      'assessMaturity',
      'action.status',
      requestId,
    );
    if (!(actionStatuses as readonly string[]).includes(status))
      throw new Invalid('The status has errors', [
        { field: 'status', message: 'Choose planned, in progress or done' },
      ]);
    if (!uuid.test(id)) throw new NotFound('There is no such action');
    await db.transaction().execute(async (trx) => {
      if (!(await actions.setStatus(trx, organisation.id, id, status as actions.ActionStatus)))
        throw new NotFound('There is no such action led by this organisation');
      await governance.guard.write(trx, [entry.as({ detail: { action: id, status } })]);
    });
  }

  return {
    list: (actor: Actor | null, ref: string, requestId?: string) => list(deps, actor, ref, requestId),
    add,
    setStatus,
    /** Reminds the owners of actions overdue at `now` (the clock's time unless given). */
    remindOverdue: (now?: Date) => remindOverdue(deps, now),
    jobs: (): JobDefinition[] => [
      {
        name: 'routemap.remind-overdue',
        cron: '7 * * * *',
        policy: 'stately',
        run: () => remindOverdue(deps),
      },
    ],
  };
}

export type ActionsService = ReturnType<typeof actionsService>;
