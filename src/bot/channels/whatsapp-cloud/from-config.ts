import { type Config, ConfigError } from '../../../config.js'
import type { Db } from '../../../db/client.js'
import { createTranslate } from '../../../i18n/index.js'
import type { Logger } from '../../../log.js'
import type { Channel } from '../../channel.js'
import type { AudioPrompts } from '../../audio-prompts.js'
import { createWhatsappCloudChannel } from './cloud-channel.js'

export type WhatsappCloudConfig = Partial<
  Pick<
    Config,
    | 'WHATSAPP_CLOUD_TOKEN'
    | 'WHATSAPP_CLOUD_PHONE_ID'
    | 'WHATSAPP_CLOUD_APP_SECRET'
    | 'WHATSAPP_CLOUD_VERIFY_TOKEN'
    | 'WHATSAPP_CLOUD_API_ROOT'
    | 'WHATSAPP_CLOUD_RATE_PER_SECOND'
    | 'WHATSAPP_CLOUD_TEMPLATE_NAME'
    | 'WHATSAPP_CLOUD_TEMPLATE_LANGUAGE'
  >
>

/**
 * The WhatsApp Cloud API channel when WHATSAPP_CLOUD_TOKEN is set, else undefined. With the token
 * set, a missing phone id, app secret or verify token stops start-up naming the variable.
 */
export function whatsappCloudFromConfig(
  config: WhatsappCloudConfig,
  deps: { db: Db; logger: Logger; now?: () => Date; audio?: AudioPrompts },
): Channel | undefined {
  const token = config.WHATSAPP_CLOUD_TOKEN
  if (!token) return undefined
  const { WHATSAPP_CLOUD_PHONE_ID: phoneId, WHATSAPP_CLOUD_APP_SECRET: appSecret, WHATSAPP_CLOUD_VERIFY_TOKEN: verifyToken } = config
  if (!phoneId || !appSecret || !verifyToken) {
    const missing = Object.entries({ WHATSAPP_CLOUD_PHONE_ID: phoneId, WHATSAPP_CLOUD_APP_SECRET: appSecret, WHATSAPP_CLOUD_VERIFY_TOKEN: verifyToken })
      .filter(([, value]) => !value)
      .map(([name]) => `${name}="": required when WHATSAPP_CLOUD_TOKEN is set`)
    throw new ConfigError(`invalid configuration: ${missing.join('; ')}`)
  }
  const t = createTranslate()
  return createWhatsappCloudChannel({
    db: deps.db,
    logger: deps.logger,
    token,
    phoneId,
    appSecret,
    verifyToken,
    apiRoot: config.WHATSAPP_CLOUD_API_ROOT ?? 'https://graph.facebook.com/v23.0',
    ratePerSecond: config.WHATSAPP_CLOUD_RATE_PER_SECOND ?? 80,
    template: config.WHATSAPP_CLOUD_TEMPLATE_NAME
      ? { name: config.WHATSAPP_CLOUD_TEMPLATE_NAME, language: config.WHATSAPP_CLOUD_TEMPLATE_LANGUAGE ?? 'es' }
      : undefined,
    listButton: (locale) => t(locale, 'whatsapp.listButton'),
    now: deps.now,
    audio: deps.audio,
  })
}
