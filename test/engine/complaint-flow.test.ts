import { describe, expect, it } from 'vitest'
import { chat, createdCase, type Chat } from './chat.js'

/** A chat that has answered the complaint questions up to (not including) `stopAt`. */
function complaintUpTo(stopAt: string, answers: Partial<Record<string, string>> = {}, locale = 'es'): Chat {
  const talk = chat({ locale, flow: 'complaint' })
  const plan: [string, string][] = [
    ['sector', answers['sector'] ?? 'salud'],
    ['category', answers['category'] ?? 'medicamentos'],
    ['place', answers['department'] ?? 'Guatemala'],
    ['municipality', answers['municipality'] ?? 'Mixco'],
    ['facility', answers['facility'] ?? 'Centro de Salud de Mixco'],
    ['conflict', answers['conflict'] ?? 'no'],
    ['description', answers['description'] ?? 'Fui el lunes y no había amoxicilina para mi hijo.'],
    ['evidence', answers['evidence'] ?? 'no'],
    ['identity', answers['identity'] ?? 'confidencial'],
    ['followUps', answers['followUps'] ?? 'sí'],
    ['confirm', answers['confirm'] ?? 'sí'],
  ]
  for (const [node, answer] of plan) {
    // an anonymous complaint keeps no contact: nobody asks whether news may come to this chat
    if (node === 'followUps' && talk.session.nodeId === 'summary') continue
    if (node === 'followUps' && talk.session.nodeId === 'confirm') continue
    if (node === stopAt) return talk
    expect(talk.session.nodeId, `before answering ${node}`).toBe(node)
    talk.send(answer)
  }
  return talk
}

