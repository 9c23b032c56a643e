// The TypeBox schemas the front door's JSON API shares: a reference (of a service, area or
// organisation), a case's id and a case's status.
import { Type } from 'typebox';

export const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
export const IdParams = Type.Object({ id: Type.String({ maxLength: 36 }) });
export const Status = Type.Union(['open', 'in_progress', 'resolved', 'closed'].map((s) => Type.Literal(s)));
