import type { FlowDefinition } from './flow-definition.js'

/**
 * Asked by the follow-up job some days after a case was resolved (`code` and `institution` are
 * set when it starts): "was it solved?". A "no" reopens the case.
 */
export const followupFlow = {
  id: 'followup',
  title: 'followup.title',
  start: 'solved',
  nodes: {
    solved: { kind: 'ask', var: 'solved', prompt: 'followup.prompt', input: { type: 'yesno' }, next: 'decide' },
    decide: {
      kind: 'branch',
      cases: [{ when: { var: 'solved', in: [true] }, next: 'solvedYes' }],
      default: 'reopen',
    },
    solvedYes: { kind: 'effect', effect: 'case.solved', args: { code: 'code' }, resultVar: 'solvedYes', next: 'thanks' },
    thanks: { kind: 'end', text: 'followup.thanks' },
    reopen: { kind: 'effect', effect: 'case.reopen', args: { code: 'code' }, resultVar: 'reopen', next: 'reopened' },
    reopened: {
      kind: 'branch',
      cases: [{ when: { var: 'reopen.ok', in: [true] }, next: 'done' }],
      default: 'notReopened',
    },
    done: { kind: 'end', text: 'followup.reopened' },
    notReopened: { kind: 'end', text: 'followup.notReopened' },
  },
} satisfies FlowDefinition
