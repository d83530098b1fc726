import { setCaseEventSubscribers } from '../../src/cases/case-events.js'
import { caseEventSubscribers } from '../../src/case-subscribers.js'

// Tests that call the case services without compose() get the same fan-out as the app.
setCaseEventSubscribers(caseEventSubscribers())