describe('complaint flow', () => {
  it('walks a named complaint from the menu to its tracking code', () => {
    const talk = chat()
    talk.send('hola')
    expect(talk.texts(talk.send('1'))).toEqual([talk.t('complaint.sector.prompt')])
    const category = talk.send('Salud 🏥')
    expect(category.replies[0]?.choices?.map((c) => c.id)).toEqual([
      'medicine_shortage',
      'care_refused',
      'mistreatment',
      'corruption',
      'life_at_risk',
    ])
    talk.send('1')
    const municipality = talk.send('guatemala')
    expect(talk.texts(municipality)).toEqual(['¿En qué municipio de Guatemala? (Si fue en otro departamento, escriba el nombre del municipio.)'])
    talk.send('mixco')
    const conflict = talk.send('Centro de Salud zona 1 de Mixco')
    expect(talk.texts(conflict)).toEqual([talk.t('complaint.conflict.prompt')])
    talk.send('no')
    const evidence = talk.send('No había medicina para la presión y me dijeron que regresara el otro mes.')
    expect(evidence.replies).toEqual([{ text: talk.t('complaint.evidence.prompt'), expects: 'media', prompt: { key: 'complaint.evidence.prompt', locale: 'es' } }])
    talk.send('no')
    const followUps = talk.send('1')
    expect(talk.texts(followUps)).toEqual([talk.t('complaint.followUps.prompt')])
    const summary = talk.send('sí')
    expect(talk.texts(summary)).toEqual([
      [
        'Revisemos su queja:',
        '• Servicio: Salud',
        '• Qué pasó: Falta de medicamentos o insumos',
        '• Lugar: Mixco, Guatemala',
        '• Establecimiento: Centro de Salud zona 1 de Mixco',
        '• Su relato: No había medicina para la presión y me dijeron que regresara el otro mes.',
        '• Forma: Con mi nombre: la institución puede ver mi contacto',
      ].join('\n'),
      talk.t('complaint.confirm.prompt'),
    ])
    const create = talk.send('si')
    expect(create.replies).toEqual([])
    expect(create.effects).toEqual([
      {
        type: 'case.create',
        args: {
          sector: 'health',
          category: 'medicine_shortage',
          department: '01',
          municipality: '0108',
          facility: 'Centro de Salud zona 1 de Mixco',
          description: 'No había medicina para la presión y me dijeron que regresara el otro mes.',
          descriptionVoice: null,
          identity: 'named',
          evidence: null,
          conflictOfInterest: false,
          followUps: true,
        },
      },
    ])
    expect(create.session).toMatchObject({ flowId: 'complaint', nodeId: 'create', waiting: 'effect' })

    const done = talk.feed('case.create', createdCase)
    expect(talk.texts(done)).toEqual([
      '✅ Su queja quedó registrada con el código GT-7K3P2. La recibe: Área de Salud Guatemala Nor Occidente. Debería tener respuesta a más tardar el 9 de diciembre de 2026 a las 17:00. Para saber cómo va, escriba «estado GT-7K3P2» cuando quiera.',
      talk.t('complaint.thanks'),
    ])
    expect(done.effects).toEqual([])
    expect(done.session).toMatchObject({ flowId: null, nodeId: null, waiting: 'none', vars: {} })
  })

  it('tells the emergency numbers right after a life-at-risk category, then goes on', () => {
    const talk = complaintUpTo('category')
    // "riesgo para la vida" is read from the start of the label, so it is said back first
    const [understood, ...texts] = talk.texts(talk.send('riesgo para la vida'))
    expect(understood).toMatch(/^Entendí: Riesgo/)
    expect(texts).toEqual([talk.t('complaint.emergency'), talk.t('complaint.place.prompt')])
    for (const number of ['110', '120', '122', '123', '128', '1555']) expect(texts[0]).toContain(number)
    expect(talk.session.vars['category']).toBe('life_at_risk')
  })

  it('keeps the emergency numbers for life-at-risk complaints only', () => {
    const talk = complaintUpTo('category')
    expect(talk.texts(talk.send('corrupción')).slice(1)).toEqual([talk.t('complaint.place.prompt')])
  })

  it('offers the categories of the chosen sector and the ones every sector shares', () => {
    const talk = complaintUpTo('sector')
    const result = talk.send('educación')
    expect(result.replies[0]?.choices?.map((c) => c.id)).toEqual(['teacher_absent', 'school_meals', 'corruption', 'life_at_risk'])
  })

  it('says an urgent case was sent at once', () => {
    const talk = complaintUpTo('end', { category: 'riesgo' })
    const texts = talk.texts(talk.feed('case.create', { ...createdCase, urgent: true }))
    expect(texts).toContain(talk.t('complaint.urgent'))
  })

  it('reminds an anonymous complainant that the code is the only way back to the case', () => {
    const talk = complaintUpTo('end', { identity: 'anónimo' })
    const texts = talk.texts(talk.feed('case.create', createdCase))
    expect(texts).toContain(talk.t('complaint.anonymousCode', { case: createdCase }))
    expect(texts.at(-1)).toBe(talk.t('complaint.thanks'))
  })

  it('does not give the anonymous reminder to a confidential complainant', () => {
    const talk = complaintUpTo('end')
    const texts = talk.texts(talk.feed('case.create', createdCase))
    expect(texts).not.toContain(talk.t('complaint.anonymousCode', { case: createdCase }))
  })

  it('discards the complaint on "no" and then "discard": nothing created, nothing kept', () => {
    const talk = complaintUpTo('end', { confirm: 'no' })
    expect(talk.session).toMatchObject({ flowId: 'complaint', nodeId: 'change' })
    const result = talk.send({ kind: 'choice', id: 'discard' })
    expect(result.effects).toEqual([])
    expect(talk.texts(result)).toEqual([talk.t('complaint.discarded')])
    expect(talk.session).toMatchObject({ flowId: null, waiting: 'none', vars: {} })
  })

  it('hands a complaint about the head of the place and a wish for no messages to the case', () => {
    const talk = complaintUpTo('confirm', { conflict: 'sí', followUps: 'no' })
    const create = talk.send('sí')
    expect(create.effects[0]?.args).toMatchObject({ conflictOfInterest: true, followUps: false })
  })

  it('does not ask an anonymous complainant whether news may come to this chat', () => {
    const talk = complaintUpTo('identity')
    const result = talk.send('anónimo')
    expect(talk.texts(result).at(-1)).toBe(talk.t('complaint.confirm.prompt'))
    expect(talk.session.vars['followUps']).toBeUndefined()
  })

  it('asks for the identity mode with the three explained options', () => {
    const talk = complaintUpTo('evidence')
    const result = talk.send('no')
    expect(result.replies[0]?.choices).toEqual([
      { id: 'named', label: 'Con mi nombre: la institución puede ver mi contacto 👤' },
      { id: 'confidential', label: 'Confidencial: ven un seudónimo 🔒' },
      { id: 'anonymous', label: 'Anónimo: no se guarda ningún vínculo; solo podré consultar con el código 🕶️' },
    ])
  })

  it('runs in English with English labels', () => {
    const talk = complaintUpTo('identity', { sector: 'health', category: 'corruption', department: 'peten', municipality: 'flores' }, 'en')
    expect(talk.session.vars).toMatchObject({ sectorLabel: 'Health', categoryLabel: 'Corruption or bribery', departmentLabel: 'Petén' })
    const summary = talk.texts(talk.send('anonymous'))
    expect(summary[0]).toContain('• Service: Health')
    expect(summary[1]).toBe('Shall we send your complaint like this?')
  })
})

