import { describe, expect, it } from 'vitest'
import { chat, createdCase, type Chat } from './chat.js'

/** A complaint chat at the question "where did it happen?" (health, medicines). */
function atPlace(locale = 'es'): Chat {
  const talk = chat({ locale, flow: 'complaint' })
  talk.send('salud')
  talk.send('medicamentos')
  expect(talk.session.nodeId).toBe('place')
  return talk
}

const inMixco = { kind: 'location', latitude: 14.63, longitude: -90.6, municipalityCode: '0108' } as const

describe('complaint flow: place by location', () => {
  it('offers the departments and a location, in one question', () => {
    const talk = chat({ flow: 'complaint' })
    talk.send('salud')
    const result = talk.send('medicamentos')
    expect(result.replies.at(-1)).toMatchObject({ text: talk.t('complaint.place.prompt'), expects: 'location' })
    expect(result.replies.at(-1)?.choices?.map((c) => c.id)).toEqual(['01', '05', '09', '17'])
  })

  it('places a shared location in its municipality and asks the citizen to confirm it', () => {
    const talk = atPlace()
    const result = talk.send(inMixco)
    expect(result.replies).toEqual([
      { text: '¿Es en Mixco, Guatemala?', choices: [{ id: 'yes', label: 'Sí 👍' }, { id: 'no', label: 'No 👎' }], expects: 'yesno', prompt: { key: 'complaint.placeConfirm.prompt', locale: 'es' } },
    ])
    expect(talk.session.vars).toMatchObject({
      department: '01',
      departmentLabel: 'Guatemala',
      municipality: '0108',
      municipalityLabel: 'Mixco',
      located: true,
    })
  })

  it('skips department and municipality once the citizen confirms the place', () => {
    const talk = atPlace()
    talk.send(inMixco)
    const result = talk.send({ kind: 'choice', id: 'yes' })
    expect(talk.texts(result)).toEqual([talk.t('complaint.facility.prompt')])
    expect(talk.session.nodeId).toBe('facility')
  })

  it('asks the department as usual when the citizen says the place is wrong', () => {
    const talk = atPlace()
    talk.send(inMixco)
    expect(talk.texts(talk.send('no'))).toEqual([talk.t('complaint.department.prompt')])
    talk.send('Petén')
    talk.send('Flores')
    expect(talk.session.vars).toMatchObject({ department: '17', municipality: '1701', municipalityLabel: 'Flores' })
    expect(talk.session.nodeId).toBe('facility')
  })

  it('asks again for a location outside Guatemala, keeping the question', () => {
    const talk = atPlace()
    const result = talk.send({ kind: 'location', latitude: 19.43, longitude: -99.13 })
    expect(talk.texts(result)).toEqual([talk.t('engine.invalid.locationOutside'), talk.t('complaint.place.prompt')])
    expect(talk.session.nodeId).toBe('place')
  })

  it('takes a typed department and goes on to the municipality, as without locations', () => {
    const talk = atPlace()
    talk.send('Quetzaltenango')
    expect(talk.session).toMatchObject({ nodeId: 'municipality', vars: { department: '09', located: false } })
  })

  it('confirms the place in English too', () => {
    const talk = atPlace('en')
    expect(talk.texts(talk.send(inMixco))).toEqual(['Is it in Mixco, Guatemala?'])
  })
})

describe('complaint flow: evidence', () => {
  function atEvidence(): Chat {
    const talk = atPlace()
    talk.send('Guatemala')
    talk.send('Mixco')
    talk.send('Centro de Salud de Mixco')
    talk.send('no')
    talk.send('Fui el lunes y no había amoxicilina para mi hijo.')
    expect(talk.session.nodeId).toBe('evidence')
    return talk
  }

  it('hands the stored photo to the case as evidence', () => {
    const talk = atEvidence()
    const ref = '6f1c2b7e-0000-4000-8000-000000000001'
    talk.send({ kind: 'media', media: 'image', ref, mimeType: 'image/jpeg', size: 2048 })
    talk.send('confidencial')
    talk.send('sí')
    const create = talk.send('sí')
    expect(create.effects[0]?.args).toMatchObject({ evidence: ref, municipality: '0108' })
    expect(talk.texts(talk.feed('case.create', createdCase)).at(-1)).toBe(talk.t('complaint.thanks'))
  })

  it('goes on without evidence when the citizen writes "no"', () => {
    const talk = atEvidence()
    expect(talk.texts(talk.send('no'))).toEqual([talk.t('complaint.identity.prompt')])
    expect(talk.session.vars['evidence']).toBeNull()
  })

  it('takes a voice note as evidence', () => {
    const talk = atEvidence()
    talk.send({ kind: 'media', media: 'voice', ref: 'r-1', mimeType: 'audio/ogg' })
    expect(talk.session.vars['evidence']).toEqual({ media: 'voice', ref: 'r-1', mimeType: 'audio/ogg', size: null })
  })

  it('says kindly that a file was too large and asks again', () => {
    const talk = atEvidence()
    const result = talk.send({ kind: 'unsupported', what: 'mediaTooLarge' })
    expect(talk.texts(result)).toEqual([talk.t('engine.unsupported.mediaTooLarge'), talk.t('complaint.evidence.prompt')])
  })
})
