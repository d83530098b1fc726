import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { z } from 'zod'

/**
 * A small Telegram Bot API on 127.0.0.1 for tests: enough of the real protocol for a grammY Bot
 * (long-polled getUpdates, sendMessage, getFile and the file endpoint, callback answers, commands,
 * webhooks). Every method answers JSON, unknown ones too (404 like Telegram): auto-retry hangs on
 * a non-JSON 404. MarkdownV2 is checked like Telegram does: a reserved character left unescaped
 * is a 400 "can't parse entities".
 */

export type SentMessage = {
  chatId: string
  messageId: number
  /** the text as the user reads it (escapes removed) */
  text: string
  raw: string
  parseMode?: string
  replyMarkup?: ReplyMarkup
}
const ButtonSchema = z.object({ text: z.string(), callback_data: z.string().optional(), request_location: z.boolean().optional() })
const ReplyMarkupSchema = z.object({
  inline_keyboard: z.array(z.array(ButtonSchema)).optional(),
  keyboard: z.array(z.array(ButtonSchema)).optional(),
  remove_keyboard: z.boolean().optional(),
})
type ReplyMarkup = z.infer<typeof ReplyMarkupSchema>
type Failure = { status: number; body: Record<string, unknown> }
/** a sendVoice or sendAudio: the bytes when uploaded, the file_id when sent again by it */
export type SentRecording = { chatId: string; method: 'sendVoice' | 'sendAudio'; upload?: { filename: string; bytes: Buffer }; fileId?: string }
type Json = Record<string, unknown>

