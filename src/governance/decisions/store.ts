// SQL for clearances: the highest marking a member of staff may see (OFFICIAL unless raised).
import type { Db } from '../../db/index.ts';

export async function clearanceOf(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('clearances')
    .select('level')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.level ?? 1;
}

export async function setClearance(db: Db, accountId: string, level: number): Promise<void> {
  await db
    .insertInto('clearances')
    .values({ account_id: accountId, level })
    .onConflict((c) => c.column('account_id').doUpdateSet({ level }))
    .execute();
}
