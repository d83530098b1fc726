import type { TokenOwner } from '../auth/tokens.js'
import type { Db, DatabaseKind } from '../db/client.js'

/** What every admin route finds on the Hono context. */
export type AppEnv = {
  Variables: {
    db: Db
    databaseKind: DatabaseKind
    actor: TokenOwner
    /** the clock, injectable so tests can fix deadlines */
    now: () => Date
  }
}
