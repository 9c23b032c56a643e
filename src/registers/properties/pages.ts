// The address search page: find a property by postcode or words of its address, and see its
// UPRN and which organisations serve it for which functions. Not personal data: open to all,
// and it works without JavaScript.
import type { FastifyInstance } from 'fastify';
import { formErrors } from '../../web/index.ts';
import type { PropertiesService } from './service.ts';

/** Functions (kinds of organisation) in the words of the people looking. */
const functionNames: Record<string, string> = {
  county_council: 'County council services',
  district_council: 'District council services',
  unitary_council: 'Council services',
  nhs_trust: 'Community health',
  integrated_care_board: 'Health care planning',
  police: 'Police',
  fire_and_rescue: 'Fire and rescue',
  school: 'Schools',
  voluntary_organisation: 'Advice and support',
};

export async function propertyPages(app: FastifyInstance, { properties }: { properties: PropertiesService }) {
  app.get<{ Querystring: { q?: string } }>('/properties', async (request, reply) => {
    const q = request.query.q;
    if (q === undefined) return reply.page('properties-search.njk', { q: '', fieldErrors: {} });
    try {
      const results = (await properties.searchServed(q.slice(0, 200))).map((p) => ({
        ...p,
        servedBy: p.servedBy.map((s) => ({
          ...s,
          functions: s.functions.map((f) => functionNames[f] ?? f).join(', '),
        })),
      }));
      return reply.page('properties-search.njk', { q, results, searched: true, fieldErrors: {} });
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return reply.code(400).page('properties-search.njk', { q, ...form });
    }
  });
}
