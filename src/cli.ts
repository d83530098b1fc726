import { parseArgs } from 'node:util'
import { z } from 'zod'
import { createToken, revokeToken } from './auth/tokens.js'
import { ConfigError, loadConfig, loadDotEnv } from './config.js'
import { type Database, openDatabase } from './db/client.js'
import { DataDirLockedError, lockDataDir } from './db/data-dir-lock.js'
import { ROLES } from './db/schema/index.js'

const USAGE = `usage:
  npm run cli -- token create --role admin|institution|observatory|partner --name NAME
  npm run cli -- token revoke ID`

const CreateArgsSchema = z.object({
  role: z.enum(ROLES, { message: `--role must be one of ${ROLES.join(', ')}` }),
  name: z.string({ message: '--name is required' }).min(1, '--name is required').max(100),
})

async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  loadDotEnv()
  const config = loadConfig()
  const release = config.DATABASE_URL ? () => {} : lockDataDir(config.DATA_DIR)
  try {
    const database = config.DATABASE_URL
      ? await openDatabase({ kind: 'postgres', url: config.DATABASE_URL, maxConnections: 1 })
      : await openDatabase({ kind: 'pglite', dataDir: config.DATA_DIR })
    try {
      return await work(database)
    } finally {
      await database.close()
    }
  } finally {
    release()
  }
}

/** Operator commands that work on the database directly. */
async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' } },
  })
  const [resource, action, id] = positionals
  if (resource === 'token' && action === 'create') {
    const parsed = CreateArgsSchema.safeParse(values)
    if (!parsed.success) {
      console.error(parsed.error.issues.map((issue) => issue.message).join('\n'))
      return 2
    }
    const created = await withDatabase(({ db }) => createToken(db, parsed.data))
    console.log(`token ${created.id} (${created.role}, ${created.name}); shown once, keep it safe:\n${created.token}`)
    return 0
  }
  if (resource === 'token' && action === 'revoke' && id) {
    const revoked = await withDatabase(({ db }) => revokeToken(db, id))
    console.log(revoked ? `token ${id} revoked` : `no token ${id}`)
    return revoked ? 0 : 1
  }
  console.error(USAGE)
  return 2
}

run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof DataDirLockedError || error instanceof ConfigError) console.error(error.message)
    else console.error(error)
    process.exit(1)
  })
