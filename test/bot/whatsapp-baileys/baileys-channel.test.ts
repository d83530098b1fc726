import { DisconnectReason } from '@whiskeysockets/baileys'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Channel } from '../../../src/bot/channel.js'
import { createBaileysChannel } from '../../../src/bot/channels/whatsapp-baileys/baileys-channel.js'
import { createOutboxWorker } from '../../../src/bot/outbox.js'
import type { BaileysLogin } from '../../../src/bot/channels/whatsapp-baileys/baileys-link.js'
import type { Database } from '../../../src/db/client.js'
import { channelLeases, outbox, whatsappAuthKeys } from '../../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { CITIZEN_JID, fakeBaileysSocket } from './fake-socket.js'

const noHandler = async () => ({ duplicate: false, replies: [] })
// the adapter reacts to socket events asynchronously; on a loaded machine that can take a while
const WAIT = { timeout: 20_000, interval: 20 }
const closed = (statusCode: number) => ({
  connection: 'close' as const,
  lastDisconnect: { error: Object.assign(new Error('connection closed'), { output: { statusCode } }), date: new Date() },
})

describe.each(databaseKinds)('Baileys channel on %s', (kind) => {
  let database: Database
  const started: Channel[] = []
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    for (const channel of started) await channel.stop?.()
    await database.close()
  })

  function channelFor(account: string, options: { holder: string; pairingNumber?: string } = { holder: 'instance-1' }) {
    const sockets: ReturnType<typeof fakeBaileysSocket>[] = []
    const logins: BaileysLogin[] = []
    const channel = createBaileysChannel({
      db: database.db,
      logger: silentLogger,
      account,
      pairingNumber: options.pairingNumber,
      holder: options.holder,
      ratePerSecond: 1000,
      openSocket: () => {
        const fake = fakeBaileysSocket()
        sockets.push(fake)
        return fake.socket
      },
      showLogin: (login) => logins.push(login),
      reconnectBackoffMs: () => 1,
      leaseMs: 60_000,
    })
    started.push(channel)
    return { channel, sockets, logins }
  }

  it('prints the QR code to link the number, then sends choices as a numbered menu once open', async () => {
    const { channel, sockets, logins } = channelFor('qr')
    await channel.start?.(noHandler)
    const socket = sockets[0]
    if (!socket) throw new Error('no socket opened')
    socket.ev.emit('connection.update', { qr: '2@abcdef,ghijkl' })
    expect(logins).toEqual([{ qr: '2@abcdef,ghijkl' }])
    expect(channel.canSend?.()).toBe(false)
    expect(await channel.send(CITIZEN_JID, { text: 'hola' })).toMatchObject({ ok: false, permanent: false })

    socket.ev.emit('connection.update', { connection: 'open' })
    expect(channel.canSend?.()).toBe(true)
    const result = await channel.send(CITIZEN_JID, { text: '¿Sobre qué servicio?', choices: [{ id: 'health', label: 'Salud' }, { id: 'education', label: 'Educación' }] })
    expect(result).toEqual({ ok: true, externalId: 'OUT1' })
    expect(socket.sent).toEqual([{ jid: CITIZEN_JID, text: '¿Sobre qué servicio?\n\n1. Salud\n2. Educación' }])
  })

  it('asks for a pairing code instead of a QR code when a number is configured', async () => {
    const { channel, sockets, logins } = channelFor('pairing', { holder: 'instance-1', pairingNumber: '50255550000' })
    await channel.start?.(noHandler)
    sockets[0]?.ev.emit('connection.update', { qr: '2@abcdef' })
    sockets[0]?.ev.emit('connection.update', { qr: '2@again' })
    await vi.waitFor(() => expect(logins).toEqual([{ pairingCode: 'ABCD1234' }]), WAIT)
    expect(sockets[0]?.pairingRequests).toEqual(['50255550000'])
  })

  it('reconnects when the connection drops', async () => {
    const { channel, sockets } = channelFor('drops')
    await channel.start?.(noHandler)
    sockets[0]?.ev.emit('connection.update', { connection: 'open' })
    sockets[0]?.ev.emit('connection.update', closed(DisconnectReason.connectionLost))
    expect(channel.canSend?.()).toBe(false)
    await vi.waitFor(() => expect(sockets).toHaveLength(2), WAIT)
    sockets[1]?.ev.emit('connection.update', { connection: 'open' })
    expect(channel.canSend?.()).toBe(true)
  })

  it('stops, forgets the login and frees the lease when WhatsApp logs the device out', async () => {
    const { channel, sockets } = channelFor('logout')
    await channel.start?.(noHandler)
    sockets[0]?.ev.emit('creds.update', {})
    await vi.waitFor(async () => expect(await database.db.select().from(whatsappAuthKeys).where(eq(whatsappAuthKeys.account, 'logout'))).toHaveLength(1), WAIT)
    sockets[0]?.ev.emit('connection.update', { connection: 'open' })
    sockets[0]?.ev.emit('connection.update', closed(DisconnectReason.loggedOut))
    expect(channel.canSend?.()).toBe(false)
    await vi.waitFor(async () => {
      expect(await database.db.select().from(channelLeases).where(eq(channelLeases.name, 'whatsapp-baileys:logout'))).toEqual([])
      expect(await database.db.select().from(whatsappAuthKeys).where(eq(whatsappAuthKeys.account, 'logout'))).toEqual([])
    }, WAIT)
    expect(sockets).toHaveLength(1)
  })

  it('leaves its outbox messages for later while the socket is not open', async () => {
    const { channel, sockets } = channelFor('outbox')
    await channel.start?.(noHandler)
    const [row] = await database.db.insert(outbox).values({ channel: 'whatsapp-baileys', address: CITIZEN_JID, body: { text: 'hola' } }).returning()
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['whatsapp-baileys', channel]]), logger: silentLogger, pollMs: 10 })
    expect(await worker.runOnce()).toBe(0)
    const [untouched] = await database.db.select().from(outbox).where(eq(outbox.id, row?.id ?? 0))
    expect(untouched).toMatchObject({ status: 'pending', attempts: 0 })
    sockets[0]?.ev.emit('connection.update', { connection: 'open' })
    expect(await worker.runOnce()).toBe(1)
    expect(sockets[0]?.sent).toEqual([{ jid: CITIZEN_JID, text: 'hola' }])
  })

  it('opens no socket on an instance while another holds the number', async () => {
    const first = channelFor('shared', { holder: 'instance-1' })
    const second = channelFor('shared', { holder: 'instance-2' })
    await first.channel.start?.(noHandler)
    await second.channel.start?.(noHandler)
    expect(first.sockets).toHaveLength(1)
    expect(second.sockets).toHaveLength(0)
    expect(second.channel.canSend?.()).toBe(false)
    await first.channel.stop?.()
    await second.channel.stop?.()
    await second.channel.start?.(noHandler)
    expect(second.sockets).toHaveLength(1)
  })
})
