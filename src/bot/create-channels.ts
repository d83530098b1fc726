import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import type { Logger } from '../log.js'
import type { AudioPrompts } from './audio-prompts.js'
import { type CommandMenuInput, commandMenus } from './channels/telegram/bot-commands.js'
import type { Channel, ChannelKind } from './channel.js'
import { createWebchatChannel } from './channels/webchat/webchat-channel.js'
import { type BaileysConfig, baileysFromConfig } from './channels/whatsapp-baileys/from-config.js'
import { type WhatsappCloudConfig, whatsappCloudFromConfig } from './channels/whatsapp-cloud/from-config.js'

/** The settings of the optional channels; each is off while its variables are unset. */
export type ChannelConfig = Partial<
  Pick<Config, 'TELEGRAM_BOT_TOKEN' | 'TELEGRAM_WEBHOOK_URL' | 'TELEGRAM_WEBHOOK_SECRET' | 'TELEGRAM_API_ROOT' | 'MEDIA_MAX_BYTES'>
> &
  BaileysConfig &
  WhatsappCloudConfig

type TelegramModule = typeof import('./channels/telegram/telegram-channel.js')
let telegramModule: TelegramModule | undefined

/**
 * Imports the modules of the channels `config` turns on, before `createChannels`: grammY and its
 * plugins (about 18 MB resident) are loaded only where a Telegram token is set.
 */
export async function loadChannelModules(config: ChannelConfig = {}): Promise<void> {
  if (config.TELEGRAM_BOT_TOKEN) telegramModule ??= await import('./channels/telegram/telegram-channel.js')
}

/** The channels this deployment runs; the web chat always, others when configured (see loadChannelModules). */
export function createChannels(deps: {
  db: Db
  config?: ChannelConfig
  logger: Logger
  audio?: AudioPrompts
  /** the flows and offered locales Telegram's command menus are made of */
  commandMenus?: CommandMenuInput
}): Map<ChannelKind, Channel> {
  const channels = new Map<ChannelKind, Channel>()
  const config = deps.config ?? {}
  channels.set('webchat', createWebchatChannel(deps.db))
  if (config.TELEGRAM_BOT_TOKEN) {
    if (!telegramModule) throw new Error('the Telegram module is not loaded: await loadChannelModules(config) before createChannels')
    channels.set(
      'telegram',
      telegramModule.createTelegramChannel({
        db: deps.db,
        logger: deps.logger,
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        webhook: config.TELEGRAM_WEBHOOK_URL ? { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET } : undefined,
        audio: deps.audio,
        ...(deps.commandMenus ? { commandMenus: commandMenus(deps.commandMenus) } : {}),
      }),
    )
  }
  // files are fetched, limited and stored by the inbound intake, not by the channels
  const whatsapp = { db: deps.db, logger: deps.logger, audio: deps.audio }
  const baileys = baileysFromConfig(config, whatsapp)
  if (baileys) channels.set('whatsapp-baileys', baileys)
  const cloud = whatsappCloudFromConfig(config, whatsapp)
  if (cloud) channels.set('whatsapp-cloud', cloud)
  return channels
}
