import { and, desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel, ChannelKind } from '../../src/bot/channel.js'
import type { Database } from '../../src/db/client.js'
import { cases, inboundMessages, media } from '../../src/db/schema/index.js'
import { TRACKING_CODE } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { metadataOf, phonePhoto } from '../support/photo.js'

/** The largest file the app under contract keeps (MEDIA_MAX_BYTES). */
export const CONTRACT_MEDIA_LIMIT = 20_000

/**
 * A citizen on one platform. Each call delivers one payload shaped as the platform records it,
 * waits until the app handled it and delivered its replies, and answers their text.
 */
export type ContractCitizen = {
  say: (text: string) => Promise<string>
  /** presses the offered button (or answers the numbered option) whose label matches */
  press: (label: RegExp) => Promise<string>
  share: (latitude: number, longitude: number) => Promise<string>
  attach: (file: Buffer, mimeType: string) => Promise<string>
  /** sends a file over CONTRACT_MEDIA_LIMIT, announced by the platform or not */
  attachTooLarge: () => Promise<string>
  /** delivers the last payload again, as the platform does when it retries; what came back (nothing new, except inline) */
  repeatLast: () => Promise<string>
  /** the channel's id of the last message delivered (the dedupe key) */
  lastExternalId: () => string
}

export type ContractHarness = {
  citizen: (n: number) => ContractCitizen
  /** files the platform fakes handed out so far */
  downloads: () => number
  /** the channel and an address whose next send the platform refuses */
  failingSend: () => Promise<{ channel: Channel; address: string }>
  close: () => Promise<void>
}

export type ChannelUnderTest = {
  kind: ChannelKind
  /** the real app on `database` with this channel started and MEDIA_MAX_BYTES at CONTRACT_MEDIA_LIMIT */
  start: (database: Database) => Promise<ContractHarness>
}

/** The complaint walk up to its evidence question, answered as a citizen would. */
async function atEvidence(citizen: ContractCitizen): Promise<string> {
  await citizen.say('hola')
  await citizen.press(/queja/i)
  await citizen.press(/^salud/i)
  await citizen.press(/medicamentos/i)
  await citizen.say('guatemala')
  await citizen.say('mixco')
  await citizen.say('Centro de Salud de Mixco')
  await citizen.say('no')
  return citizen.say('Desde hace un mes no hay medicinas para la presión en la farmacia.')
}

/**
 * One contract for every channel adapter (as hono's `runTest({ newRouter })` runs one suite over
 * every router): the same scenarios, through the real app, against each platform's fakes.
 */
export function runChannelContract(adapter: ChannelUnderTest): void {
  describe.each(databaseKinds)(`the ${adapter.kind} channel contract on %s`, (kind) => {
    let database: Database
    let harness: ContractHarness
    beforeAll(async () => {
      database = await freshDatabase(kind)
      harness = await adapter.start(database)
    })
    afterAll(async () => {
      await harness.close()
      await database.close()
    })

    const mediaRows = async () => (await database.db.select({ id: media.id }).from(media)).length
    const inboundRows = async (externalId: string) =>
      (await database.db.select().from(inboundMessages).where(and(eq(inboundMessages.channel, adapter.kind), eq(inboundMessages.externalId, externalId)))).length

    it('answers a text with the main menu, and records the message under its platform id', async () => {
      const citizen = harness.citizen(1)
      expect(await citizen.say('hola')).toContain('¿Qué desea hacer?')
      expect(await inboundRows(citizen.lastExternalId())).toBe(1)
    })

    it('takes a button press as the choice it offered', async () => {
      const citizen = harness.citizen(2)
      await citizen.say('hola')
      expect(await citizen.press(/queja/i)).toContain('¿Sobre qué servicio es su queja?')
    })

    it('places a shared location in its municipality and asks to confirm it', async () => {
      const citizen = harness.citizen(3)
      await citizen.say('hola')
      await citizen.press(/queja/i)
      await citizen.press(/^salud/i)
      await citizen.press(/medicamentos/i)
      expect(await citizen.share(14.6333, -90.6064)).toMatch(/¿Es en Mixco, Guatemala\?/)
    })

    it('keeps the photo the evidence question asks for, without its GPS and device tags, and says it arrived', async () => {
      const citizen = harness.citizen(4)
      expect(await atEvidence(citizen)).toContain('Si tiene una foto')
      const before = await mediaRows()
      const answer = await citizen.attach(await phonePhoto(), 'image/jpeg')
      expect(answer).toContain('📎 Recibí su foto')
      expect(answer).toContain('¿Cómo quiere presentar su queja?')
      expect(await mediaRows()).toBe(before + 1)
      const [stored] = await database.db.select().from(media).where(eq(media.channel, adapter.kind)).orderBy(desc(media.createdAt)).limit(1)
      expect(stored).toMatchObject({ kind: 'image', mimeType: 'image/jpeg' })
      expect(await metadataOf(stored?.content ?? Buffer.alloc(0))).toMatchObject({ exif: false, xmp: false, device: false })
    })

    it('downloads and keeps nothing of a file sent where no question asks for one', async () => {
      const citizen = harness.citizen(5)
      await citizen.say('hola')
      const downloads = harness.downloads()
      const before = await mediaRows()
      const answer = await citizen.attach(await phonePhoto(), 'image/jpeg')
      expect(answer).toContain('¿Qué desea hacer?')
      expect(harness.downloads()).toBe(downloads)
      expect(await mediaRows()).toBe(before)
    })

    it('refuses a file over the limit kindly, keeps nothing and asks again', async () => {
      const citizen = harness.citizen(6)
      await atEvidence(citizen)
      const before = await mediaRows()
      const answer = await citizen.attachTooLarge()
      expect(answer).toContain('demasiado grande')
      expect(answer).toContain('Si tiene una foto')
      expect(await mediaRows()).toBe(before)
    })

    it('handles a repeated delivery once: one message, one stored file, no second download', async () => {
      const citizen = harness.citizen(7)
      await atEvidence(citizen)
      await citizen.attach(await phonePhoto('#357'), 'image/jpeg')
      const downloads = harness.downloads()
      const stored = await mediaRows()
      await citizen.repeatLast()
      expect(await inboundRows(citizen.lastExternalId())).toBe(1)
      expect(await mediaRows()).toBe(stored)
      expect(harness.downloads()).toBe(downloads)
      // the conversation goes on from where the first delivery left it
      expect(await citizen.press(/confidencial/i)).toMatch(/avisos|Revisemos/)
    })

    it('files one case when the confirmation is delivered twice, and answers it once (an inline channel repeats the same answer)', async () => {
      const citizen = harness.citizen(8)
      await atEvidence(citizen)
      await citizen.say('no')
      let confirmation = await citizen.press(/confidencial/i)
      for (let i = 0; i < 3 && !TRACKING_CODE.test(confirmation); i++) confirmation = await citizen.say('sí')
      expect(confirmation).toMatch(TRACKING_CODE)
      const filed = (await database.db.select({ id: cases.id }).from(cases)).length
      const repeated = await citizen.repeatLast()
      expect(await inboundRows(citizen.lastExternalId())).toBe(1)
      expect((await database.db.select({ id: cases.id }).from(cases)).length).toBe(filed)
      expect(repeated).toBe(adapter.kind === 'webchat' ? confirmation : '')
    })

    it('reports a send the platform refuses as a failed delivery instead of throwing', async () => {
      const { channel, address } = await harness.failingSend()
      const result = await channel.send(address, { text: 'Su caso avanzó.' })
      expect(result).toMatchObject({ ok: false, permanent: expect.any(Boolean), error: expect.any(String) })
    })
  })
}
