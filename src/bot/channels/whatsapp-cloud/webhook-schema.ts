import { z } from 'zod'

const MediaSchema = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  /** audio only: recorded in WhatsApp as a voice note */
  voice: z.boolean().optional(),
})

/**
 * One message a WhatsApp user sent. Every kind's part is optional and unknown kinds pass (they
 * become `unsupported`), so a new message type from Meta never makes us drop the whole webhook.
 */
export const CloudMessageSchema = z.object({
  from: z.string(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  /** a quick-reply button of a template message */
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
  image: MediaSchema.optional(),
  audio: MediaSchema.optional(),
  video: MediaSchema.optional(),
  document: MediaSchema.optional(),
})
export type CloudMessage = z.infer<typeof CloudMessageSchema>

export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const

export const CloudStatusSchema = z.object({
  id: z.string(),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional() })).optional(),
})
export type CloudStatus = z.infer<typeof CloudStatusSchema>

export const CloudChangeValueSchema = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(CloudMessageSchema).optional(),
  statuses: z.array(CloudStatusSchema).optional(),
})

/** The body Meta posts to the webhook: business accounts, their changes, messages and statuses. */
export const CloudWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
    }),
  ),
})
