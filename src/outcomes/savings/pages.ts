// The savings pages: totals by partner and financial year, channel shift's computed saving (with
// the unit costs and their source), every saving with its state; recording one, and one saving
// with its history where it is marked realised, verified by another partner or reversed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlacesService } from '../../places/index.ts';
import { DomainError, Forbidden, requireActor } from '../../platform/index.ts';
import { MAX_SHARES, type SavingInput } from './saving.ts';
import type { SavingsService } from './service.ts';
import { CHANNELS } from './shift.ts';
import { money, totalsByPartner } from './totals.ts';

type Form = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? str(v[0]) : '');
const yearName = (y: number) => `April ${y} to March ${y + 1}`;
const stateNames = { planned: 'Planned', realised: 'Realised', verified: 'Verified', reversed: 'Reversed' };

const staffOnly = (request: FastifyRequest) => {
  const actor = requireActor(request.actor);
  if (actor.kind !== 'staff') throw new Forbidden('The savings ledger is for the place’s staff');
  return actor;
};

const formErrorsOf = (error: unknown) => {
  if (!(error instanceof DomainError) || error.status !== 400) return null;
  const fieldErrors: Record<string, string> = {};
  for (const f of error.fields) fieldErrors[f.field] ??= f.message;
  return { fieldErrors, errors: Object.entries(fieldErrors).map(([f, text]) => ({ text, href: `#${f}` })) };
};

export const inputOf = (body: Form): SavingInput & { organisation: string; state: string } => ({
  organisation: str(body.organisation),
  state: str(body.state),
  title: str(body.title),
  description: str(body.description),
  evidence: str(body.evidence),
  cashable: str(body.cashable),
  recurrence: str(body.recurrence),
  amount: str(body.amount),
  year: str(body.year),
  shares: Array.from({ length: MAX_SHARES }, (_, i) => ({
    organisation: str(body[`share-organisation-${i + 1}`]),
    percent: str(body[`share-percent-${i + 1}`]),
  })),
});

/** The ledger's page: totals by partner and year, channel shift's saving, every saving. */
async function listPage(
  savings: SavingsService,
  places: PlacesService,
  reply: FastifyReply,
  actor: ReturnType<typeof staffOnly>,
) {
  const rows = await savings.list();
  const totals = totalsByPartner(rows, savings.thisYear());
  const orgs = await places.organisationsById([
    ...totals.map((t) => t.organisationId),
    ...rows.map((r) => r.recorded_by_organisation),
  ]);
  const shift = await savings.channelShift();
  const shiftOrgs = await places.organisationsById(
    shift.flatMap((s) => (s.organisationId ? [s.organisationId] : [])),
  );
  return reply.page('savings.njk', {
    totals: totals.map((t) => ({
      ...t,
      name: orgs.get(t.organisationId)?.name,
      yearName: yearName(t.year),
      planned: money(t.planned),
      realised: money(t.realised),
      verified: money(t.verified),
    })),
    savings: rows.map((r) => ({
      id: r.id,
      title: r.title,
      recorder: orgs.get(r.recorded_by_organisation)?.name,
      amount: money(Number(r.amount_pence) / 100),
      recurring: r.recurring,
      cashable: r.cashable,
      year: yearName(r.financial_year),
      state: r.state,
      stateName: stateNames[r.state],
    })),
    shift: shift
      .sort((a, b) => (a.organisationId === null ? -1 : b.organisationId === null ? 1 : 0))
      .flatMap((s) =>
        s.years.map((y) => ({
          name: s.organisationId ? shiftOrgs.get(s.organisationId)?.name : 'The whole place',
          yearName: yearName(y.year),
          moved: y.moved,
          saving: money(y.saving),
        })),
      ),
    costs: CHANNELS.map((c) => ({ channel: c, cost: money(savings.unitCosts.costs[c]) })),
    costsSource: savings.unitCosts.source,
    baselineMonths: savings.unitCosts.baselineMonths,
    canRecord: actor.roles.some((r) => r.role === 'manager'),
  });
}

