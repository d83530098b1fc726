import type { Composed } from '../../../src/compose.js'
import { testApp } from '../../support/app.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { CONTRACT_MEDIA_LIMIT, type ContractCitizen, runChannelContract } from '../channel-contract.js'
import { APP_SECRET, PHONE_ID, TOKEN, fakeGraphApi, readSent, signedPost } from './fake-graph-api.js'

type Json = Record<string, unknown>

/** A webhook body as Meta posts it for one message of `from`. */
function webhookOf(from: string, id: string, message: Json): string {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '50222220000', phone_number_id: PHONE_ID },
    contacts: [{ profile: { name: 'Ana López' }, wa_id: from }],
    messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
  }
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] })
}

runChannelContract({
  kind: 'whatsapp-cloud',
  async start(database) {
    const graph = await fakeGraphApi()
    const composed: Composed = await testApp(database, undefined, silentLogger, {
      WHATSAPP_CLOUD_TOKEN: TOKEN,
      WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_CLOUD_API_ROOT: graph.root,
      WHATSAPP_CLOUD_RATE_PER_SECOND: 1000,
      MEDIA_MAX_BYTES: CONTRACT_MEDIA_LIMIT,
    })
    const cloud = composed.channels.get('whatsapp-cloud')
    if (!cloud) throw new Error('whatsapp-cloud not wired')
    await cloud.start?.(composed.runtime.handle)
    let counter = 0
    let fileCounter = 0

    const citizen = (n: number): ContractCitizen => {
      const from = `5025556${String(n).padStart(4, '0')}`
      let lastBody = ''
      let lastId = ''
      let last: ReturnType<typeof readSent> | undefined
      async function post(body: string): Promise<string> {
        const before = graph.sent.length
        const response = await composed.app.request('/webhooks/whatsapp', signedPost(body))
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}`)
        await composed.outbox.runOnce()
        // the fake answers every number; only this citizen's messages are read
        const mine = graph.sent.slice(before).filter((sent) => typeof sent === 'object' && sent !== null && 'to' in sent && sent.to === from)
        const read = mine.map(readSent)
        if (read.length > 0) last = read.at(-1)
        return read.map((sent) => [sent.text, ...sent.choices.map((choice) => choice.title)].join('\n')).join('\n')
      }
      const send = (message: Json) => {
        lastId = `wamid.CONTRACT-${n}-${++counter}`
        lastBody = webhookOf(from, lastId, message)
        return post(lastBody)
      }
      const attach = (file: Buffer, mimeType: string) => {
        const mediaId = String(4_000_000_000 + ++fileCounter)
        graph.addFile(mediaId, file, mimeType)
        return mimeType.startsWith('image/')
          ? send({ type: 'image', image: { id: mediaId, mime_type: mimeType, sha256: 'x' } })
          : send({ type: 'document', document: { id: mediaId, mime_type: mimeType, sha256: 'x', filename: 'informe.pdf' } })
      }
      return {
        say: (text) => send({ type: 'text', text: { body: text } }),
        press(label) {
          if (!last) throw new Error('nothing was sent')
          if (last.kind === 'text') {
            const line = last.text.split('\n').find((candidate) => /^\d+\. /.test(candidate) && label.test(candidate.replace(/^\d+\. /, '')))
            if (!line) throw new Error(`no option ${label} in ${last.text}`)
            return send({ type: 'text', text: { body: line.split('.')[0] ?? '' } })
          }
          const choice = last.choices.find((candidate) => label.test(candidate.title))
          if (!choice) throw new Error(`no choice ${label}`)
          const reply = last.kind === 'button' ? 'button_reply' : 'list_reply'
          return send({ type: 'interactive', interactive: { type: reply, [reply]: { id: choice.id, title: choice.title } } })
        },
        share: (latitude, longitude) => send({ type: 'location', location: { latitude, longitude } }),
        attach,
        attachTooLarge: () => attach(Buffer.alloc(CONTRACT_MEDIA_LIMIT + 1, 1), 'application/pdf'),
        repeatLast: () => post(lastBody),
        lastExternalId: () => lastId,
      }
    }
    return {
      citizen,
      downloads: () => graph.downloads(),
      async failingSend() {
        graph.failNext({ status: 400, code: 131026, message: 'Message undeliverable' })
        // a number that wrote recently, so the 24-hour window does not hold the message first
        const address = `5025556${String(1).padStart(4, '0')}`
        return { channel: cloud, address }
      },
      close: () => graph.close(),
    }
  },
})
