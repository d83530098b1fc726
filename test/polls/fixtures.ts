import { PollDefinitionSchema, type PollDefinition } from '../../src/polls/poll-definition.js'

/** A poll with one question of each kind, open 2026-12-01 08:00 to 2026-12-08 18:00 (Guatemala). */
export function samplePollInput(overrides: Record<string, unknown> = {}) {
  return {
    title: { es: 'Prioridades de inversión 2027', en: '2027 investment priorities' },
    intro: { es: 'La mesa de diálogo de Mixco quiere saber su opinión.', en: 'The Mixco dialogue table wants your view.' },
    questions: [
      {
        id: 'service',
        kind: 'single',
        text: { es: '¿Qué servicio usa más?', en: 'Which service do you use most?' },
        options: [
          { id: 'health', label: { es: 'Salud', en: 'Health' } },
          { id: 'school', label: { es: 'Escuela', en: 'School' } },
        ],
      },
      {
        id: 'problems',
        kind: 'multiple',
        max: 2,
        text: { es: '¿Qué problemas ha visto?', en: 'Which problems have you seen?' },
        options: [
          { id: 'staff', label: { es: 'Falta de personal', en: 'Lack of staff' } },
          { id: 'medicine', label: { es: 'Falta de medicinas', en: 'Lack of medicines' } },
          { id: 'waiting', label: { es: 'Mucha espera', en: 'Long waits' } },
        ],
      },
      { id: 'trust', kind: 'scale', min: 1, max: 5, text: { es: '¿Cuánto confía en la municipalidad?', en: 'How much do you trust the municipality?' } },
      {
        id: 'priorities',
        kind: 'ranking',
        text: { es: 'Ordene estas inversiones', en: 'Rank these investments' },
        options: [
          { id: 'water', label: { es: 'Agua', en: 'Water' } },
          { id: 'roads', label: { es: 'Caminos', en: 'Roads' } },
          { id: 'clinic', label: { es: 'Puesto de salud', en: 'Health post' } },
        ],
      },
      { id: 'comment', kind: 'text', maxLength: 200, text: { es: '¿Algo más que quiera decir?', en: 'Anything else?' } },
    ],
    audience: { groups: [], municipalities: ['0108'] },
    opensAt: '2026-12-01T08:00:00-06:00',
    closesAt: '2026-12-08T18:00:00-06:00',
    remindAt: '2026-12-07T08:00:00-06:00',
    resultsVisibility: 'group',
    ...overrides,
  }
}

/** The sample poll, parsed as the API would. */
export function samplePoll(overrides: Record<string, unknown> = {}): PollDefinition {
  return PollDefinitionSchema.parse(samplePollInput(overrides))
}
