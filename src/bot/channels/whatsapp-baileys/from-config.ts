import type { Config } from '../../../config.js'
import type { Db } from '../../../db/client.js'
import type { Logger } from '../../../log.js'
import type { Channel } from '../../channel.js'
import type { AudioPrompts } from '../../audio-prompts.js'
import { lazyChannel } from '../../lazy-channel.js'

export type BaileysConfig = Partial<
  Pick<Config, 'WHATSAPP_BAILEYS' | 'WHATSAPP_BAILEYS_ACCOUNT' | 'WHATSAPP_BAILEYS_PAIRING_NUMBER' | 'WHATSAPP_BAILEYS_RATE_PER_SECOND'>
>

/**
 * The Baileys channel when WHATSAPP_BAILEYS=1, else undefined. Its module, and Baileys with it,
 * is imported when the channel starts: an instance without WhatsApp Web never loads it.
 */
export function baileysFromConfig(config: BaileysConfig, deps: { db: Db; logger: Logger; audio?: AudioPrompts }): Channel | undefined {
  if (!config.WHATSAPP_BAILEYS) return undefined
  const ratePerSecond = config.WHATSAPP_BAILEYS_RATE_PER_SECOND ?? 1
  return lazyChannel({ kind: 'whatsapp-baileys', ratePerSecond, inlineReplies: false }, async () => {
    const { createBaileysChannel } = await import('./baileys-channel.js')
    return createBaileysChannel({
      db: deps.db,
      logger: deps.logger,
      account: config.WHATSAPP_BAILEYS_ACCOUNT ?? 'default',
      pairingNumber: config.WHATSAPP_BAILEYS_PAIRING_NUMBER,
      ratePerSecond,
      audio: deps.audio,
    })
  })
}
