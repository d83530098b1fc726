import { describe, expect, it } from 'vitest'
import { chat } from './chat.js'

const STATUSES = ['received', 'routed', 'acknowledged', 'in_progress', 'resolved', 'rejected', 'reopened', 'escalated'] as const

function lookupResult(status: string, lastNote: string | null = null) {
  return { found: true, code: 'GT-7K3P2', status, institution: 'Área de Salud de Petén Norte', updatedDate: '2026-11-20', lastNote }
}

describe('status flow', () => {
  it('asks for the code when opened from the menu, then looks it up', () => {
    const talk = chat()
    talk.send('hola')
    expect(talk.texts(talk.send('2'))).toEqual([talk.t('status.code.prompt')])
    const lookup = talk.send('  gt-7k3p2 ')
    expect(lookup.effects).toEqual([{ type: 'case.lookup', args: { code: 'gt-7k3p2' } }])
    expect(lookup.session).toMatchObject({ flowId: 'status', nodeId: 'lookup', waiting: 'effect' })
  })

  it('refuses a code shorter than 4 or longer than 20 characters', () => {
    const talk = chat({ flow: 'status' })
    expect(talk.texts(talk.send('ab'))[0]).toBe(talk.t('engine.invalid.tooShort', { min: 4 }))
    expect(talk.texts(talk.send('x'.repeat(21)))[0]).toBe(talk.t('engine.invalid.tooLong', { max: 20, length: 21 }))
  })

  it('goes straight to the lookup when the code came with the command', () => {
    const talk = chat()
    const result = talk.send('estado abc 123')
    expect(result.replies).toEqual([])
    expect(result.effects).toEqual([{ type: 'case.lookup', args: { code: 'ABC123' } }])
  })

  it.each(STATUSES.flatMap((status) => [['es', status] as const, ['en', status] as const]))(
    'reports a %s citizen the status %s by its translated name',
    (locale, status) => {
      const talk = chat({ locale, flow: 'status' })
      talk.send('GT-7K3P2')
      const result = talk.feed('case.lookup', lookupResult(status))
      const [report] = talk.texts(result)
      expect(report).toBe(talk.t(`status.report.${status}`, { lookup: lookupResult(status) }))
      expect(report).toContain(talk.t(`caseStatus.${status}`))
      expect(report).toContain('GT-7K3P2')
      expect(report).toContain(locale === 'es' ? '20 de noviembre de 2026' : 'November 20, 2026')
      expect(result.replies).toHaveLength(1)
      expect(result.session).toMatchObject({ flowId: null, waiting: 'none', vars: {} })
    },
  )

  it('reads a status in Spanish plainly', () => {
    const talk = chat({ flow: 'status' })
    talk.send('GT-7K3P2')
    expect(talk.texts(talk.feed('case.lookup', lookupResult('in_progress')))).toEqual([
      'Caso GT-7K3P2: en trámite. Área de Salud de Petén Norte está trabajando en él. Última actualización: 20 de noviembre de 2026.',
    ])
  })

  it('adds the institution’s last note when there is one', () => {
    const talk = chat({ flow: 'status' })
    talk.send('GT-7K3P2')
    const texts = talk.texts(talk.feed('case.lookup', lookupResult('resolved', 'Ya llegó el medicamento.')))
    expect(texts).toHaveLength(2)
    expect(texts[1]).toBe('Última nota de la institución: «Ya llegó el medicamento.»')
  })

  it('still reports a status it has no sentence for', () => {
    const talk = chat({ flow: 'status' })
    talk.send('GT-7K3P2')
    const texts = talk.texts(talk.feed('case.lookup', lookupResult('archived')))
    expect(texts).toEqual([talk.t('status.report.other', { lookup: lookupResult('archived') })])
  })

  it('says when no case has the code, echoing what was typed', () => {
    const talk = chat({ flow: 'status' })
    talk.send('ZZZ999')
    const result = talk.feed('case.lookup', { found: false, code: 'ZZZ999', status: 'received', institution: '', updatedDate: '', lastNote: null })
    expect(talk.texts(result)).toEqual([talk.t('status.notFound', { code: 'ZZZ999' })])
    expect(talk.texts(result)[0]).toContain('ZZZ999')
    expect(result.session.flowId).toBeNull()
  })
})