describe('complaint flow: municipality question', () => {
  it('resolves a name repeated across departments within the chosen department', () => {
    const talk = complaintUpTo('municipality', { department: 'Petén' })
    talk.send('San José')
    expect(talk.session.vars).toMatchObject({ municipality: '1702', municipalityLabel: 'San José', department: '17' })
  })

  it('offers the two San José of Guatemala when the name could be either, and takes a number among them', () => {
    const talk = complaintUpTo('municipality')
    const result = talk.send('san jose')
    expect(result.replies).toEqual([
      {
        text: talk.t('engine.choice.didYouMean'),
        choices: [
          { id: '0103', label: 'San José Pinula' },
          { id: '0104', label: 'San José del Golfo' },
        ],
        expects: 'choice',
      },
    ])
    talk.send('2')
    expect(talk.session.vars).toMatchObject({ municipality: '0104', municipalityLabel: 'San José del Golfo' })
    expect(talk.session.vars['_offered']).toBeUndefined()
  })

  it('takes a nickname from another department and moves the department with it', () => {
    const talk = complaintUpTo('municipality', { department: 'Guatemala' })
    talk.send('xela')
    expect(talk.session.vars).toMatchObject({
      department: '09',
      departmentLabel: 'Quetzaltenango',
      municipality: '0901',
      municipalityLabel: 'Quetzaltenango',
    })
    expect(talk.session.nodeId).toBe('facility')
  })

  it('takes a nickname within the department', () => {
    const talk = complaintUpTo('municipality', { department: 'Guatemala' })
    talk.send('Petapa')
    expect(talk.session.vars).toMatchObject({ municipality: '0117', department: '01' })
  })

  it('asks which San José, naming the departments, when neither lies in the chosen one', () => {
    const talk = complaintUpTo('municipality', { department: 'Quetzaltenango' })
    const result = talk.send('San José')
    expect(result.replies[0]?.choices).toEqual([
      { id: '0509', label: 'San José (Escuintla)' },
      { id: '1702', label: 'San José (Petén)' },
    ])
    talk.send({ kind: 'choice', id: '1702' })
    expect(talk.session.vars).toMatchObject({ municipality: '1702', municipalityLabel: 'San José', department: '17', departmentLabel: 'Petén' })
  })

  it('takes the number of a candidate from another department', () => {
    const talk = complaintUpTo('municipality', { department: 'Quetzaltenango' })
    talk.send('San José')
    talk.send('1')
    expect(talk.session.vars).toMatchObject({ municipality: '0509', department: '05' })
  })

  it('forgives a slip of the thumb', () => {
    const talk = complaintUpTo('municipality')
    talk.send('Misco')
    expect(talk.session.vars['municipality']).toBe('0108')
  })

  it('shows the department’s municipalities again when nothing matches anywhere', () => {
    const talk = complaintUpTo('municipality', { department: 'Petén' })
    const result = talk.send('Zacapa')
    expect(result.replies[0]?.text).toBe(talk.t('engine.choice.notFound', { answer: 'Zacapa' }))
    expect(result.replies[0]?.choices?.map((c) => c.id)).toEqual(['1701', '1702', '1712'])
  })
})
