import { existsSync } from 'node:fs'
import cron from 'node-cron'
import { z } from 'zod'
import { BUILT_IN_LOCALES_DIR, LocaleCodeSchema, localeCodesIn } from './i18n/locale-files.js'

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
  /** a bearer secret for Prometheus to read /metrics (an admin token works too; without either, /metrics refuses) */
  METRICS_TOKEN: z.string().min(24, 'at least 24 characters: it guards the metrics').optional(),
  /** the language of a contact whose own is not offered; must name a locale file (built in or in LOCALES_DIR) */
  DEFAULT_LOCALE: LocaleCodeSchema.default('es'),
  /** a folder of the operator's locale files (`quc.json`, `kek.json` …), added to the built-in Spanish and English */
  LOCALES_DIR: z.string().min(1).optional(),
  /** percent of the Spanish texts a locale must translate before the language menu offers it */
  LOCALE_MIN_COMPLETENESS: z.coerce.number().min(0).max(100).default(100),
  /** published statistics show counts below this as "<k" (small-cell suppression) */
  STATS_MIN_CELL: z.coerce.number().int().min(1).max(100).default(5),
  /** days after a case is resolved before the citizen is asked whether it was solved */
  CASE_FOLLOW_UP_DAYS: z.coerce.number().int().positive().default(14),
  /** hour (0-23, America/Guatemala) when staff chats get their daily digest */
  STAFF_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  /** node-cron expression (America/Guatemala) for the job that escalates overdue cases */
  ESCALATION_CRON: z.string().min(9).refine((value) => cron.validate(value), 'not a valid cron expression').default('*/5 * * * *'),
  /** how long one start attempt of a channel (Telegram's getMe, Meta's Graph API) may take before it is retried in the background */
  CHANNEL_START_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Telegram: on when the token (from BotFather) is set; long polling unless a webhook URL is set */
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC-DEF… (from BotFather)').optional(),
  /** public https URL Telegram posts updates to, ending in /webhooks/telegram */
  TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token; derived from the token when unset */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[\w-]{1,256}$/, '1 to 256 letters, digits, _ or -').optional(),
  /** Bot API root (a self-hosted Bot API server, or a fake one in tests) */
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  /** recorded prompts an operator fills: <dir>/<locale>/<message.key>.ogg (or .mp3), sent beside the text */
  AUDIO_PROMPTS_DIR: z.string().min(1).default('./audio'),
  /** largest photo, voice note or document (bytes) a channel downloads and keeps as evidence */
  MEDIA_MAX_BYTES: z.coerce.number().int().positive().default(10_485_760),
  /** days after which delivered messages, dedupe records and evidence of closed cases are deleted */
  RETENTION_DAYS: z.coerce.number().int().positive().default(180),
  /** minutes a web chat reply is kept (sealed) so a retried request gets the same answer; then deleted */
  INLINE_REPLAY_MINUTES: z.coerce.number().int().min(1).max(120).default(10),
  /** web chat pages are kiosks (shared screens) unless they say otherwise: on with 1 */
  WEBCHAT_KIOSK: z.stringbool().default(false),
  /** minutes of quiet after which a kiosk starts over for the next person */
  WEBCHAT_KIOSK_IDLE_MINUTES: z.coerce.number().int().min(1).max(60).default(3),
  /** status lookups (and consent commands naming a code) per hour, per conversation and per client address */
  STATUS_LOOKUPS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(10),
  /** hours an attachment not linked to any case is kept (a complaint left half-way) */
  UNLINKED_MEDIA_HOURS: z.coerce.number().int().min(1).max(72).default(6),
  /** unit code that receives complaints about the head of the unit they would go to; their parent unit when unset */
  OVERSIGHT_UNIT_CODE: z.string().min(1).optional(),
  /** WhatsApp through Baileys (a linked device on an ordinary number): on with 1 */
  WHATSAPP_BAILEYS: z.stringbool().default(false),
  /** names the linked number's login and lease in the database (one per number) */
  WHATSAPP_BAILEYS_ACCOUNT: z.string().regex(/^[\w-]{1,64}$/, 'letters, digits, - or _').default('default'),
  /** link by pairing code for this number (digits with country code) instead of a QR code */
  WHATSAPP_BAILEYS_PAIRING_NUMBER: z.string().regex(/^\d{8,15}$/, 'digits only, with the country code').optional(),
  WHATSAPP_BAILEYS_RATE_PER_SECOND: z.coerce.number().positive().default(1),
  /** WhatsApp Cloud API: on when the token is set; the other three are then required */
  WHATSAPP_CLOUD_TOKEN: z.string().min(1).optional(),
  WHATSAPP_CLOUD_PHONE_ID: z.string().regex(/^\d+$/, 'the numeric phone number id').optional(),
  WHATSAPP_CLOUD_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().min(1).optional(),
  WHATSAPP_CLOUD_API_ROOT: z.url().default('https://graph.facebook.com/v23.0'),
  WHATSAPP_CLOUD_RATE_PER_SECOND: z.coerce.number().positive().default(80),
  /** an approved template with one body parameter, for messages outside the 24-hour window */
  WHATSAPP_CLOUD_TEMPLATE_NAME: z.string().min(1).optional(),
  WHATSAPP_CLOUD_TEMPLATE_LANGUAGE: z.string().min(2).default('es'),
  /** the app's public address (https://dialogo.example.gt): the back-office link a staff chat gets on `oficina` */
  OFFICE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** behind a reverse proxy that sets them: believe X-Forwarded-Proto (Secure cookie) and X-Forwarded-For (sign-in limits) */
  OFFICE_TRUST_PROXY: z.stringbool().default(false),
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
  if (parsed.success) return withKnownLocale(parsed.data)
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.')
    return `${name}=${JSON.stringify(cleaned[name] ?? '')}: ${issue.message}`
  })
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`)
}

/** DEFAULT_LOCALE names a locale file that exists (any code works, but it needs its file). */
function withKnownLocale(config: Config): Config {
  const dirs = [BUILT_IN_LOCALES_DIR, ...(config.LOCALES_DIR === undefined ? [] : [config.LOCALES_DIR])]
  let codes: string[]
  try {
    codes = localeCodesIn(dirs)
  } catch (error) {
    throw new ConfigError(`invalid configuration: LOCALES_DIR=${JSON.stringify(config.LOCALES_DIR ?? '')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  if (!codes.includes(config.DEFAULT_LOCALE)) {
    throw new ConfigError(`invalid configuration: DEFAULT_LOCALE=${JSON.stringify(config.DEFAULT_LOCALE)}: no locale file of that code (there are ${codes.join(', ')})`)
  }
  return config
}

/** Reads `.env` into the environment when the file exists; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path)
}
