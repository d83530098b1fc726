import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { DbOrTx } from './client.js'
import { appSecrets } from './schema/index.js'

const SECRET_BYTES = 32

/**
 * A server secret by name: made at first start and kept in the database, so it survives restarts
 * and every instance shares it. The first instance to insert it wins; the others read that one.
 */
export async function loadAppSecret(db: DbOrTx, name: string): Promise<Buffer> {
  await db.insert(appSecrets).values({ name, value: randomBytes(SECRET_BYTES) }).onConflictDoNothing()
  const [row] = await db.select({ value: appSecrets.value }).from(appSecrets).where(eq(appSecrets.name, name))
  if (!row) throw new Error(`app secret ${name} missing right after it was made`)
  return row.value
}
