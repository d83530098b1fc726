import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AudioPrompts, audioOf, listRecordings, loadAudioPrompts } from '../../../src/bot/audio-prompts.js'
import { createAudioRoutes } from '../../../src/bot/channels/webchat/audio-routes.js'
import { HOLA_OGG, linkIn, recordingsDir } from './recordings-dir.js'

describe('loadAudioPrompts', () => {
  const skipped: string[] = []
  let folder: ReturnType<typeof recordingsDir>
  let prompts: AudioPrompts

  beforeAll(async () => {
    folder = recordingsDir({
      'es/menu.prompt.ogg': 'ogg',
      'es/complaint.sector.prompt.mp3': 'mp3',
      // both formats for one key: the Ogg (a voice note) is the one sent
      'es/menu.welcome.mp3': 'mp3',
      'es/menu.welcome.ogg': 'ogg',
      'quc/menu.prompt.ogg': 'ogg',
      'es/notes.txt': Buffer.from('hello'),
      'es/fake.key.ogg': Buffer.from('<html>not a recording</html>'),
      'es/bad name.ogg': 'ogg',
      'Not_A_Locale/menu.prompt.ogg': 'ogg',
    })
    linkIn(folder.dir, 'es/linked.key.ogg', HOLA_OGG)
    linkIn(folder.dir, 'en', resolve(folder.dir, 'es'))
    prompts = await loadAudioPrompts(folder.dir, { warn: (file, reason) => skipped.push(`${file}: ${reason}`) })
  })
  afterAll(() => folder.remove())

  it('indexes <locale>/<message.key>.ogg and .mp3 by locale and key', () => {
    expect(prompts.list()).toEqual({ es: ['complaint.sector.prompt', 'menu.prompt', 'menu.welcome'], quc: ['menu.prompt'] })
    expect(prompts.find({ key: 'menu.prompt', locale: 'es' })).toMatchObject({ format: 'ogg', mimeType: 'audio/ogg', voice: true, url: 'audio/es/menu.prompt.ogg' })
    expect(prompts.find({ key: 'complaint.sector.prompt', locale: 'es' })).toMatchObject({ format: 'mp3', mimeType: 'audio/mpeg', voice: false })
  })

  it('prefers the Ogg voice note when a key has both formats', () => {
    expect(prompts.find({ key: 'menu.welcome', locale: 'es' })?.format).toBe('ogg')
  })

  it('finds a recording only in the reply locale, never another language', () => {
    expect(prompts.find({ key: 'menu.prompt', locale: 'quc' })?.url).toBe('audio/quc/menu.prompt.ogg')
    expect(prompts.find({ key: 'complaint.sector.prompt', locale: 'quc' })).toBeUndefined()
    expect(prompts.find({ key: 'menu.prompt', locale: 'en' })).toBeUndefined()
  })

  it('skips files that are not recordings, bad names and symbolic links, and says which', () => {
    expect(skipped).toEqual(
      expect.arrayContaining([
        'Not_A_Locale: not a locale code',
        'es/notes.txt: not <message.key>.ogg or .mp3',
        'es/fake.key.ogg: not an Ogg file',
        'es/bad name.ogg: not <message.key>.ogg or .mp3',
      ]),
    )
    expect(prompts.find({ key: 'linked.key', locale: 'es' })).toBeUndefined()
    expect(prompts.find({ key: 'fake.key', locale: 'es' })).toBeUndefined()
  })

  it('refuses a key or locale that tries to leave the folder', () => {
    expect(prompts.find({ key: '../../etc/passwd', locale: 'es' })).toBeUndefined()
    expect(prompts.find({ key: 'menu.prompt', locale: '../es' })).toBeUndefined()
    expect(prompts.byFile('es', '../es/menu.prompt.ogg')).toBeUndefined()
    expect(prompts.byFile('..', 'es/menu.prompt.ogg')).toBeUndefined()
  })

  it('reads an indexed recording as it is on disk', async () => {
    const found = prompts.find({ key: 'menu.prompt', locale: 'es' })
    if (!found) throw new Error('menu.prompt not indexed')
    expect(await prompts.read(found)).toEqual(readFileSync(HOLA_OGG))
  })

  it('names the URL and type of a reply recording, and nothing for a reply without one', () => {
    expect(audioOf(prompts, { text: '¿Qué desea hacer?', prompt: { key: 'menu.prompt', locale: 'es' } })).toEqual({ url: 'audio/es/menu.prompt.ogg', mimeType: 'audio/ogg' })
    expect(audioOf(prompts, { text: 'Sin grabación', prompt: { key: 'status.lastNote', locale: 'es' } })).toBeUndefined()
    expect(audioOf(prompts, { text: 'Sin clave' })).toBeUndefined()
  })

  it('lists the recordings of a folder for i18n:check, and none for a folder that does not exist', async () => {
    expect(await listRecordings(folder.dir)).toEqual(prompts.list())
    expect(await listRecordings(resolve(folder.dir, 'missing'))).toEqual({})
  })
})