function savingsViews(savings: SavingsService, places: PlacesService) {
  const byId = async (ids: string[]) => places.organisationsById(ids);
  return {
    async newPage(reply: FastifyReply, actor: ReturnType<typeof staffOnly>, values: Form, form: object = {}) {
      const all = await places.organisations();
      const managed = actor.roles.filter((r) => r.role === 'manager');
      const year = savings.thisYear();
      return reply.page('saving-new.njk', {
        managed: managed.map((r) => ({
          value: r.organisation,
          text: r.organisationName,
          selected: str(values.organisation) === r.organisation,
        })),
        years: [-2, -1, 0, 1, 2].map((d) => ({
          value: String(year + d),
          text: yearName(year + d),
          selected: str(values.year || year) === String(year + d),
        })),
        shareRows: Array.from({ length: MAX_SHARES }, (_, i) => ({
          n: i + 1,
          organisations: [
            { value: '', text: 'Choose an organisation' },
            ...all.map((o) => ({
              value: o.ref,
              text: o.name,
              selected: str(values[`share-organisation-${i + 1}`]) === o.ref,
            })),
          ],
          percent: str(values[`share-percent-${i + 1}`]),
        })),
        values,
        errors: [],
        fieldErrors: {},
        ...form,
      });
    },

    async savingPage(
      reply: FastifyReply,
      actor: ReturnType<typeof staffOnly>,
      id: string,
      form: object = {},
    ) {
      const row = await savings.one(id);
      const orgs = await byId([
        row.recorded_by_organisation,
        ...row.shares.map((s) => s.organisation_id),
        ...row.entries.map((e) => e.organisation_id),
      ]);
      const nameOf = (orgId: string) => orgs.get(orgId)?.name ?? 'An organisation';
      const recorder = orgs.get(row.recorded_by_organisation)?.ref;
      const managed = actor.roles.filter((r) => r.role === 'manager');
      return reply.page('saving-view.njk', {
        saving: {
          ...row,
          amount: money(Number(row.amount_pence) / 100),
          year: yearName(row.financial_year),
          stateName: stateNames[row.state],
        },
        recorder: nameOf(row.recorded_by_organisation),
        shares: row.shares.map((s) => ({
          name: nameOf(s.organisation_id),
          percent: `${s.share_basis_points / 100}%`,
        })),
        entries: row.entries.map((e) => ({
          ...e,
          stateName: stateNames[e.state],
          by: nameOf(e.organisation_id),
          at: new Date(e.at).toISOString().slice(0, 10),
        })),
        canChange: managed.some((r) => r.organisation === recorder),
        verifiers: managed
          .filter((r) => r.organisation !== recorder)
          .map((r) => ({ value: r.organisation, text: r.organisationName })),
        errors: [],
        fieldErrors: {},
        values: {},
        ...form,
      });
    },
  };
}

export async function savingsPages(
  app: FastifyInstance,
  { savings, places }: { savings: SavingsService; places: PlacesService },
) {
  const { newPage, savingPage } = savingsViews(savings, places);

  app.get('/outcomes/savings', async (request, reply) =>
    listPage(savings, places, reply, staffOnly(request)),
  );
  app.get('/outcomes/savings/new', async (request, reply) => newPage(reply, staffOnly(request), {}));
  app.post<{ Body: Form }>('/outcomes/savings/new', async (request, reply) => {
    const actor = staffOnly(request);
    try {
      const id = await savings.record(actor, inputOf(request.body ?? {}), request.id);
      return reply.redirect(`/outcomes/savings/${id}`, 303);
    } catch (error) {
      const form = formErrorsOf(error);
      if (!form) throw error;
      return newPage(reply.code(400), actor, request.body ?? {}, form);
    }
  });
  app.get<{ Params: { id: string } }>('/outcomes/savings/:id', async (request, reply) =>
    savingPage(reply, staffOnly(request), request.params.id),
  );
  app.post<{ Params: { id: string }; Body: Form }>('/outcomes/savings/:id', async (request, reply) => {
    const actor = staffOnly(request);
    const body = request.body ?? {};
    try {
      await savings.move(
        actor,
        request.params.id,
        { state: str(body.state), organisation: str(body.organisation), reason: str(body.reason) },
        request.id,
      );
      return reply.redirect(`/outcomes/savings/${request.params.id}`, 303);
    } catch (error) {
      const form = formErrorsOf(error);
      if (!form) throw error;
      return savingPage(reply.code(400), actor, request.params.id, { ...form, values: body });
    }
  });
}
