import { parseArgs } from 'node:util'
import { CLI_SECRET_HEADER } from '../api/cli-bridge-routes.js'
import { assertNever } from '../assert-never.js'
import { ConfigError, type Config, loadConfig } from '../config.js'
import { type Database, openDatabase } from '../db/client.js'
import { DataDirLockedError, lockDataDir } from '../db/data-dir-lock.js'
import { DomainError } from '../domain-errors.js'
import { compose } from '../compose.js'
import { createLogger } from '../log.js'
import { readControlFile } from './control-file.js'
import { type JobCommand, type JobCommandResult, JobCommandResultSchema, JobCommandSchema, performJobCommand } from './job-commands.js'
import { type TokenCommand, type TokenCommandResult, TokenCommandResultSchema, TokenCommandSchema, performTokenCommand } from './token-commands.js'

export const USAGE = `usage:
  npm run cli -- token create --role admin|observatory|partner --name NAME
  npm run cli -- token create --role institution --name NAME --unit UNIT-CODE [--unit UNIT-CODE ...]
  npm run cli -- token list
  npm run cli -- token revoke ID
  npm run cli -- jobs list
  npm run cli -- jobs run NAME`

/** Where the CLI writes; a test passes its own. */
export type CliIo = { out: (text: string) => void; err: (text: string) => void; env?: Record<string, string | undefined> }

/** A failure to show the operator as it is, without a stack. */
class CliError extends Error {}

type Command = { kind: 'token'; command: TokenCommand } | { kind: 'jobs'; command: JobCommand }

function parseJobCommand(action: string | undefined, name: string | undefined): Command | string {
  const raw = action === 'list' ? { command: 'list' } : action === 'run' ? { command: 'run', name: name ?? '' } : null
  if (raw === null) return USAGE
  const parsed = JobCommandSchema.safeParse(raw)
  return parsed.success ? { kind: 'jobs', command: parsed.data } : parsed.error.issues.map((issue) => issue.message).join('\n')
}

function parseCommand(argv: string[]): Command | string {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, unit: { type: 'string', multiple: true } },
  })
  const [resource, action, id] = positionals
  if (resource === 'jobs') return parseJobCommand(action, id)
  if (resource !== 'token') return USAGE
  const raw =
    action === 'create' ? { command: 'create', name: values.name, role: values.role, unitCodes: values.unit } : action === 'list' ? { command: 'list' } : action === 'revoke' ? { command: 'revoke', id } : null
  if (raw === null) return USAGE
  const parsed = TokenCommandSchema.safeParse(raw)
  return parsed.success ? { kind: 'token', command: parsed.data } : parsed.error.issues.map((issue) => issue.message).join('\n')
}

/** Sends the command to the running app that holds the embedded database, through its control file. */
async function viaRunningApp(config: Config, command: Command, locked: DataDirLockedError): Promise<TokenCommandResult | JobCommandResult> {
  const control = readControlFile(config.DATA_DIR)
  if (!control) throw locked
  const response = await fetch(`http://127.0.0.1:${control.port}/internal/cli/${command.kind === 'token' ? 'tokens' : 'jobs'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLI_SECRET_HEADER]: control.secret },
    body: JSON.stringify(command.command),
  }).catch((error: unknown) => {
    throw new CliError(`the running app (pid ${locked.pid}) does not answer on port ${control.port}: ${error instanceof Error ? error.message : String(error)}`)
  })
  const body: unknown = await response.json()
  if (!response.ok) {
    const detail = typeof body === 'object' && body !== null && 'detail' in body ? String(body.detail) : `status ${response.status}`
    throw new CliError(detail)
  }
  return command.kind === 'token' ? TokenCommandResultSchema.parse(body) : JobCommandResultSchema.parse(body)
}

/**
 * Performs a command on an open database. Jobs need the app as main.ts wires it (the runtime
 * asks follow-up questions), so the CLI composes it, without starting its servers or workers.
 */
async function perform(config: Config, database: Database, command: Command): Promise<TokenCommandResult | JobCommandResult> {
  if (command.kind === 'token') return performTokenCommand(database.db, command.command)
  const { scheduler } = await compose({ database, config, logger: createLogger(config.LOG_LEVEL === 'silent' ? 'silent' : 'warn') })
  return performJobCommand(scheduler, command.command)
}

/** Runs the command on the database directly, or through the running app when it holds the data directory. */
async function execute(config: Config, command: Command): Promise<TokenCommandResult | JobCommandResult> {
  if (config.DATABASE_URL) {
    const database = await openDatabase({ kind: 'postgres', url: config.DATABASE_URL, maxConnections: 1 })
    try {
      return await perform(config, database, command)
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
      return await perform(config, database, command)
    } finally {
      await database.close()
    }
  } finally {
    release()
  }
}

function printJobs(result: JobCommandResult, io: CliIo): number {
  if (result.command === 'run') {
    io.out(result.outcome === 'ran' ? `job ${result.name} ran` : `job ${result.name} skipped: another instance is running it`)
    return result.outcome === 'ran' ? 0 : 1
  }
  for (const job of result.jobs) {
    const last = job.lastSlot ? `last run for ${job.lastSlot.toISOString()}, finished ${job.finishedAt?.toISOString() ?? '?'}` : 'never run'
    io.out(`${job.name.padEnd(20)}  ${job.cron.padEnd(14)}  ${last}`)
  }
  return 0
}

function print(result: TokenCommandResult | JobCommandResult, io: CliIo): number {
  if ('jobs' in result || result.command === 'run') return printJobs(result, io)
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

/** The operator's command line: token create, list and revoke; jobs list and run. Returns the exit code. */
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
