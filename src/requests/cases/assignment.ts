// Who a case may be assigned to: a team of the organisation holding it and one of its people.
import type { Db } from '../../db/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { FieldError } from '../../platform/index.ts';
import { teamsOf } from '../teams/index.ts';

/** Who works for an organisation: identity knows its staff. */
type Staff = Pick<IdentityService, 'staffOf'>;

/** A team must be one of the organisation's, a person one of its staff; either may be left empty. */
export async function checkAssignment(
  db: Db,
  identity: Staff,
  organisationId: string,
  input: { team?: string | null; assignee?: string | null },
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const team = input.team?.trim();
  const assignee = input.assignee?.trim();
  if (team && !(await teamsOf(db, [organisationId])).some((t) => t.name === team))
    errors.push({ field: 'team', message: 'Choose one of the teams of the organisation holding the case' });
  if (assignee && !(await identity.staffOf([organisationId])).some((p) => p.id === assignee))
    errors.push({
      field: 'assignee',
      message: 'Choose someone who works for the organisation holding the case',
    });
  return errors;
}

export async function assigneeName(
  identity: Staff,
  row: { organisation_id: string; assignee_account_id: string | null },
) {
  if (!row.assignee_account_id) return null;
  const people = await identity.staffOf([row.organisation_id]);
  return people.find((p) => p.id === row.assignee_account_id)?.name ?? null;
}
