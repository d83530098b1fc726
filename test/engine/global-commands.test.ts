import { describe, expect, it } from 'vitest'
import { parseGlobalCommand } from '../../src/bot/engine/index.js'
import { chat, type Chat } from './chat.js'
import { testContext } from './context.js'

const { vocabulary } = testContext()

describe('parseGlobalCommand', () => {
  it.each([
    ['menu', { name: 'menu' }],
    ['Menú', { name: 'menu' }],
    ['INICIO', { name: 'menu' }],
    ['/start', { name: 'menu' }],
    ['ayuda', { name: 'help' }],
    ['Help!', { name: 'help' }],
    ['cancelar', { name: 'cancel' }],
    ['cancel', { name: 'cancel' }],
    ['idioma', { name: 'language' }],
    ['language', { name: 'language' }],
    ['idioma en', { name: 'language', locale: 'en' }],
    ['Language ES', { name: 'language', locale: 'es' }],
    ['idioma fr', { name: 'language' }],
    ['estado', { name: 'flow', flow: 'status' }],
    ['Status', { name: 'flow', flow: 'status' }],
    ['estado abc 123', { name: 'flow', flow: 'status', code: 'ABC123' }],
    ['estado: gt-7k3p2', { name: 'flow', flow: 'status', code: 'GT-7K3P2' }],
    ['/status GT7K3P2', { name: 'flow', flow: 'status', code: 'GT7K3P2' }],
    // the lead is looked up by the message's first word, folded as the leads are matched
    ['ÉSTADO K7QM3-XHA2P', { name: 'flow', flow: 'status', code: 'K7QM3-XHA2P' }],
    ['E\u0301stado K7QM3-XHA2P', { name: 'flow', flow: 'status', code: 'K7QM3-XHA2P' }],
    ['estado\u200bK7QM3', { name: 'flow', flow: 'status', code: 'K7QM3' }],
    ['/Idioma EN', { name: 'language', locale: 'en' }],
    ['Estado «GT-7K3P2».', { name: 'flow', flow: 'status', code: 'GT-7K3P2' }],
    ['estado kxwm-pqrt', { name: 'flow', flow: 'status', code: 'KXWM-PQRT' }],
    ['estado kxwmp-qrtvz', { name: 'flow', flow: 'status', code: 'KXWMP-QRTVZ' }],
    ['Estado K7QM3 - XHA2P', { name: 'flow', flow: 'status', code: 'K7QM3-XHA2P' }],
    ['salir', { name: 'flow', flow: 'pollLeave' }],
    ['Salir.', { name: 'flow', flow: 'pollLeave' }],
    ['salir k7qm3-xha2p', { name: 'flow', flow: 'pollLeave', code: 'K7QM3-XHA2P' }],
    ['leave K7QM3 XHA2P', { name: 'flow', flow: 'pollLeave', code: 'K7QM3XHA2P' }],
    ['seguir consulta', { name: 'flow', flow: 'pollResume' }],
    ['Seguir encuesta', { name: 'flow', flow: 'pollResume' }],
    ['continue poll', { name: 'flow', flow: 'pollResume' }],
    ['recibir consultas', { name: 'flow', flow: 'pollSubscribe' }],
    ['unirme', { name: 'flow', flow: 'pollJoin' }],
    ['Unirme k7qm 3xha', { name: 'flow', flow: 'pollJoin', code: 'K7QM3XHA' }],
    ['/join K7QM-3XHA', { name: 'flow', flow: 'pollJoin', code: 'K7QM-3XHA' }],
    ['borrar mis datos', { name: 'flow', flow: 'forget' }],
    ['Borrar mis datos.', { name: 'flow', flow: 'forget' }],
    ['delete my data', { name: 'flow', flow: 'forget' }],
    ['mis datos', { name: 'flow', flow: 'myData' }],
    ['My data', { name: 'flow', flow: 'myData' }],
    ['compartir mis datos k7qm 3xha', { name: 'flow', flow: 'release', code: 'K7QM3XHA' }],
    ['share my data K7QM-3XHA', { name: 'flow', flow: 'release', code: 'K7QM-3XHA' }],
  ])('reads %j as a command', (text, expected) => {
    expect(parseGlobalCommand(text, vocabulary)).toEqual(expected)
  })

  it.each([
    'quiero volver al menu',
    'necesito ayuda con mi bono',
    'Estado deplorable del puesto de salud',
    'estado de mi caso por favor ya',
    'estado terrible',
    'estados',
    'menu menu',
    'idioma en el hospital no es el mío',
    'unirme a la mesa',
    'quiero salir de aqui',
    'salir temprano del trabajo',
    'quiero borrar mis datos del formulario',
    'mis datos son correctos',
    'compartir mis datos con el director',
  ])('leaves %j to the question it answers', (text) => {
    expect(parseGlobalCommand(text, vocabulary)).toBeNull()
  })
})

