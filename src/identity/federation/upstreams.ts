// The upstream identity providers Flagstone trusts: each is added (from the command line, or by
// an administrator) with the one issuer whose tokens are accepted, and can be disabled and
// enabled again. Every change goes to the audit ledger.
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, Conflict, type FieldError, Invalid, NotFound } from '../../platform/index.ts';
import { type Ledger, who } from '../audit.ts';
import * as store from './store.ts';

export interface NewUpstream {
  slug: string;
  name: string;
  /** `citizen`, or the reference of the organisation whose staff sign in through it. */
  forOrganisation?: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  vtr?: string;
}

/** Plain http is allowed only for an upstream on this machine (tests, development). */
export function isLoopback(issuer: string) {
  const { protocol, hostname } = new URL(issuer);
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

/** What federation reads of places: the organisations whose staff an upstream may serve. */
export type UpstreamOrganisations = Pick<
  PlacesService,
  'organisations' | 'organisationIds' | 'organisationsById'
>;

/** The organisation whose staff the new upstream serves (null for citizens); each bad answer is named. */
async function checkedUpstream(places: UpstreamOrganisations, upstream: NewUpstream): Promise<string | null> {
  const fields: FieldError[] = [];
  const wrong = (field: string, message: string) => fields.push({ field, message });
  if (!upstream.name.trim()) wrong('name', 'Enter the name shown on the sign-in page');
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(upstream.slug)) {
    wrong('slug', 'The short name must be lower-case letters, digits and hyphens');
  }
  let organisationId: string | null = null;
  // Unset means citizens; an empty answer (the admin page's) is not an answer.
  if (upstream.forOrganisation === '') wrong('forOrganisation', 'Choose who signs in through it');
  else if (upstream.forOrganisation && upstream.forOrganisation !== 'citizens') {
    const id = (await places.organisationIds([upstream.forOrganisation])).get(upstream.forOrganisation);
    if (id) organisationId = id;
    else wrong('forOrganisation', `There is no organisation "${upstream.forOrganisation}"`);
  }
  const issuer = URL.parse(upstream.issuer);
  if (
    !issuer ||
    !(issuer.protocol === 'https:' || (issuer.protocol === 'http:' && isLoopback(upstream.issuer)))
  ) {
    wrong('issuer', 'The issuer must be an https:// address');
  }
  if (!upstream.clientId.trim()) wrong('clientId', 'Enter the client id registered with the provider');
  if (!upstream.clientSecret) wrong('clientSecret', 'Enter the client secret');
  if (upstream.vtr && !/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/.test(upstream.vtr)) {
    wrong('vtr', 'A vector of trust is like Cl.Cm.P2');
  }
  if (fields.length) throw new Invalid('The provider was not added', fields);
  return organisationId;
}

export function trustedUpstreams({
  db,
  ledger,
  places,
}: {
  db: Db;
  ledger: Ledger;
  places: UpstreamOrganisations;
}) {
  return {
    /** The upstreams people may sign in through, for the sign-in page. */
    list: () => store.enabledUpstreams(db),

    /** Every upstream, enabled or not, with the name of the organisation whose staff it serves: for administrators. */
    async all() {
      const upstreams = await store.allUpstreams(db);
      const organisations = await places.organisationsById(
        upstreams.flatMap((u) => (u.organisation_id ? [u.organisation_id] : [])),
      );
      return upstreams.map(({ organisation_id, ...u }) => ({
        ...u,
        organisationName: (organisation_id && organisations.get(organisation_id)?.name) || null,
      }));
    },

    /** The organisations whose staff an upstream may serve. */
    organisations: () => places.organisations(),

    /** Adds an upstream (from the command line, or by an administrator); each bad answer is named. */
    async add(upstream: NewUpstream, by?: Actor): Promise<void> {
      const organisationId = await checkedUpstream(places, upstream);
      if (await store.upstreamExists(db, upstream.slug)) {
        throw new Conflict(`There is already a provider called "${upstream.slug}"`);
      }
      await db.transaction().execute(async (trx) => {
        await store.insertUpstream(trx, {
          slug: upstream.slug,
          name: upstream.name.trim(),
          kind: organisationId ? 'staff' : 'citizen',
          organisation_id: organisationId,
          issuer: upstream.issuer.replace(/\/$/, ''),
          client_id: upstream.clientId.trim(),
          client_secret: upstream.clientSecret,
          vtr: upstream.vtr ?? null,
        });
        await ledger.append(trx, [
          {
            action: 'identity.upstream_added',
            actor: by ? who(by) : null,
            resource: { type: 'upstream_provider', id: upstream.slug },
            detail: {
              issuer: upstream.issuer,
              for: upstream.forOrganisation ?? 'citizens',
              via: by ? 'admin page' : 'command line',
            },
          },
        ]);
      });
    },

    /** Disables an upstream (nobody signs in through it) or enables it again. */
    async setEnabled(by: Actor, slug: string, enabled: boolean): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (!(await store.setUpstreamEnabled(trx, slug, enabled)))
          throw new NotFound('There is no such provider');
        await ledger.append(trx, [
          {
            action: enabled ? 'identity.upstream_enabled' : 'identity.upstream_disabled',
            actor: who(by),
            resource: { type: 'upstream_provider', id: slug },
          },
        ]);
      });
    },
  };
}
