// The TypeBox schemas the front door's JSON API shares: a reference (of a service, area or
// organisation), a case's id and a case's status.
import { Type } from 'typebox';

export const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
/** The form of every id the database makes (gen_random_uuid). */
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const IdParams = Type.Object({ id: Type.String({ pattern: `^${UUID}$` }) });
export const Status = Type.Union(['open', 'in_progress', 'resolved', 'closed'].map((s) => Type.Literal(s)));
