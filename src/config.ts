import { existsSync } from 'node:fs'
import { z } from 'zod'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Every setting, from the environment. `.env.example` documents each one. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** minutes a half-finished conversation is kept before the citizen starts over */
  SESSION_TTL_MINUTES: z.coerce.number().int().positive().default(60),
  /** the seed of institutions, units and routing rules loaded on start */
  SEED_FILE: z.string().min(1).default('./seed/directory.json'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(1000),
  DEFAULT_LOCALE: z.enum(['es', 'en']).default('es'),
})
export type Config = z.infer<typeof ConfigSchema>

export class ConfigError extends Error {}

/**
 * Parses the environment; on a bad value throws one line per variable naming it, so start-up
 * stops with a message an operator can act on. Empty strings count as unset.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = ConfigSchema.safeParse(cleaned)
  if (parsed.success) return parsed.data
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.')
    return `${name}=${JSON.stringify(cleaned[name] ?? '')}: ${issue.message}`
  })
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`)
}

/** Reads `.env` into the environment when the file exists; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path)
}
