import { parseArgs } from 'node:util'
import { CLI_SECRET_HEADER } from '../api/cli-bridge-routes.js'
import { assertNever } from '../assert-never.js'
import { ConfigError, type Config, loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { DataDirLockedError, lockDataDir } from '../db/data-dir-lock.js'
import { DomainError } from '../domain-errors.js'
import { readControlFile } from './control-file.js'
import { type TokenCommand, type TokenCommandResult, TokenCommandResultSchema, TokenCommandSchema, performTokenCommand } from './token-commands.js'

export const USAGE = `usage:
  npm run cli -- token create --role admin|observatory|partner --name NAME
  npm run cli -- token create --role institution --name NAME --unit UNIT-CODE [--unit UNIT-CODE ...]
  npm run cli -- token list
  npm run cli -- token revoke ID`

/** Where the CLI writes; a test passes its own. */
export type CliIo = { out: (text: string) => void; err: (text: string) => void; env?: Record<string, string | undefined> }

/** A failure to show the operator as it is, without a stack. */
class CliError extends Error {}

function parseCommand(argv: string[]): TokenCommand | string {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, unit: { type: 'string', multiple: true } },
  })
  const [resource, action, id] = positionals
  if (resource !== 'token') return USAGE
  const raw =
    action === 'create' ? { command: 'create', name: values.name, role: values.role, unitCodes: values.unit } : action === 'list' ? { command: 'list' } : action === 'revoke' ? { command: 'revoke', id } : null
  if (raw === null) return USAGE
  const parsed = TokenCommandSchema.safeParse(raw)
  return parsed.success ? parsed.data : parsed.error.issues.map((issue) => issue.message).join('\n')
}

/** Sends the command to the running app that holds the embedded database, through its control file. */
async function viaRunningApp(config: Config, command: TokenCommand, locked: DataDirLockedError): Promise<TokenCommandResult> {
  const control = readControlFile(config.DATA_DIR)
  if (!control) throw locked
  const response = await fetch(`http://127.0.0.1:${control.port}/internal/cli/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLI_SECRET_HEADER]: control.secret },
    body: JSON.stringify(command),
  }).catch((error: unknown) => {
    throw new CliError(`the running app (pid ${locked.pid}) does not answer on port ${control.port}: ${error instanceof Error ? error.message : String(error)}`)
  })
  const body: unknown = await response.json()
  if (!response.ok) {
    const detail = typeof body === 'object' && body !== null && 'detail' in body ? String(body.detail) : `status ${response.status}`
    throw new CliError(detail)
  }
  return TokenCommandResultSchema.parse(body)
}

/** Runs the command on the database directly, or through the running app when it holds the data directory. */
async function execute(config: Config, command: TokenCommand): Promise<TokenCommandResult> {
  if (config.DATABASE_URL) {
    const database = await openDatabase({ kind: 'postgres', url: config.DATABASE_URL, maxConnections: 1 })
    try {
      return await performTokenCommand(database.db, command)
    } finally {
      await database.close()
    }
  }
  let release: () => void
  try {
    release = lockDataDir(config.DATA_DIR)
  } catch (error) {
    if (error instanceof DataDirLockedError) return viaRunningApp(config, command, error)
    throw error
  }
  try {
    const database = await openDatabase({ kind: 'pglite', dataDir: config.DATA_DIR })
    try {
      return await performTokenCommand(database.db, command)
    } finally {
      await database.close()
    }
  } finally {
    release()
  }
}

function print(result: TokenCommandResult, io: CliIo): number {
  switch (result.command) {
    case 'create':
      io.out(`token ${result.id} (${result.role}, ${result.name}); shown once, keep it safe:\n${result.token}`)
      return 0
    case 'list':
      for (const t of result.tokens) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : `last used ${t.lastUsedAt?.toISOString() ?? 'never'}`
        io.out(`${t.id}  ${t.role.padEnd(11)}  ${t.name}  units: ${t.unitIds.length}  created ${t.createdAt.toISOString()}  ${state}`)
      }
      if (result.tokens.length === 0) io.out('no tokens yet')
      return 0
    case 'revoke':
      io.out(result.revoked ? `token ${result.id} revoked` : `no token ${result.id}`)
      return result.revoked ? 0 : 1
    default:
      return assertNever(result)
  }
}

/** The operator's command line: token create, list and revoke. Returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const command = parseCommand(argv)
    if (typeof command === 'string') {
      io.err(command)
      return 2
    }
    return print(await execute(loadConfig(io.env), command), io)
  } catch (error) {
    if (error instanceof CliError || error instanceof DomainError || error instanceof DataDirLockedError || error instanceof ConfigError) {
      io.err(error.message)
      return 1
    }
    // parseArgs rejects unknown options with a TypeError that names them.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`${error.message}\n${USAGE}`)
      return 2
    }
    throw error
  }
}
