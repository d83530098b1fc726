import type { BaileysEventMap } from '@whiskeysockets/baileys'
import type { Logger } from '../../../log.js'
import type { InboundHandler } from '../../channel.js'
import { type BaileysInboundDeps, baileysInbound } from './to-inbound.js'

/**
 * Hands the new messages of a `messages.upsert` event to the runtime, one after another. Only
 * `notify` upserts are new; `append` ones are history synced from the phone.
 */
export async function handleBaileysUpsert(
  upsert: BaileysEventMap['messages.upsert'],
  deps: BaileysInboundDeps & { handle: InboundHandler; logger: Logger },
): Promise<void> {
  if (upsert.type !== 'notify') return
  for (const message of upsert.messages) {
    try {
      const inbound = await baileysInbound(message, deps)
      if (inbound) await deps.handle(inbound)
    } catch (error) {
      // One bad message must not hold back the others; WhatsApp does not redeliver it.
      deps.logger.error({ err: error }, 'WhatsApp (Baileys) message not handled')
    }
  }
}