/** A chat in the middle of a complaint, at the facility question. */
function midComplaint(): Chat {
  const talk = chat({ flow: 'complaint' })
  for (const answer of ['salud', 'maltrato', 'Escuintla', 'San José']) talk.send(answer)
  expect(talk.session.nodeId).toBe('facility')
  return talk
}

describe('global commands in the middle of a complaint', () => {
  it('"menu" asks first, keeping the complaint and its question; "menu" again leaves it for the menu, forgetting it', () => {
    const talk = midComplaint()
    const before = { ...talk.session.vars }
    const asked = talk.send('menu')
    expect(talk.texts(asked)).toEqual([talk.t('engine.leaveConfirm'), talk.t('complaint.facility.prompt')])
    expect(asked.session).toMatchObject({ flowId: 'complaint', nodeId: 'facility', vars: { ...before, _leaveAsked: true } })
    const result = talk.send('menu')
    expect(talk.texts(result)).toEqual([talk.t('menu.welcome'), talk.t('menu.prompt')])
    expect(result.session).toMatchObject({ flowId: 'menu', nodeId: 'action', vars: {} })
  })

  it('a staff word alone as a free-text answer ("Oficina") asks first and keeps the answers; the word again opens that flow', () => {
    const talk = midComplaint()
    const before = { ...talk.session.vars }
    const asked = talk.send('Oficina')
    expect(talk.texts(asked)).toEqual([talk.t('engine.leaveConfirmFor', { word: 'oficina' }), talk.t('complaint.facility.prompt')])
    expect(asked.effects).toEqual([])
    expect(asked.session).toMatchObject({ flowId: 'complaint', nodeId: 'facility', vars: { ...before, _leaveAsked: true } })
    const left = talk.send('oficina')
    expect(left.session.flowId).toBe('staffOffice')
  })

  it('after the staff word was asked about, answering the question goes on with the complaint', () => {
    const talk = midComplaint()
    talk.send('oficina')
    const result = talk.send('Oficina municipal de salud')
    expect(result.session).toMatchObject({ flowId: 'complaint', nodeId: 'conflict' })
    expect(result.session.vars).toMatchObject({ sector: 'health', facility: 'Oficina municipal de salud' })
  })

  it('the staff word before anything was answered, or while idle, opens its flow at once', () => {
    expect(chat({ flow: 'complaint' }).send('oficina').session.flowId).toBe('staffOffice')
    expect(chat().send('oficina').session.flowId).toBe('staffOffice')
  })

  it('"menu" before anything was answered goes straight to the menu', () => {
    const talk = chat({ flow: 'complaint' })
    expect(talk.texts(talk.send('menu'))).toEqual([talk.t('menu.welcome'), talk.t('menu.prompt')])
  })

  it('after "menu" was asked about, answering the question goes on with the complaint', () => {
    const talk = midComplaint()
    talk.send('menu')
    const result = talk.send('Centro de Salud de Puerto San José')
    expect(result.session).toMatchObject({ flowId: 'complaint', nodeId: 'conflict' })
    expect(result.session.vars['facility']).toBe('Centro de Salud de Puerto San José')
  })

  it('"ayuda" lists the commands and asks the same question again, keeping the answers', () => {
    const talk = midComplaint()
    const before = talk.session.vars
    const result = talk.send('ayuda')
    expect(talk.texts(result)).toEqual([talk.t('engine.help'), talk.t('complaint.facility.prompt')])
    expect(result.session).toMatchObject({ flowId: 'complaint', nodeId: 'facility', vars: before })
  })

  it('"ayuda" while idle lists the commands and shows the menu', () => {
    const talk = chat()
    expect(talk.texts(talk.send('ayuda'))).toEqual([talk.t('engine.help'), talk.t('menu.welcome'), talk.t('menu.prompt')])
  })

  it('"cancelar" confirms, drops the complaint and shows the menu', () => {
    const talk = midComplaint()
    const result = talk.send('Cancelar')
    expect(talk.texts(result)).toEqual([talk.t('engine.cancelled'), talk.t('menu.welcome'), talk.t('menu.prompt')])
    expect(result.effects).toEqual([])
    expect(result.session).toMatchObject({ flowId: 'menu', vars: {} })
  })

  it('"cancelar" while idle just shows the menu', () => {
    const talk = chat()
    expect(talk.texts(talk.send('cancelar'))).toEqual([talk.t('menu.welcome'), talk.t('menu.prompt')])
  })

  it('"salir" in the middle of a complaint cancels it, as it always did', () => {
    const talk = midComplaint()
    const result = talk.send('salir')
    expect(talk.texts(result)).toEqual([talk.t('engine.cancelled'), talk.t('menu.welcome'), talk.t('menu.prompt')])
    expect(result.effects).toEqual([])
  })

  it('"salir" while idle asks the runtime to leave every poll group and subscription', () => {
    const talk = chat()
    const result = talk.send('salir')
    expect(result.effects).toEqual([{ type: 'poll.leave', args: { which: null } }])
    expect(result.session).toMatchObject({ flowId: 'pollLeave', waiting: 'effect' })
  })

  it('"unirme <código>" asks the runtime to join the group of that code', () => {
    const result = midComplaint().send('unirme K7QM-3XHA')
    expect(result.effects).toEqual([{ type: 'poll.join', args: { code: 'K7QM-3XHA' } }])
  })

  it('"unirme" alone asks for the code', () => {
    const talk = chat()
    expect(talk.texts(talk.send('unirme'))).toEqual([talk.t('pollJoin.code.prompt')])
  })

  it('"recibir consultas" asks for the department first', () => {
    const talk = chat()
    expect(talk.texts(talk.send('recibir consultas'))[0]).toBe(talk.t('pollSubscribe.department.prompt'))
  })

  it('"idioma" opens the language question', () => {
    const talk = midComplaint()
    const result = talk.send('idioma')
    expect(result.session).toMatchObject({ flowId: 'language', nodeId: 'choose' })
  })

  it('"idioma en" switches at once, confirms in English and repeats the question in English', () => {
    const talk = midComplaint()
    const result = talk.send('idioma en')
    expect(talk.texts(result)).toEqual(["Done, from now on I'll write to you in English.", talk.t('complaint.facility.prompt')])
    expect(talk.t('complaint.facility.prompt')).toMatch(/^What is the place called/)
    expect(result.session).toMatchObject({ locale: 'en', flowId: 'complaint', nodeId: 'facility' })
    expect(result.session.vars['municipality']).toBe('0509')
  })

  it('"language es" while idle switches and shows the menu in Spanish', () => {
    const talk = chat({ locale: 'en' })
    const texts = talk.texts(talk.send('language es'))
    expect(texts).toEqual(['Listo, desde ahora le escribo en español.', talk.t('menu.welcome'), talk.t('menu.prompt')])
  })

  it('"estado <código>" looks the case up, leaving the complaint', () => {
    const talk = midComplaint()
    const result = talk.send('estado GT-7K3P2')
    expect(result.effects).toEqual([{ type: 'case.lookup', args: { code: 'GT-7K3P2' } }])
    expect(result.session).toMatchObject({ flowId: 'status', vars: { code: 'GT-7K3P2' } })
  })

  it('"estado" alone asks for the code', () => {
    const talk = midComplaint()
    expect(talk.texts(talk.send('estado'))).toEqual([talk.t('status.code.prompt')])
  })

  it('a command inside a sentence is an ordinary answer', () => {
    const talk = midComplaint()
    talk.send('Hospital del menu')
    expect(talk.session).toMatchObject({ nodeId: 'conflict', vars: { facility: 'Hospital del menu' } })
  })
})