describe('GET /audio/<locale>/<file>', () => {
  let folder: ReturnType<typeof recordingsDir>
  let app: ReturnType<typeof createAudioRoutes>

  beforeAll(async () => {
    folder = recordingsDir({ 'es/menu.prompt.ogg': 'ogg', 'es/complaint.sector.prompt.mp3': 'mp3', 'es/secret.txt': Buffer.from('secret') })
    linkIn(folder.dir, 'es/passwd.key.ogg', '/etc/passwd')
    app = createAudioRoutes(await loadAudioPrompts(folder.dir))
  })
  afterAll(() => folder.remove())

  it('serves a recording with its type, its length and a day of caching', async () => {
    const response = await app.request('/audio/es/menu.prompt.ogg')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('audio/ogg')
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400')
    expect(Buffer.from(await response.arrayBuffer())).toEqual(readFileSync(HOLA_OGG))
    expect(response.headers.get('content-length')).toBe(String(readFileSync(HOLA_OGG).length))
    const mp3 = await app.request('/audio/es/complaint.sector.prompt.mp3')
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg')
  })

  it('answers one byte range with 206, as Safari asks before playing, and refuses one past the end', async () => {
    const whole = readFileSync(HOLA_OGG)
    const first = await app.request('/audio/es/menu.prompt.ogg', { headers: { range: 'bytes=0-1' } })
    expect(first.status).toBe(206)
    expect(first.headers.get('content-range')).toBe(`bytes 0-1/${whole.length}`)
    expect(Buffer.from(await first.arrayBuffer())).toEqual(whole.subarray(0, 2))
    const tail = await app.request('/audio/es/menu.prompt.ogg', { headers: { range: 'bytes=-4' } })
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 4))
    const rest = await app.request('/audio/es/menu.prompt.ogg', { headers: { range: 'bytes=100-' } })
    expect(rest.headers.get('content-range')).toBe(`bytes 100-${whole.length - 1}/${whole.length}`)
    const past = await app.request('/audio/es/menu.prompt.ogg', { headers: { range: `bytes=${whole.length}-` } })
    expect(past.status).toBe(416)
    const several = await app.request('/audio/es/menu.prompt.ogg', { headers: { range: 'bytes=0-1,4-5' } })
    expect(several.status).toBe(200)
  })

  it('answers 304 when the browser already has this version', async () => {
    const first = await app.request('/audio/es/menu.prompt.ogg')
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await app.request('/audio/es/menu.prompt.ogg', { headers: { 'if-none-match': etag ?? '' } })
    expect(again.status).toBe(304)
  })

  it.each([
    '/audio/es/..%2F..%2Fpackage.json',
    '/audio/..%2F..%2F/package.json',
    '/audio/es/%2E%2E%2Fes%2Fmenu.prompt.ogg',
    '/audio/es/secret.txt',
    '/audio/es/passwd.key.ogg',
    '/audio/es/menu.prompt.mp3',
    '/audio/en/menu.prompt.ogg',
    '/audio/es/..%5C..%5Cpackage.json',
  ])('refuses %s with a 404, like a missing recording', async (path) => {
    const response = await app.request(path)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    const body = await response.text()
    expect(body).not.toContain('secret')
    expect(body).not.toContain('root:')
  })
})
