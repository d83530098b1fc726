import type { Db } from '../../../db/client.js'
import type { Logger } from '../../../log.js'
import type { Channel, DeliveryFailure, DeliveryResult, InboundHandler } from '../../channel.js'
import { defaultLocale } from '../../../i18n/index.js'
import { type AudioPrompts, noAudioPrompts } from '../../audio-prompts.js'
import { createCloudRecordingSender } from './send-recording.js'
import { createGraphApi, type GraphSendResult } from './graph-api.js'
import { type CloudTemplate, renderCloudMessage, renderTemplateMessage } from './render-message.js'
import { OUTSIDE_WINDOW, serviceWindow } from './service-window.js'
import { createWhatsappWebhookRoutes } from './webhook-routes.js'

export type WhatsappCloudChannelOptions = {
  db: Db
  logger: Logger
  token: string
  phoneId: string
  appSecret: string
  verifyToken: string
  apiRoot: string
  ratePerSecond: number
  /** for status updates and alerts outside the 24-hour window; unset, they wait for the citizen */
  template?: CloudTemplate
  /** the label of a list's button, in the citizen's language */
  listButton: (locale: string) => string
  now?: () => Date
  /** a send the Graph API has not answered after this long is given up, for the outbox to retry; 15 s by default */
  sendTimeoutMs?: number
  /** recorded prompts, sent as a voice note before the text they say (inside the 24-hour window) */
  audio?: AudioPrompts
}

// Meta error codes worth retrying: rate limits, spam throttling, temporary outages.
const TEMPORARY_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004])
const REENGAGEMENT = 131047

function deliveryResult(result: Exclude<GraphSendResult, { ok: true }>): DeliveryResult {
  if (result.code === REENGAGEMENT) return { ok: false, held: true, reason: OUTSIDE_WINDOW }
  // 401/403 mean our token is wrong: fixing the configuration fixes every message, so keep them.
  const permanent = result.status === 400 && !TEMPORARY_CODES.has(result.code ?? 0)
  const error = result.status === 0 ? result.error : `${result.code ?? result.status}: ${result.error}`
  return { ok: false, permanent, failure: failureOf(result, permanent), error }
}

function failureOf(result: Exclude<GraphSendResult, { ok: true }>, permanent: boolean): DeliveryFailure {
  if (result.status === 0) return result.error.startsWith('timeout') ? 'timeout' : 'network'
  if (result.status === 429 || result.code === 130429 || result.code === 80007) return 'rate_limited'
  if (result.status >= 500) return 'server_error'
  return permanent ? 'rejected' : 'other'
}

/**
 * WhatsApp through the official Cloud API: a webhook receives messages and delivery statuses;
 * replies go out through the Graph API as reply buttons, lists or text. Outside the 24-hour
 * customer-service window only the configured template is sent; without one the message waits
 * (held, with the reason in `last_error`) until the citizen writes again.
 */
export function createWhatsappCloudChannel(options: WhatsappCloudChannelOptions): Channel {
  const now = options.now ?? (() => new Date())
  const graph = createGraphApi({ root: options.apiRoot, token: options.token, phoneId: options.phoneId, timeoutMs: options.sendTimeoutMs })
  const sendRecording = createCloudRecordingSender(graph, options.audio ?? noAudioPrompts, options.logger, now)
  let handle: InboundHandler | undefined
  const routes = createWhatsappWebhookRoutes({
    db: options.db,
    logger: options.logger,
    graph,
    appSecret: options.appSecret,
    verifyToken: options.verifyToken,
    phoneId: options.phoneId,
    handler: () => handle,
    now,
  })

  return {
    kind: 'whatsapp-cloud',
    ratePerSecond: options.ratePerSecond,
    inlineReplies: false,
    routes,
    async send(address, reply, context) {
      const window = await serviceWindow(options.db, address, now())
      let payload: object
      if (window?.open) {
        // the recording first, so the text and its buttons stay at the bottom of the chat
        await sendRecording(address, reply)
        payload = renderCloudMessage(address, reply, options.listButton(context?.locale ?? defaultLocale))
      }
      else if (options.template) payload = renderTemplateMessage(address, reply, options.template)
      else return { ok: false, held: true, reason: OUTSIDE_WINDOW }
      const result = await graph.sendMessage(payload)
      // Meta may still refuse it (the window closed meanwhile): its status webhook says, and the text waits for that
      return result.ok ? { ok: true, externalId: result.id, awaitsReceipt: true } : deliveryResult(result)
    },
    async start(inbound) {
      handle = inbound
    },
    async stop() {
      handle = undefined
    },
  }
}