describe('privacy commands', () => {
  it('"borrar mis datos" in the middle of a complaint asks for a confirmation first', () => {
    const talk = midComplaint()
    const result = talk.send('borrar mis datos')
    expect(talk.texts(result)).toEqual([talk.t('forget.confirm.prompt')])
    expect(result.effects).toEqual([])
    expect(result.session).toMatchObject({ flowId: 'forget', nodeId: 'confirm', vars: {} })
  })

  it('"borrar mis datos" then "sí" asks the runtime to forget the contact and says goodbye', () => {
    const talk = chat()
    talk.send('borrar mis datos')
    const asked = talk.send('sí')
    expect(asked.effects).toEqual([{ type: 'contact.forget', args: {} }])
    const done = talk.feed('contact.forget', { forgotten: true, cases: 1 })
    expect(talk.texts(done)).toEqual([talk.t('forget.done')])
  })

  it('"borrar mis datos" then "no" deletes nothing', () => {
    const talk = chat()
    talk.send('borrar mis datos')
    const kept = talk.send('no')
    expect(kept.effects).toEqual([])
    expect(talk.texts(kept)).toEqual([talk.t('forget.kept')])
  })

  it('"mis datos" asks for the summary and reports it', () => {
    const talk = chat()
    const asked = talk.send('mis datos')
    expect(asked.effects).toEqual([{ type: 'contact.summary', args: {} }])
    const data = { found: true, channel: 'telegram', language: 'Español', firstSeen: '2026-11-01', lastSeen: '2026-11-20', cases: 'K7QM-3XHA (recibido)', groups: 'ninguno', staff: 'ninguno' }
    const report = talk.texts(talk.feed('contact.summary', data))
    expect(report[0]).toContain('K7QM-3XHA (recibido)')
    expect(report[0]).toContain('telegram')
  })

  it('"compartir mis datos CODE" asks for consent, then records it for that code', () => {
    const talk = chat()
    const asked = talk.send('compartir mis datos K7QM-3XHA')
    expect(talk.texts(asked)).toEqual([talk.t('release.confirm.prompt', { code: 'K7QM-3XHA' })])
    const release = talk.send('sí')
    expect(release.effects).toEqual([{ type: 'contact.release', args: { code: 'K7QM-3XHA' } }])
    const done = talk.feed('contact.release', { outcome: 'ok', code: 'K7QM-3XHA' })
    expect(talk.texts(done)).toEqual([talk.t('release.done', { release: { outcome: 'ok', code: 'K7QM-3XHA' } })])
  })
})
