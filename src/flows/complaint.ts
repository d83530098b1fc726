import type { FlowDefinition } from './flow-definition.js'

/**
 * A complaint, top to bottom: which service and what happened, where, the facility, the account in
 * the citizen's words, how much of their identity to share and whether news may reach this chat;
 * then a summary to confirm and the case.
 */
export const complaintFlow = {
  id: 'complaint',
  title: 'complaint.title',
  start: 'sector',
  nodes: {
    sector: {
      kind: 'ask',
      var: 'sector',
      prompt: 'complaint.sector.prompt',
      input: { type: 'choice', source: { from: 'sectors' } },
      next: 'category',
    },
    category: {
      kind: 'ask',
      var: 'category',
      prompt: 'complaint.category.prompt',
      input: { type: 'choice', source: { from: 'categories', sectorVar: 'sector' } },
      next: 'lifeAtRisk',
    },
    // someone may be in danger now: the emergency numbers come before any further question
    lifeAtRisk: {
      kind: 'branch',
      cases: [{ when: { var: 'category', in: ['life_at_risk'] }, next: 'emergency' }],
      default: 'afterWhat',
    },
    emergency: { kind: 'say', text: 'complaint.emergency', next: 'afterWhat' },
    // changing one answer at the review: back to the review once that answer is given again
    afterWhat: { kind: 'branch', cases: [{ when: { var: 'change', in: ['what'] }, next: 'summaryCheck' }], default: 'place' },
    // a shared location answers department and municipality at once; a typed answer is the department
    place: {
      kind: 'ask',
      var: 'department',
      prompt: 'complaint.place.prompt',
      input: {
        type: 'choice',
        source: { from: 'departments' },
        locate: { municipalityVar: 'municipality', locatedVar: 'located' },
      },
      next: 'placeCheck',
    },
    placeCheck: {
      kind: 'branch',
      cases: [{ when: { var: 'located', in: [true] }, next: 'placeConfirm' }],
      default: 'municipality',
    },
    // a point near a boundary can fall in the next municipality: the citizen has the last word
    placeConfirm: {
      kind: 'ask',
      var: 'placeConfirmed',
      prompt: 'complaint.placeConfirm.prompt',
      input: { type: 'yesno' },
      next: 'placeDecide',
    },
    placeDecide: {
      kind: 'branch',
      cases: [{ when: { var: 'placeConfirmed', in: [true] }, next: 'afterPlace' }],
      default: 'department',
    },
    department: {
      kind: 'ask',
      var: 'department',
      prompt: 'complaint.department.prompt',
      input: { type: 'choice', source: { from: 'departments' } },
      next: 'municipality',
    },
    municipality: {
      kind: 'ask',
      var: 'municipality',
      prompt: 'complaint.municipality.prompt',
      input: { type: 'choice', source: { from: 'municipalities', departmentVar: 'department' } },
      next: 'afterPlace',
    },
    afterPlace: { kind: 'branch', cases: [{ when: { var: 'change', in: ['place'] }, next: 'summaryCheck' }], default: 'facility' },
    facility: {
      kind: 'ask',
      var: 'facility',
      prompt: 'complaint.facility.prompt',
      input: { type: 'text', min: 2, max: 200 },
      next: 'afterFacility',
    },
    afterFacility: { kind: 'branch', cases: [{ when: { var: 'change', in: ['facility'] }, next: 'summaryCheck' }], default: 'conflict' },
    // a complaint about the head of that office must not land on their own desk
    conflict: {
      kind: 'ask',
      var: 'conflictOfInterest',
      prompt: 'complaint.conflict.prompt',
      input: { type: 'yesno' },
      next: 'description',
    },
    // a voice note may be the whole account (a citizen who writes little): staff are asked to listen
    description: {
      kind: 'ask',
      var: 'description',
      prompt: 'complaint.description.prompt',
      input: { type: 'text', min: 10, max: 2000, voice: true },
      next: 'descriptionCheck',
    },
    descriptionCheck: {
      kind: 'branch',
      cases: [{ when: { var: 'description.media', present: true }, next: 'voiceReceived' }],
      default: 'afterDescription',
    },
    // told it arrived as surely as written words would have
    voiceReceived: { kind: 'say', text: 'complaint.description.voiceReceived', next: 'afterDescription' },
    afterDescription: { kind: 'branch', cases: [{ when: { var: 'change', in: ['description'] }, next: 'summaryCheck' }], default: 'evidence' },
    // one attachment for now: a photo, voice note, video or document, stored by the inbound intake
    evidence: {
      kind: 'ask',
      var: 'evidence',
      prompt: 'complaint.evidence.prompt',
      input: { type: 'media', optional: true },
      next: 'evidenceCheck',
    },
    // a file sent into silence looks lost: the citizen is told it arrived
    evidenceCheck: {
      kind: 'branch',
      cases: [{ when: { var: 'evidence', present: true }, next: 'evidenceReceived' }],
      default: 'identity',
    },
    evidenceReceived: { kind: 'say', text: 'complaint.evidence.received', next: 'identity' },
    identity: {
      kind: 'ask',
      var: 'identity',
      prompt: 'complaint.identity.prompt',
      input: {
        type: 'choice',
        source: {
          from: 'static',
          options: [
            // The web chat has no contact to share (its id is the citizen's secret, not a way to reach
            // them), so "with my name" would promise the office a way back that does not exist.
            {
              id: 'named',
              label: 'complaint.identity.named',
              aliases: ['nombre', 'con mi nombre', 'name', 'with my name'],
              hideWhen: { var: '$.channel', in: ['webchat'] },
              emoji: '👤',
            },
            { id: 'confidential', label: 'complaint.identity.confidential', aliases: ['confidencial', 'seudonimo', 'pseudonym'], emoji: '🔒' },
            { id: 'anonymous', label: 'complaint.identity.anonymous', aliases: ['anonimo', 'anonima', 'anonymous'], emoji: '🕶️' },
          ],
        },
      },
      next: 'followUpsCheck',
    },
    // an anonymous case keeps no contact, so there is nobody to send news to
    followUpsCheck: {
      kind: 'branch',
      cases: [{ when: { var: 'identity', in: ['anonymous'] }, next: 'summaryCheck' }],
      default: 'followUps',
    },
    // a shared phone: the citizen may not want messages about the case to arrive on it
    followUps: {
      kind: 'ask',
      var: 'followUps',
      prompt: 'complaint.followUps.prompt',
      input: { type: 'yesno' },
      next: 'summaryCheck',
    },
    // the review names the attached file too, so the citizen sees it goes with the complaint
    summaryCheck: {
      kind: 'branch',
      cases: [
        { when: { var: 'description.media', present: true }, next: 'summaryVoiceCheck' },
        { when: { var: 'evidence', present: true }, next: 'summaryWithEvidence' },
      ],
      default: 'summary',
    },
    summaryVoiceCheck: {
      kind: 'branch',
      cases: [{ when: { var: 'evidence', present: true }, next: 'summaryVoiceWithEvidence' }],
      default: 'summaryVoice',
    },
    summaryVoice: { kind: 'say', text: 'complaint.summaryVoice', next: 'confirm' },
    summaryVoiceWithEvidence: { kind: 'say', text: 'complaint.summaryVoiceWithEvidence', next: 'confirm' },
    summary: { kind: 'say', text: 'complaint.summary', next: 'confirm' },
    summaryWithEvidence: { kind: 'say', text: 'complaint.summaryWithEvidence', next: 'confirm' },
    confirm: { kind: 'ask', var: 'confirm', prompt: 'complaint.confirm.prompt', input: { type: 'yesno' }, next: 'decide' },
    decide: {
      kind: 'branch',
      cases: [{ when: { var: 'confirm', in: [true] }, next: 'create' }],
      default: 'change',
    },
    // "No" at the review is rarely "throw it all away": the citizen picks the one answer to change
    change: {
      kind: 'ask',
      var: 'change',
      prompt: 'complaint.change.prompt',
      input: {
        type: 'choice',
        source: {
          from: 'static',
          options: [
            { id: 'what', label: 'complaint.change.what', aliases: ['servicio', 'que paso', 'problema', 'service', 'what happened'], emoji: '❓' },
            { id: 'place', label: 'complaint.change.place', aliases: ['lugar', 'municipio', 'departamento', 'place', 'municipality'], emoji: '📍' },
            { id: 'facility', label: 'complaint.change.facility', aliases: ['establecimiento', 'facility'], emoji: '🏢' },
            { id: 'description', label: 'complaint.change.description', aliases: ['relato', 'descripcion', 'account', 'description'], emoji: '💬' },
            { id: 'evidence', label: 'complaint.change.evidence', aliases: ['adjunto', 'foto', 'archivo', 'attachment', 'photo', 'file'], emoji: '📎' },
            { id: 'identity', label: 'complaint.change.identity', aliases: ['forma', 'identidad', 'anonimo', 'confidencial', 'identity'], emoji: '🪪' },
            { id: 'discard', label: 'complaint.change.discard', aliases: ['descartar', 'borrar', 'nada', 'discard', 'delete'], emoji: '🗑️' },
          ],
        },
      },
      next: 'changeRoute',
    },
    // the evidence and the identity are followed by the questions after them (they depend on them)
    changeRoute: {
      kind: 'branch',
      cases: [
        { when: { var: 'change', in: ['what'] }, next: 'sector' },
        { when: { var: 'change', in: ['place'] }, next: 'place' },
        { when: { var: 'change', in: ['facility'] }, next: 'facility' },
        { when: { var: 'change', in: ['description'] }, next: 'description' },
        { when: { var: 'change', in: ['evidence'] }, next: 'evidence' },
        { when: { var: 'change', in: ['identity'] }, next: 'identity' },
      ],
      default: 'discarded',
    },
    create: {
      kind: 'effect',
      effect: 'case.create',
      args: {
        sector: 'sector',
        category: 'category',
        department: 'department',
        municipality: 'municipality',
        facility: 'facility',
        description: 'description',
        // the voice note that stands in for the words, when it does
        descriptionVoice: 'description.ref',
        identity: 'identity',
        evidence: 'evidence.ref',
        conflictOfInterest: 'conflictOfInterest',
        followUps: 'followUps',
      },
      resultVar: 'case',
      next: 'registered',
    },
    registered: { kind: 'say', text: 'complaint.registered', next: 'urgentCheck' },
    urgentCheck: {
      kind: 'branch',
      cases: [{ when: { var: 'case.urgent', in: [true] }, next: 'urgent' }],
      default: 'anonymousCheck',
    },
    urgent: { kind: 'say', text: 'complaint.urgent', next: 'anonymousCheck' },
    // an anonymous complaint keeps no link to the contact: the code is their only handle on it
    anonymousCheck: {
      kind: 'branch',
      cases: [
        { when: { var: 'identity', in: ['anonymous'] }, next: 'anonymousCode' },
        { when: { var: 'identity', in: ['confidential'] }, next: 'confidentialRelease' },
      ],
      default: 'thanks',
    },
    anonymousCode: { kind: 'say', text: 'complaint.anonymousCode', next: 'thanks' },
    // staff see a pseudonym; the citizen may later let the office see their contact
    confidentialRelease: { kind: 'say', text: 'complaint.confidentialRelease', next: 'thanks' },
    thanks: { kind: 'end', text: 'complaint.thanks' },
    discarded: { kind: 'end', text: 'complaint.discarded' },
  },
} satisfies FlowDefinition
