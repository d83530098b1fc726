import type { FlowDefinition } from './flow-definition.js'

const STATUSES = ['received', 'routed', 'acknowledged', 'in_progress', 'resolved', 'rejected', 'reopened', 'escalated'] as const

/**
 * Looking up a case by its code. "estado ABC123" arrives with `code` set and skips the question.
 * Each status has its own sentence, so the citizen reads what it means, not a database word.
 */
export const statusFlow = {
  id: 'status',
  title: 'status.title',
  // "estado", "estado K7QM3-XHA2P", "estado 123" (said to be mistyped), or the code alone
  triggers: { words: 'status.triggers', code: 'optional', malformed: true, bareCode: true },
  start: 'hasCode',
  nodes: {
    hasCode: {
      kind: 'branch',
      cases: [
        { when: { var: 'code', present: true }, next: 'lookup' },
        { when: { var: 'malformed', present: true }, next: 'malformed' },
      ],
      default: 'code',
    },
    // "estado 123": say what is wrong with it before asking again
    malformed: { kind: 'say', text: 'status.malformed', next: 'code' },
    code: { kind: 'ask', var: 'code', prompt: 'status.code.prompt', input: { type: 'text', min: 4, max: 20 }, next: 'lookup' },
    lookup: { kind: 'effect', effect: 'case.lookup', args: { code: 'code' }, resultVar: 'lookup', next: 'found' },
    found: {
      kind: 'branch',
      cases: [
        { when: { var: 'lookup.found', in: [true] }, next: 'byStatus' },
        { when: { var: 'lookup.limited', in: [true] }, next: 'limited' },
      ],
      default: 'notFound',
    },
    byStatus: {
      kind: 'branch',
      cases: [
        // an escalated case says which deadline passed: no acknowledgement, or no resolution
        { when: { var: 'lookup.missedClock', in: ['first_response'] }, next: 'report_escalatedFirstResponse' },
        { when: { var: 'lookup.missedClock', in: ['resolution'] }, next: 'report_escalatedResolution' },
        ...STATUSES.map((status) => ({ when: { var: 'lookup.status', in: [status] }, next: `report_${status}` })),
      ],
      default: 'report_other',
    },
    ...Object.fromEntries(
      [...STATUSES, 'escalatedFirstResponse', 'escalatedResolution', 'other'].map((status) => [
        `report_${status}`,
        { kind: 'say', text: `status.report.${status}`, next: 'hasNote' } as const,
      ]),
    ),
    hasNote: {
      kind: 'branch',
      cases: [{ when: { var: 'lookup.lastNote', present: true }, next: 'lastNote' }],
      default: 'done',
    },
    lastNote: { kind: 'say', text: 'status.lastNote', next: 'done' },
    done: { kind: 'end' },
    notFound: { kind: 'end', text: 'status.notFound' },
    // too many codes tried this hour from this chat or this network: guessing is the attack
    limited: { kind: 'end', text: 'status.limited' },
  },
} satisfies FlowDefinition
