import type { FlowDefinition } from './flow-definition.js'

/**
 * "borrar mis datos": deleting the contact, its conversation and its links to cases, after a yes.
 * The goodbye is the last thing sent; nothing of the exchange is kept.
 */
export const forgetFlow = {
  id: 'forget',
  title: 'forget.title',
  triggers: { words: 'forget.triggers' },
  start: 'confirm',
  nodes: {
    confirm: { kind: 'ask', var: 'confirm', prompt: 'forget.confirm.prompt', input: { type: 'yesno' }, next: 'decide' },
    decide: { kind: 'branch', cases: [{ when: { var: 'confirm', in: [true] }, next: 'forget' }], default: 'kept' },
    forget: { kind: 'effect', effect: 'contact.forget', args: {}, resultVar: 'forget', next: 'done' },
    done: { kind: 'end', text: 'forget.done' },
    kept: { kind: 'end', text: 'forget.kept' },
  },
} satisfies FlowDefinition

/** "mis datos": a summary of everything kept about the citizen, never the text of a complaint. */
export const myDataFlow = {
  id: 'myData',
  title: 'myData.title',
  triggers: { words: 'myData.triggers' },
  start: 'shared',
  nodes: {
    // a kiosk: the next person must not read the previous one's cases
    shared: { kind: 'branch', cases: [{ when: { var: '$.sharedScreen', in: [true] }, next: 'sharedScreen' }], default: 'summary' },
    sharedScreen: { kind: 'end', text: 'myData.sharedScreen' },
    summary: { kind: 'effect', effect: 'contact.summary', args: {}, resultVar: 'data', next: 'report' },
    report: { kind: 'end', text: 'myData.report' },
  },
} satisfies FlowDefinition

/**
 * "compartir mis datos CODE": the citizen of a confidential case lets its office see their
 * contact, after a yes; recorded as a case event.
 */
export const releaseFlow = {
  id: 'release',
  title: 'release.title',
  triggers: { words: 'release.triggers', code: 'required' },
  start: 'confirm',
  nodes: {
    confirm: { kind: 'ask', var: 'confirm', prompt: 'release.confirm.prompt', input: { type: 'yesno' }, next: 'decide' },
    decide: { kind: 'branch', cases: [{ when: { var: 'confirm', in: [true] }, next: 'release' }], default: 'kept' },
    release: { kind: 'effect', effect: 'contact.release', args: { code: 'code' }, resultVar: 'release', next: 'outcome' },
    outcome: {
      kind: 'branch',
      cases: [
        { when: { var: 'release.outcome', in: ['ok'] }, next: 'done' },
        { when: { var: 'release.outcome', in: ['notConfidential'] }, next: 'notConfidential' },
        { when: { var: 'release.outcome', in: ['limited'] }, next: 'limited' },
      ],
      default: 'notYours',
    },
    done: { kind: 'end', text: 'release.done' },
    notConfidential: { kind: 'end', text: 'release.notConfidential' },
    notYours: { kind: 'end', text: 'release.notYours' },
    kept: { kind: 'end', text: 'release.kept' },
    limited: { kind: 'end', text: 'status.limited' },
  },
} satisfies FlowDefinition
