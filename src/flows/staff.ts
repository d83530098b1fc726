import type { FlowDefinition } from './flow-definition.js'

type NodeDefinition = FlowDefinition['nodes'][string]

/** What each staff command says for each outcome its effect reports. */
function outcomes(resultVar: string, ok: string, cannot: string): Record<string, NodeDefinition> {
  return {
    report: {
      kind: 'branch',
      cases: [
        { when: { var: `${resultVar}.outcome`, in: ['ok'] }, next: 'ok' },
        { when: { var: `${resultVar}.outcome`, in: ['cannot'] }, next: 'cannot' },
        { when: { var: `${resultVar}.outcome`, in: ['notStaff'] }, next: 'notStaff' },
      ],
      default: 'notYours',
    },
    ok: { kind: 'end', text: ok },
    cannot: { kind: 'end', text: cannot },
    notStaff: { kind: 'end', text: 'staff.notStaff' },
    notYours: { kind: 'end', text: 'staff.notYours' },
  }
}

/** `vincular CODE`: links this chat to the units the one-time code names. */
export const staffLinkFlow = {
  id: 'staffLink',
  title: 'staff.link.title',
  triggers: { words: 'staff.link.triggers', code: 'required' },
  start: 'link',
  nodes: {
    link: { kind: 'effect', effect: 'staff.link', args: { code: 'code' }, resultVar: 'link', next: 'linked' },
    linked: {
      kind: 'branch',
      cases: [{ when: { var: 'link.ok', in: [true] }, next: 'ok' }],
      default: 'invalid',
    },
    ok: { kind: 'end', text: 'staff.link.ok' },
    invalid: { kind: 'end', text: 'staff.link.invalid' },
  },
} satisfies FlowDefinition

/** `acuso CODE` / `ack CODE`: acknowledges a case of the staff member's units. */
export const staffAckFlow = {
  id: 'staffAck',
  title: 'staff.ack.title',
  triggers: { words: 'staff.ack.triggers', code: 'required' },
  start: 'ack',
  nodes: {
    ack: { kind: 'effect', effect: 'staff.ack', args: { code: 'code' }, resultVar: 'ack', next: 'report' },
    ...outcomes('ack', 'staff.ack.ok', 'staff.ack.cannot'),
  },
} satisfies FlowDefinition

/** `caso CODE`: a summary of a case of the staff member's units. */
export const staffCaseFlow = {
  id: 'staffCase',
  title: 'staff.case.title',
  triggers: { words: 'staff.case.triggers', code: 'required' },
  start: 'summary',
  nodes: {
    summary: { kind: 'effect', effect: 'staff.case', args: { code: 'code' }, resultVar: 'summary', next: 'report' },
    ...outcomes('summary', 'staff.case.ok', 'staff.notYours'),
  },
} satisfies FlowDefinition
