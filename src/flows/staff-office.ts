import type { FlowDefinition } from './flow-definition.js'

/**
 * `oficina` / `office`: a linked staff chat gets a one-time sign-in code (and link) for the back
 * office; any other chat hears only that it is not linked, which tells it nothing.
 */
export const staffOfficeFlow = {
  id: 'staffOffice',
  title: 'staff.office.title',
  // "oficina" may be a citizen's answer (where it happened): mid-complaint it asks before leaving
  triggers: { words: 'staff.office.triggers', code: 'none', asksFirst: true },
  start: 'signIn',
  nodes: {
    signIn: { kind: 'effect', effect: 'office.signIn', args: {}, resultVar: 'office', next: 'report' },
    report: {
      kind: 'branch',
      cases: [{ when: { var: 'office.outcome', in: ['ok'] }, next: 'ok' }],
      default: 'notStaff',
    },
    ok: { kind: 'end', text: 'staff.office.ok' },
    notStaff: { kind: 'end', text: 'staff.notStaff' },
  },
} satisfies FlowDefinition