export const FAKE_BOT = { id: 7000001, username: 'dialogo_test_bot' }
export const FAKE_TOKEN = `${FAKE_BOT.id}:AAFakeTokenForTestsOnly_0123456789`
const RESERVED = /[_*[\]()~`>#+\-=|{}.!]/

export type FakeBotApi = Awaited<ReturnType<typeof startFakeBotApi>>

/** Starts the fake; `url` is the apiRoot to give grammY. */
export async function startFakeBotApi() {
  const updates: Json[] = []
  const forced: Json[] = []
  let lastUpdateId = 100
  let nextMessageId = 1
  const pollers = new Set<() => void>()
  const sent: SentMessage[] = []
  const calls: { method: string; payload: Json }[] = []
  const failures = new Map<string, Failure[]>()
  const files = new Map<string, Buffer>()
  const listeners = new Set<() => void>()
  let closing = false

  const changed = () => {
    for (const listener of [...listeners]) listener()
  }
  const wakePollers = () => {
    for (const wake of [...pollers]) wake()
  }

  async function readJson(req: IncomingMessage): Promise<Json> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(Buffer.from(chunk))
    const type = req.headers['content-type'] ?? ''
    // grammY uploads files as multipart/form-data, a file as a part the field names by `attach://<part>`
    if (type.startsWith('multipart/form-data')) return readMultipart(Buffer.concat(chunks), type)
    const text = Buffer.concat(chunks).toString('utf8')
    if (text === '') return {}
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.fromEntries(Object.entries(parsed)) : {}
  }

  function answer(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  function pendingUpdates(offset: number): Json[] {
    const due = forced.splice(0)
    return [...due, ...updates.filter((update) => Number(update['update_id']) >= offset)]
  }

  async function getUpdates(payload: Json, req: IncomingMessage): Promise<Json[]> {
    const offset = Number(payload['offset'] ?? 0)
    // confirming an offset forgets what came before, as Telegram does
    for (let i = updates.length - 1; i >= 0; i--) if (Number(updates[i]?.['update_id']) < offset) updates.splice(i, 1)
    let ready = pendingUpdates(offset)
    if (ready.length > 0 || closing) return ready
    const timeoutMs = Math.min(Number(payload['timeout'] ?? 0), 30) * 1000
    await new Promise<void>((resolve) => {
      const done = () => {
        pollers.delete(done)
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      pollers.add(done)
      req.on('close', done)
    })
    ready = pendingUpdates(offset)
    return ready
  }

  function sendMessage(payload: Json): { status: number; body: unknown } {
    const raw = String(payload['text'] ?? '')
    const parseMode = typeof payload['parse_mode'] === 'string' ? payload['parse_mode'] : undefined
    if (parseMode === 'MarkdownV2' && unescapedReserved(raw)) {
      return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: can't parse entities: character is reserved" } }
    }
    const message: SentMessage = {
      chatId: String(payload['chat_id']),
      messageId: nextMessageId++,
      text: parseMode === 'MarkdownV2' ? raw.replace(/\\(.)/gs, '$1') : raw,
      raw,
      parseMode,
      replyMarkup: ReplyMarkupSchema.optional().parse(payload['reply_markup']),
    }
    sent.push(message)
    changed()
    return {
      status: 200,
      body: { ok: true, result: { message_id: message.messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(message.chatId), type: 'private' }, text: message.text } },
    }
  }

  const recordings: SentRecording[] = []
  function sendRecording(name: 'sendVoice' | 'sendAudio', payload: Json): { status: number; body: unknown } {
    const field = name === 'sendVoice' ? 'voice' : 'audio'
    const given = payload[field]
    const chatId = String(payload['chat_id'])
    const messageId = nextMessageId++
    const fileId = typeof given === 'string' ? given : `${field}-file-${messageId}`
    const upload = typeof given === 'object' && given !== null && 'bytes' in given && Buffer.isBuffer(given.bytes) ? { filename: String('filename' in given ? given.filename : ''), bytes: given.bytes } : undefined
    recordings.push({ chatId, method: name, ...(upload ? { upload } : { fileId }) })
    changed()
    const file = { file_id: fileId, file_unique_id: `u-${fileId}`, duration: 1 }
    return { status: 200, body: { ok: true, result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: 'private' }, [field]: file } } }
  }

  function method(name: string, payload: Json): { status: number; body: unknown } {
    switch (name) {
      case 'sendVoice':
      case 'sendAudio':
        return sendRecording(name, payload)
      case 'getMe':
        return { status: 200, body: { ok: true, result: { ...FAKE_BOT, is_bot: true, first_name: 'Diálogo (test)', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } } }
      case 'sendMessage':
        return sendMessage(payload)
      case 'getFile': {
        const fileId = String(payload['file_id'])
        const content = files.get(fileId)
        if (!content) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' } }
        return { status: 200, body: { ok: true, result: { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: content.length, file_path: `files/${fileId}` } } }
      }
      case 'setWebhook':
      case 'deleteWebhook':
      case 'setMyCommands':
      case 'answerCallbackQuery':
        return { status: 200, body: { ok: true, result: true } }
      default:
        return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } }
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const fileMatch = /^\/file\/bot[^/]+\/files\/(.+)$/.exec(url.pathname)
      if (fileMatch) {
        const content = files.get(decodeURIComponent(fileMatch[1] ?? ''))
        if (!content) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length })
        return res.end(content)
      }
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname)
      if (!match || match[1] !== FAKE_TOKEN) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
      const name = match[2] ?? ''
      const payload = await readJson(req)
      calls.push({ method: name, payload })
      const failure = failures.get(name)?.shift()
      if (failure) {
        changed()
        return answer(res, failure.status, failure.body)
      }
      if (name === 'getUpdates') return answer(res, 200, { ok: true, result: await getUpdates(payload, req) })
      const result = method(name, payload)
      answer(res, result.status, result.body)
    })().catch((error: unknown) => answer(res, 500, { ok: false, error_code: 500, description: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the fake Bot API did not get a port')
  const { port } = address

  /** Resolves when `predicate` holds, checked after every call the fake gets. */
  function until<T>(predicate: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const check = () => {
        const value = predicate()
        if (value === undefined) return
        listeners.delete(check)
        resolve(value)
      }
      listeners.add(check)
      check()
    })
  }

  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    /** voice notes and audio files sent, in order */
    recordings,
    calls,
    /**
     * queues an update for getUpdates and returns it as queued: ids only grow, as Telegram's do,
     * so a recorded update keeps its id only when that is still ahead of the last one
     */
    push(update: Json): Json {
      const given = update['update_id']
      const updateId = typeof given === 'number' && given > lastUpdateId ? given : lastUpdateId + 1
      lastUpdateId = updateId
      const queued = { ...update, update_id: updateId }
      updates.push(queued)
      wakePollers()
      return queued
    },
    /** hands an update out again, as Telegram does when it was not confirmed */
    redeliver(update: Json) {
      forced.push(update)
      wakePollers()
    },
    /** the next call of `name` fails with this answer */
    failNext(name: string, status: number, body: Record<string, unknown>) {
      failures.set(name, [...(failures.get(name) ?? []), { status, body }])
    },
    addFile(fileId: string, content: Buffer) {
      files.set(fileId, content)
    },
    /** messages sent to a chat, in order */
    to: (chatId: number | string) => sent.filter((message) => message.chatId === String(chatId)),
    /** waits until a chat has received at least `count` messages in all */
    waitFor: (chatId: number | string, count: number) =>
      until(() => {
        const messages = sent.filter((message) => message.chatId === String(chatId))
        return messages.length >= count ? messages : undefined
      }),
    until,
    async close() {
      closing = true
      wakePollers()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * The fields of a multipart body as grammY writes it (unquoted file names, which undici's own
 * parser refuses): text parts as strings, a field that says `attach://<part>` as that part's file.
 */
function readMultipart(body: Buffer, type: string): Json {
  const boundary = /boundary=(.+)$/.exec(type)?.[1] ?? ''
  const parts: { name: string; filename?: string; bytes: Buffer }[] = []
  const delimiter = Buffer.from(`--${boundary}`)
  let at = body.indexOf(delimiter)
  while (at >= 0) {
    const start = at + delimiter.length + 2
    const next = body.indexOf(delimiter, start)
    if (next < 0) break
    const part = body.subarray(start, next - 2)
    const split = part.indexOf('\r\n\r\n')
    const head = part.subarray(0, split).toString('utf8')
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? ''
    const filename = /filename="?([^";\r\n]*)"?/.exec(head)?.[1]
    parts.push({ name, filename, bytes: part.subarray(split + 4) })
    at = next
  }
  const fields: Json = {}
  for (const part of parts) {
    if (part.filename !== undefined) continue
    const value = part.bytes.toString('utf8')
    const attached = value.startsWith('attach://') ? parts.find((p) => p.name === value.slice('attach://'.length)) : undefined
    fields[part.name] = attached ? { filename: attached.filename ?? '', bytes: Buffer.from(attached.bytes) } : value
  }
  return fields
}

function unescapedReserved(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? ''
    if (char === '\\') {
      i++
      continue
    }
    if (RESERVED.test(char)) return true
  }
  return false
}
