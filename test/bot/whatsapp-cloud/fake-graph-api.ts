import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { signBody } from '../../../src/bot/channels/whatsapp-cloud/verify-signature.js'
import { startLocalServer } from '../../support/local-http-server.js'

export const PHONE_ID = '106540352242922'
export const CITIZEN = '50255550001'
export const APP_SECRET = 'test-app-secret'
export const TOKEN = 'test-graph-token'

type Failure = { status: number; code: number; message: string }

/**
 * A Graph API on 127.0.0.1: takes messages (recording their JSON bodies), hands out media
 * files under their ids, and answers a scripted error when told to.
 */
export async function fakeGraphApi() {
  const sent: unknown[] = []
  const files = new Map<string, { content: Buffer; mimeType: string }>()
  const failures: Failure[] = []
  /** media uploads (POST /<phone id>/media), their multipart body as text */
  const uploads: { contentType: string; body: string }[] = []
  let downloads = 0
  const server = await startLocalServer((request, response) => {
    const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: { message: 'Invalid OAuth access token', code: 190 } })
    if (request.method === 'POST' && request.path === `/v23.0/${PHONE_ID}/messages`) {
      const failure = failures.shift()
      if (failure) return json(failure.status, { error: { message: failure.message, type: 'OAuthException', code: failure.code, fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam' } })
      sent.push(JSON.parse(request.body))
      return json(200, { messaging_product: 'whatsapp', contacts: [{ input: CITIZEN, wa_id: CITIZEN }], messages: [{ id: `wamid.OUT-${sent.length}` }] })
    }
    // an upload: multipart with messaging_product, type and the file; answered with a media id
    if (request.method === 'POST' && request.path === `/v23.0/${PHONE_ID}/media`) {
      uploads.push({ contentType: request.headers['content-type'] ?? '', body: request.body })
      return json(200, { id: `${9_000_000 + uploads.length}` })
    }
    const mediaId = /^\/v23\.0\/(\d+)$/.exec(request.path)?.[1]
    const file = mediaId ? files.get(mediaId) : undefined
    if (request.method === 'GET' && mediaId && file) {
      return json(200, { url: `${server.url}/files/${mediaId}`, mime_type: file.mimeType, sha256: 'x', file_size: file.content.length, id: mediaId, messaging_product: 'whatsapp' })
    }
    const download = /^\/files\/(\d+)$/.exec(request.path)?.[1]
    const stored = download ? files.get(download) : undefined
    if (request.method === 'GET' && stored) {
      downloads++
      return response.writeHead(200, { 'content-type': stored.mimeType }).end(stored.content)
    }
    return json(404, { error: { message: 'Unsupported get request', code: 100 } })
  })
  return {
    root: `${server.url}/v23.0`,
    /** the message bodies posted so far, in order */
    sent,
    uploads,
    addFile: (id: string, content: Buffer, mimeType: string) => files.set(id, { content, mimeType }),
    failNext: (failure: Failure) => failures.push(failure),
    downloads: () => downloads,
    close: server.close,
  }
}

/** A recorded webhook body from test/fixtures/whatsapp-cloud, as text. */
export const fixture = (name: string) => readFileSync(new URL(`../../fixtures/whatsapp-cloud/${name}.json`, import.meta.url), 'utf8')

/** A webhook body as Meta would post it for one message from the citizen. */
export function webhookBody(id: string, message: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '50222220000', phone_number_id: PHONE_ID },
              contacts: [{ profile: { name: 'Ana López' }, wa_id: CITIZEN }],
              messages: [{ from: CITIZEN, id, timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
            },
          },
        ],
      },
    ],
  })
}

/** Request options for posting `body` to the webhook, signed with the app secret (or forged). */
export function signedPost(body: string, signature = signBody(body, APP_SECRET)): RequestInit {
  return { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } }
}

const InteractiveSchema = z.object({
  type: z.literal('interactive'),
  interactive: z.object({
    type: z.enum(['button', 'list']),
    body: z.object({ text: z.string() }),
    action: z.object({
      buttons: z.array(z.object({ reply: z.object({ id: z.string(), title: z.string() }) })).optional(),
      sections: z.array(z.object({ rows: z.array(z.object({ id: z.string(), title: z.string() })) })).optional(),
    }),
  }),
})
const TextSchema = z.object({ type: z.literal('text'), text: z.object({ body: z.string() }) })

/** What a sent message says, and the choices it offered (buttons or list rows). */
export function readSent(body: unknown): { text: string; kind: 'text' | 'button' | 'list'; choices: { id: string; title: string }[] } {
  const text = TextSchema.safeParse(body)
  if (text.success) return { text: text.data.text.body, kind: 'text', choices: [] }
  const { interactive } = InteractiveSchema.parse(body)
  const choices =
    interactive.type === 'button'
      ? (interactive.action.buttons ?? []).map((button) => button.reply)
      : (interactive.action.sections ?? []).flatMap((section) => section.rows)
  return { text: interactive.body.text, kind: interactive.type, choices }
}
