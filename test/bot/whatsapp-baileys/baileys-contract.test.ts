import type { proto } from '@whiskeysockets/baileys'
import { createBaileysChannel } from '../../../src/bot/channels/whatsapp-baileys/baileys-channel.js'
import type { BaileysSocket } from '../../../src/bot/channels/whatsapp-baileys/open-socket.js'
import { createOutboxWorker } from '../../../src/bot/outbox.js'
import { testApp } from '../../support/app.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { CONTRACT_MEDIA_LIMIT, type ContractCitizen, runChannelContract } from '../channel-contract.js'
import { encryptedMediaServer } from './encrypted-media.js'
import { fakeBaileysSocket, incoming } from './fake-socket.js'

runChannelContract({
  kind: 'whatsapp-baileys',
  async start(database) {
    const composed = await testApp(database, undefined, silentLogger, { MEDIA_MAX_BYTES: CONTRACT_MEDIA_LIMIT })
    const files = await encryptedMediaServer()
    const fake = fakeBaileysSocket()
    let refuseNext = false
    // the fake socket, except that the next send can be refused as a dropped connection would
    const socket: BaileysSocket = {
      ...fake.socket,
      sendMessage: (jid, content) => {
        if (!refuseNext) return fake.socket.sendMessage(jid, content)
        refuseNext = false
        return Promise.reject(new Error('Connection Closed'))
      },
    }
    const channel = createBaileysChannel({ db: database.db, logger: silentLogger, account: 'contract', ratePerSecond: 1000, openSocket: () => socket, showLogin: () => {} })
    const waiting: (() => void)[] = []
    await channel.start?.(async (message) => {
      const result = await composed.runtime.handle(message)
      waiting.shift()?.()
      return result
    })
    fake.ev.emit('connection.update', { connection: 'open' })
    const outbox = createOutboxWorker({ db: database.db, channels: new Map([['whatsapp-baileys', channel]]), logger: silentLogger, pollMs: 10 })
    let counter = 0
    let fileCounter = 0

    const citizen = (n: number): ContractCitizen => {
      const jid = `5025557${String(n).padStart(4, '0')}@s.whatsapp.net`
      let lastMessage: ReturnType<typeof incoming> | undefined
      let lastText = ''
      async function deliver(message: ReturnType<typeof incoming>): Promise<string> {
        lastMessage = message
        const before = fake.sent.length
        const handled = new Promise<void>((resolve) => waiting.push(resolve))
        fake.ev.emit('messages.upsert', { messages: [message], type: 'notify' })
        await handled
        await outbox.runOnce()
        lastText = fake.sent.slice(before).filter((sent) => sent.jid === jid).map((sent) => sent.text).join('\n')
        return lastText
      }
      const send = (content: proto.IMessage) => deliver(incoming(`3EB0C${n}${String(++counter).padStart(5, '0')}`, content, { remoteJid: jid }))
      const attachAs = async (file: Buffer, mimeType: string, fileLength = file.length) => {
        const name = `contract-${++fileCounter}`
        if (mimeType.startsWith('image/')) {
          const image = await files.add(name, file, 'image')
          return send({ imageMessage: { url: image.url, mediaKey: image.mediaKey, mimetype: mimeType, fileLength } })
        }
        const document = await files.add(name, file, 'document')
        return send({ documentMessage: { url: document.url, mediaKey: document.mediaKey, mimetype: mimeType, fileLength } })
      }
      return {
        say: (text) => send({ conversation: text }),
        // Baileys 7 has no buttons: menus are numbered and the citizen answers the number
        press(label) {
          const line = lastText.split('\n').find((candidate) => /^\d+\. /.test(candidate) && label.test(candidate.replace(/^\d+\. /, '')))
          if (!line) throw new Error(`no option ${label} in: ${lastText}`)
          return send({ conversation: line.split('.')[0] ?? '' })
        },
        share: (latitude, longitude) => send({ locationMessage: { degreesLatitude: latitude, degreesLongitude: longitude } }),
        attach: (file, mimeType) => attachAs(file, mimeType),
        attachTooLarge: () => attachAs(Buffer.alloc(CONTRACT_MEDIA_LIMIT + 1, 1), 'application/pdf'),
        repeatLast: async () => {
          // a repeat gets no answer: the menu to answer is still the one before it
          const menu = lastText
          const repeated = lastMessage ? await deliver(lastMessage) : ''
          lastText = menu
          return repeated
        },
        lastExternalId: () => lastMessage?.key.id ?? '',
      }
    }
    return {
      citizen,
      downloads: () => files.downloads(),
      async failingSend() {
        refuseNext = true
        return { channel, address: '50255579999@s.whatsapp.net' }
      },
      async close() {
        await channel.stop?.()
        await files.close()
      },
    }
  },
})
