import { z } from 'zod'
import { MediaTooLargeError } from '../../../media/store-media.js'

export type GraphApiOptions = {
  /** e.g. https://graph.facebook.com/v23.0 (a local server in tests) */
  root: string
  token: string
  phoneId: string
  /** a send that has not answered after this long is given up (and retried by the outbox); 15 s by default */
  timeoutMs?: number
}

export type GraphSendResult =
  | { ok: true; id: string }
  /** `status` 0: no answer at all (timed out, or the network failed) */
  | { ok: false; status: number; code?: number; error: string }

const SendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) })
const UploadResponseSchema = z.object({ id: z.string().min(1) })
const ErrorResponseSchema = z.object({
  error: z.object({ message: z.string(), code: z.number().optional(), error_subcode: z.number().optional() }),
})
const MediaInfoSchema = z.object({ url: z.url(), mime_type: z.string(), file_size: z.number().optional() })

/** The few Graph API calls the adapter makes: send a message, fetch a media file. */
export function createGraphApi(options: GraphApiOptions) {
  const root = options.root.replace(/\/+$/, '')
  const auth = { authorization: `Bearer ${options.token}` }

  return {
    /** POSTs a message payload; answers the message id (wamid) or Meta's error */
    async sendMessage(payload: object): Promise<GraphSendResult> {
      let response: Response
      try {
        response = await fetch(`${root}/${options.phoneId}/messages`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        })
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError'
        return { ok: false, status: 0, error: timedOut ? 'timeout: the Graph API did not answer' : 'network: the Graph API could not be reached' }
      }
      const body: unknown = await response.json().catch(() => undefined)
      if (response.ok) {
        const parsed = SendResponseSchema.safeParse(body)
        if (parsed.success) return { ok: true, id: parsed.data.messages[0]?.id ?? '' }
        return { ok: false, status: response.status, error: 'unrecognised Graph API answer' }
      }
      const failure = ErrorResponseSchema.safeParse(body)
      return failure.success
        ? { ok: false, status: response.status, code: failure.data.error.code, error: failure.data.error.message }
        : { ok: false, status: response.status, error: `Graph API answered ${response.status}` }
    },

    /** Uploads a file Meta keeps for 30 days; answers its media id, for messages that send it by id. */
    async uploadMedia(content: Buffer, mimeType: string, filename: string): Promise<GraphSendResult> {
      const form = new FormData()
      form.set('messaging_product', 'whatsapp')
      form.set('type', mimeType)
      form.set('file', new Blob([new Uint8Array(content)], { type: mimeType }), filename)
      const response = await fetch(`${root}/${options.phoneId}/media`, { method: 'POST', headers: auth, body: form })
      const body: unknown = await response.json().catch(() => undefined)
      const uploaded = UploadResponseSchema.safeParse(body)
      if (response.ok && uploaded.success) return { ok: true, id: uploaded.data.id }
      const failure = ErrorResponseSchema.safeParse(body)
      return failure.success
        ? { ok: false, status: response.status, code: failure.data.error.code, error: failure.data.error.message }
        : { ok: false, status: response.status, error: `Graph API media upload answered ${response.status}` }
    },

    /** Looks a media id up and downloads the file (its URL is short-lived and needs the token). */
    async downloadMedia(mediaId: string, maxBytes: number): Promise<{ content: Buffer; mimeType: string }> {
      const info = await fetch(`${root}/${encodeURIComponent(mediaId)}`, { headers: auth })
      if (!info.ok) throw new Error(`Graph API media lookup answered ${info.status}`)
      const meta = MediaInfoSchema.parse(await info.json())
      // Too big to keep: not worth downloading only to refuse it.
      if (meta.file_size !== undefined && meta.file_size > maxBytes) throw new MediaTooLargeError(meta.file_size, maxBytes)
      const file = await fetch(meta.url, { headers: auth })
      if (!file.ok) throw new Error(`Graph API media download answered ${file.status}`)
      return { content: Buffer.from(await file.arrayBuffer()), mimeType: meta.mime_type }
    },
  }
}

export type GraphApi = ReturnType<typeof createGraphApi>
