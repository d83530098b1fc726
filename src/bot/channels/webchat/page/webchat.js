// Diálogo web chat. Plain browser JS, no build step, no external resources (works offline).
// Written to ES2017 so older kiosk browsers run it (no ?. or ??).
(function () {
  'use strict'

  // Relative, so the page also works behind a reverse proxy path prefix.
  var ENDPOINT = 'webchat/messages'
  var POLL_MS = 4000
  var MAX_FILE_BYTES = 10 * 1024 * 1024
  var REQUEST_TIMEOUT_MS = 25000 // a hung kiosk connection must not block the queue forever
  var MAX_BACKOFF_MS = 30000
  var MAX_SERVER_ERROR_TRIES = 5 // a plain 500 may be a bug: stop retrying it eventually
  var MAX_STORED_ENTRIES = 200 // sessionStorage is small (~5 MB) and shared with the origin
  var KEY_CONVERSATION = 'dialogo.conversationId' // localStorage: survives reloads and new tabs
  var KEY_HISTORY = 'dialogo.history' // sessionStorage: what this tab showed
  var KEY_OUTBOX = 'dialogo.outbox' // sessionStorage: typed messages not yet accepted by the server
  var KEY_DRAFT = 'dialogo.draft' // sessionStorage: the text field, so a reload does not lose it
  var STORED_KEYS = [KEY_CONVERSATION, KEY_HISTORY, KEY_OUTBOX, KEY_DRAFT]
  var KIOSK_END_SECONDS = 20 // after a flow's last message: time to read the tracking code
  var KIOSK_WARN_SECONDS = 30 // the end of the idle time is counted down this long
  var DEFAULT_IDLE_MINUTES = 3

  // ------------------------------------------------------------ words
  // The page's own words follow the browser's language, as the server's replies do (it reads the
  // Accept-Language the browser sends). Anything but English gets Spanish, the product's default.
  var TEXTS = {
    es: {
      title: 'Diálogo — Quejas y consultas de servicios públicos',
      name: 'Diálogo',
      subtitle: '— Quejas y consultas de servicios públicos',
      newConversation: 'Nueva conversación',
      kioskBadge: 'Pantalla compartida: al terminar se borra todo lo escrito.',
      conversation: 'Conversación',
      typeMessage: 'Escriba su mensaje',
      send: 'Enviar',
      finishNow: 'Terminar ahora',
      keepGoing: 'Seguir',
      youSay: 'Usted dice:',
      botSays: 'Diálogo dice:',
      note: 'Aviso:',
      options: 'Opciones',
      attach: '📎 Adjuntar foto o archivo',
      shareLocation: '📍 Compartir mi ubicación',
      locationShared: '📍 Ubicación compartida',
      sending: 'Enviando…',
      notSent: 'No se envió',
      reconnecting: 'reconectando…',
      failed: 'No pudimos procesar su mensaje (error {n}).',
      flood: 'Está enviando mensajes muy rápido. Espere un momento y vuelva a intentarlo.',
      fileTooLarge: 'Ese archivo es muy grande (máximo 10 MB).',
      fileUnreadable: 'No pude leer ese archivo.',
      locationFailed: 'No pude leer su ubicación. Puede escribir o elegir el departamento.',
      endTitle: 'Conversación terminada',
      endText: 'Para proteger sus datos, esta pantalla se borrará para la siguiente persona en {n} s.',
      idleTitle: '¿Sigue ahí?',
      idleText: 'Por su privacidad, esta conversación se borrará en {n} s. Toque la pantalla o pulse una tecla para seguir.',
      secondsLeft: 'Quedan {n} segundos.',
      cleared: 'Pantalla borrada. Empieza una conversación nueva.',
    },
    en: {
      title: 'Diálogo — Complaints and questions about public services',
      name: 'Diálogo',
      subtitle: '— Complaints and questions about public services',
      newConversation: 'New conversation',
      kioskBadge: 'Shared screen: everything written is cleared when you finish.',
      conversation: 'Conversation',
      typeMessage: 'Type your message',
      send: 'Send',
      finishNow: 'Finish now',
      keepGoing: 'Keep going',
      youSay: 'You say:',
      botSays: 'Diálogo says:',
      note: 'Note:',
      options: 'Options',
      attach: '📎 Attach a photo or file',
      shareLocation: '📍 Share my location',
      locationShared: '📍 Location shared',
      sending: 'Sending…',
      notSent: 'Not sent',
      reconnecting: 'reconnecting…',
      failed: 'We could not process your message (error {n}).',
      flood: 'You are sending messages very quickly. Please wait a moment and try again.',
      fileTooLarge: 'That file is too large (10 MB at most).',
      fileUnreadable: 'I could not read that file.',
      locationFailed: 'I could not read your location. You can type or choose the department.',
      endTitle: 'Conversation finished',
      endText: 'To protect your data, this screen will be cleared for the next person in {n} s.',
      idleTitle: 'Are you still there?',
      idleText: 'For your privacy, this conversation will be cleared in {n} s. Tap the screen or press a key to keep going.',
      secondsLeft: '{n} seconds left.',
      cleared: 'Screen cleared. A new conversation begins.',
    },
  }
  var LANG = (function () {
    var wanted = (navigator.languages && navigator.languages[0]) || navigator.language || 'es'
    return String(wanted).toLowerCase().indexOf('en') === 0 ? 'en' : 'es'
  })()
  function t(key, n) {
    var text = TEXTS[LANG][key]
    return n === undefined ? text : text.replace('{n}', String(n))
  }

  // ------------------------------------------------------------ kiosk settings
  // A kiosk is a screen strangers share: the next person must find nothing of the previous one.
  // ?kiosk=1 / ?kiosk=0 on the address wins over the server's default (a meta tag it writes).
  function metaContent(name) {
    var node = document.querySelector('meta[name="' + name + '"]')
    return node ? node.getAttribute('content') : null
  }
  var kioskParam = new URLSearchParams(window.location.search).get('kiosk')
  var KIOSK = kioskParam === '1' ? true : kioskParam === '0' ? false : metaContent('dialogo-kiosk') === '1'
  var idleMinutes = Number(metaContent('dialogo-kiosk-idle-minutes'))
  var KIOSK_IDLE_MS = (idleMinutes > 0 ? idleMinutes : DEFAULT_IDLE_MINUTES) * 60000

  var log = document.getElementById('log')
  var form = document.getElementById('composer')
  var input = document.getElementById('message')
  var statusEl = document.getElementById('status')
  var newButton = document.getElementById('new-conversation')
  var countdownEl = document.getElementById('countdown')
  var countdownTitle = document.getElementById('countdown-title')
  var countdownText = document.getElementById('countdown-text')
  var announcer = document.getElementById('countdown-announce')
  var finishButton = document.getElementById('countdown-finish')
  var keepButton = document.getElementById('countdown-keep')

  document.documentElement.lang = LANG
  document.title = t('title')
  Array.prototype.forEach.call(document.querySelectorAll('[data-text]'), function (node) {
    node.textContent = t(node.dataset.text)
  })
  Array.prototype.forEach.call(document.querySelectorAll('[data-label]'), function (node) {
    node.setAttribute('aria-label', t(node.dataset.label))
  })
  document.getElementById('kiosk-badge').hidden = !KIOSK

  // ------------------------------------------------------------ storage
  // Storage can throw (private mode, disabled by policy, quota); fall back to memory so the
  // chat still works for the life of the page. A kiosk uses memory only: browser storage outlives
  // the person who typed, and the next one can open it.
  var memory = {}
  function load(area, key) {
    if (!KIOSK) {
      try {
        var raw = window[area].getItem(key)
        if (raw !== null) return JSON.parse(raw)
      } catch (e) { /* fall through to memory */ }
    }
    return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null
  }
  function save(area, key, value) {
    memory[key] = value
    if (KIOSK) return
    try { window[area].setItem(key, JSON.stringify(value)) } catch (e) { /* memory only */ }
  }
  function forget(area, key) {
    delete memory[key]
    try { window[area].removeItem(key) } catch (e) { /* nothing stored */ }
  }
  // Also what this browser may hold from before it was a kiosk (used without ?kiosk=1).
  function forgetStored() {
    STORED_KEYS.forEach(function (key) {
      forget('localStorage', key)
      forget('sessionStorage', key)
    })
  }

  // crypto.randomUUID only exists in secure contexts; a kiosk may load the page over plain http
  // on the local network, where getRandomValues still works.
  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === 'function') {
      try { return crypto.randomUUID() } catch (e) { /* insecure context */ }
    }
    var b = crypto.getRandomValues(new Uint8Array(16))
    b[6] = (b[6] & 0x0f) | 0x40
    b[8] = (b[8] & 0x3f) | 0x80
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1) }).join('')
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20)
  }

  // ------------------------------------------------------------ state
  var conversationId
  var history // [{ who: 'bot'|'user'|'note', text, choices?, expects?, messageId?, state? }]
  var outbox // [{ messageId, text?, choiceId?, silent? }] sent strictly in order
  var generation = 0 // bumped by "Nueva conversación" so late answers for the old id are dropped
  var sending = false
  var pollInFlight = null
  var pollTimer = null
  var wake = null // cuts a retry wait short (back online, new conversation)
  var aborters = [] // in-flight requests, aborted on "Nueva conversación"
  var focusChoicesNext = false
  var floodNoted = false // a flood is told once, until a message goes through again
  var idleTimer = null
  var countdownMode = null // 'end' | 'idle' while the kiosk counts down, else null
  var countdownDeadline = 0
  var countdownTicker = null
  var countdownAnnounced = 0

  function saveHistory() {
    save('sessionStorage', KEY_HISTORY, { conversationId: conversationId, entries: history.slice(-MAX_STORED_ENTRIES) })
  }
  function saveOutbox() {
    save('sessionStorage', KEY_OUTBOX, { conversationId: conversationId, items: outbox })
  }

  // ------------------------------------------------------------ rendering
  // Server text only ever goes through textContent: it is never parsed as HTML.
  function el(tag, className, text) {
    var node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined) node.textContent = text
    return node
  }

  function render(entry, index) {
    var wrap = el('div', 'msg msg-' + entry.who)
    wrap.dataset.entry = String(index)
    // who is speaking, for screen readers reading the log line by line
    var who = entry.who === 'user' ? t('youSay') : entry.who === 'bot' ? t('botSays') : t('note')
    wrap.appendChild(el('span', 'sr-only', who + ' '))
    var bubble = el('p', 'bubble', entry.text)
    if (entry.who === 'bot') bubble.dataset.testid = 'bot-message'
    if (entry.who === 'user') bubble.dataset.testid = 'user-message'
    wrap.appendChild(bubble)

    if (entry.who === 'user') {
      wrap.dataset.messageId = entry.messageId || ''
      wrap.appendChild(el('span', 'meta'))
      updateUserState(wrap, entry.state)
    }

    // A question that takes evidence gets a button that attaches a file (or takes a photo).
    if (entry.who === 'bot' && entry.expects === 'media' && window.FileReader) {
      var attach = el('div', 'choices')
      var pick = el('button', 'choice attach', t('attach'))
      pick.type = 'button'
      pick.dataset.testid = 'attach'
      pick.addEventListener('click', function () { onAttach(index) })
      attach.appendChild(pick)
      wrap.appendChild(attach)
    }

    if (entry.who === 'bot' && entry.choices && entry.choices.length) {
      var group = el('div', 'choices')
      group.setAttribute('role', 'group')
      group.setAttribute('aria-label', t('options'))
      entry.choices.forEach(function (choice) {
        var button = el('button', 'choice', choice.label)
        button.type = 'button'
        button.dataset.testid = 'choice'
        button.addEventListener('click', function () { onChoice(index, choice) })
        group.appendChild(button)
      })
      // A question that takes a place also takes the device's location, where the browser has one.
      if (entry.expects === 'location' && navigator.geolocation) {
        var share = el('button', 'choice location', t('shareLocation'))
        share.type = 'button'
        share.dataset.testid = 'share-location'
        share.addEventListener('click', function () { onShareLocation(index) })
        group.insertBefore(share, group.firstChild)
      }
      wrap.appendChild(group)
    }
    log.appendChild(wrap)
  }

  function updateUserState(wrap, state) {
    wrap.classList.toggle('pending', state === 'pending')
    wrap.classList.toggle('failed', state === 'failed')
    wrap.querySelector('.meta').textContent =
      state === 'pending' ? t('sending') : state === 'failed' ? t('notSent') : ''
  }

  // Only the latest set of choices is live, and only until the citizen answers (by button or
  // by typing): an old menu pressed late would answer a question that is no longer asked.
  function activeChoicesIndex() {
    for (var i = history.length - 1; i >= 0; i--) {
      if (history[i].who === 'user') return -1
      if (history[i].who === 'bot' && history[i].choices && history[i].choices.length) return i
    }
    return -1
  }

  function refreshChoices() {
    var active = activeChoicesIndex()
    var buttons = log.querySelectorAll('button.choice')
    for (var i = 0; i < buttons.length; i++) {
      var wrap = buttons[i].closest('.msg')
      buttons[i].disabled = Number(wrap.dataset.entry) !== active
    }
    return active
  }

  // The last question says what it expects; a numeric keyboard helps on phones.
  function refreshInputMode() {
    for (var i = history.length - 1; i >= 0; i--) {
      if (history[i].who === 'bot') {
        input.inputMode = history[i].expects === 'number' ? 'numeric' : 'text'
        return
      }
    }
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight
  }

  function add(entry) {
    history.push(entry)
    render(entry, history.length - 1)
  }

  function afterAdd() {
    var active = refreshChoices()
    refreshInputMode()
    saveHistory()
    scrollToEnd()
    // After a button press focus sat on the log; hand it to the new options, unless the citizen
    // has moved on to something else meanwhile.
    if (focusChoicesNext && active >= 0) {
      var current = document.activeElement
      if (!current || current === document.body || current === log) {
        var first = log.querySelector('[data-entry="' + active + '"] button.choice')
        if (first) first.focus()
      }
    }
    focusChoicesNext = false
  }

  function addBotReplies(replies) {
    if (!replies.length) return
    replies.forEach(function (r) {
      add({ who: 'bot', text: r.text, choices: r.choices, expects: r.expects })
    })
    afterAdd()
    // a flow's last message (the thanks after a complaint): the kiosk starts over soon
    var ended = replies.some(function (r) { return r.ends })
    if (KIOSK && ended) showCountdown('end', KIOSK_END_SECONDS)
    else restartIdle()
  }

  function addNote(text) {
    add({ who: 'note', text: text })
    afterAdd()
  }

  function setUserState(messageId, state) {
    history.forEach(function (entry) {
      if (entry.who === 'user' && entry.messageId === messageId) entry.state = state
    })
    var wraps = log.querySelectorAll('.msg-user')
    for (var i = 0; i < wraps.length; i++) {
      if (wraps[i].dataset.messageId === messageId) updateUserState(wraps[i], state)
    }
    saveHistory()
  }

  function setReconnecting(on) {
    var text = on ? t('reconnecting') : ''
    if (statusEl.textContent !== text) statusEl.textContent = text
  }

  // ------------------------------------------------------------ server replies
  // Accept only the documented shape; anything else is dropped rather than shown half-broken.
  function normaliseReplies(body) {
    var list = body && Array.isArray(body.replies) ? body.replies : []
    return list
      .filter(function (r) { return r && typeof r.text === 'string' })
      .map(function (r) {
        var choices = Array.isArray(r.choices)
          ? r.choices.filter(function (c) {
            return c && typeof c.id === 'string' && typeof c.label === 'string'
          }).map(function (c) { return { id: c.id, label: c.label } })
          : []
        var reply = { text: r.text }
        if (choices.length) reply.choices = choices
        if (typeof r.expects === 'string') reply.expects = r.expects
        if (r.ends === true) reply.ends = true
        return reply
      })
  }

  // The problem's words for people, or null: refusals after the first carry only a technical detail.
  async function problemDetail(res) {
    try {
      var p = await res.json()
      if (p && typeof p.detail === 'string' && p.detail && p.detail.indexOf('too many') !== 0) return p.detail
    } catch (e) { /* not JSON */ }
    return null
  }

  async function problemText(res) {
    try {
      var p = await res.json()
      if (p && typeof p.detail === 'string' && p.detail) return p.detail
      if (p && typeof p.title === 'string' && p.title) return p.title
    } catch (e) { /* not JSON */ }
    return t('failed', res.status)
  }

  // fetch with a timeout; also abortable by "Nueva conversación". Rejects on network failure.
  async function request(url, options) {
    var controller = new AbortController()
    aborters.push(controller)
    var timer = setTimeout(function () { controller.abort() }, REQUEST_TIMEOUT_MS)
    try {
      options.signal = controller.signal
      options.cache = 'no-store'
      options.credentials = 'same-origin'
      var res = await fetch(url, options)
      // read the body inside the timeout too: a connection can die halfway through it
      var body = res.ok && res.status !== 204 ? await res.json() : null
      return { res: res, body: body }
    } finally {
      clearTimeout(timer)
      aborters = aborters.filter(function (c) { return c !== controller })
    }
  }

  function sleep(ms) {
    return new Promise(function (resolve) {
      var timer = setTimeout(done, ms)
      function done() { clearTimeout(timer); if (wake === done) wake = null; resolve() }
      wake = done
    })
  }

  function backoff(attempt, res) {
    var retryAfter = res && Number(res.headers.get('Retry-After'))
    if (retryAfter > 0) return Math.min(retryAfter * 1000, MAX_BACKOFF_MS)
    var base = Math.min(1000 * Math.pow(2, attempt), MAX_BACKOFF_MS)
    return base / 2 + Math.random() * base / 2 // jitter, so many kiosks don't retry in step
  }

  // Worth retrying with the same messageId (the server dedupes on it).
  function retryable(status, serverErrors) {
    if (status === 408 || status === 425 || status === 429 || status === 502 || status === 503 || status === 504) return true
    return status >= 500 && serverErrors < MAX_SERVER_ERROR_TRIES
  }

  // Delivers one message, retrying until the server answers. Resolves to { replies } or
  // { error }, or null when the conversation was replaced meanwhile.
  async function deliver(item, gen) {
    var payload = { conversationId: conversationId, messageId: item.messageId }
    if (item.text !== undefined) payload.text = item.text
    if (item.choiceId !== undefined) payload.choiceId = item.choiceId
    if (item.location !== undefined) payload.location = item.location
    if (item.media !== undefined) payload.media = item.media
    if (KIOSK) payload.kiosk = true // the server then treats it as a shared screen (no "mis datos")
    var attempt = 0
    var serverErrors = 0
    for (;;) {
      // a poll answered before this message must be shown before this message's replies
      if (pollInFlight) await pollInFlight
      if (gen !== generation) return null
      var result = null
      try {
        result = await request(ENDPOINT, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(payload),
        })
      } catch (e) { /* network error, timeout or unreadable body: retry */ }
      if (gen !== generation) return null
      var res = result && result.res
      if (res && res.ok) {
        setReconnecting(false)
        floodNoted = false
        return { replies: normaliseReplies(result.body) }
      }
      // a flood is told once, in the server's words; the message keeps its place and is retried
      if (res && res.status === 429 && !floodNoted) {
        floodNoted = true
        var said = await problemDetail(res)
        if (gen !== generation) return null
        addNote(said || t('flood'))
      }
      if (res && res.status >= 500) serverErrors++
      if (res && !retryable(res.status, serverErrors)) {
        setReconnecting(false)
        return { error: await problemText(res) }
      }
      setReconnecting(true)
      await sleep(backoff(attempt++, res))
    }
  }

  // Sends the outbox one message at a time, in order.
  async function pump() {
    if (sending) return
    sending = true
    var gen = generation
    try {
      while (outbox.length && gen === generation) {
        var item = outbox[0]
        var outcome = await deliver(item, gen)
        if (!outcome || gen !== generation) return
        outbox.shift()
        saveOutbox()
        if (outcome.replies) {
          if (!item.silent) setUserState(item.messageId, 'sent')
          addBotReplies(outcome.replies)
        } else {
          if (!item.silent) setUserState(item.messageId, 'failed')
          // never lose what was typed: put it back if the field is free
          if (item.text && !item.silent && !input.value) setDraft(item.text)
          addNote(outcome.error)
        }
      }
    } finally {
      if (gen === generation) sending = false
    }
  }

  function enqueue(item, shownText) {
    item.messageId = uuid()
    if (!item.silent) add({ who: 'user', text: shownText, messageId: item.messageId, state: 'pending' })
    outbox.push(item)
    saveOutbox() // before sending, so a reload mid-retry resends with the same messageId
    if (!item.silent) afterAdd()
    pump()
  }

  // ------------------------------------------------------------ polling
  function schedulePoll() {
    clearTimeout(pollTimer)
    pollTimer = setTimeout(poll, POLL_MS)
  }

  async function poll() {
    clearTimeout(pollTimer)
    // while a POST is in flight its answer carries the news; hidden tabs don't need updates
    if (pollInFlight || sending || outbox.length || document.visibilityState !== 'visible') {
      schedulePoll()
      return
    }
    var gen = generation
    pollInFlight = (async function () {
      try {
        // in a header, not the query: the id is the citizen's secret and URLs end up in access logs
        var result = await request(ENDPOINT, {
          method: 'GET',
          headers: { Accept: 'application/json', 'X-Conversation-Id': conversationId },
        })
        if (gen !== generation) return
        if (!sending) setReconnecting(false)
        if (result.res.ok) addBotReplies(normaliseReplies(result.body))
      } catch (e) {
        if (gen === generation && !sending) setReconnecting(true)
      }
    })()
    try { await pollInFlight } finally {
      pollInFlight = null
      if (gen === generation) schedulePoll()
    }
  }

  // ------------------------------------------------------------ user actions
  function onChoice(index, choice) {
    if (activeChoicesIndex() !== index) return // a late double tap on an old menu
    // the pressed button is about to be disabled; keep focus somewhere sensible meanwhile
    log.focus({ preventScroll: true })
    enqueue({ choiceId: choice.id }, choice.label)
    focusChoicesNext = true // after enqueue: showing the user's bubble resets it
  }

  // The last bot message that asks for evidence, or -1 once the citizen has answered it.
  function activeAttachIndex() {
    for (var i = history.length - 1; i >= 0; i--) {
      if (history[i].who === 'user') return -1
      if (history[i].who === 'bot' && history[i].expects === 'media') return i
    }
    return -1
  }

  function onAttach(index) {
    if (activeAttachIndex() !== index) return
    var picker = document.createElement('input')
    picker.type = 'file'
    picker.accept = 'image/*,audio/*,video/*,application/pdf'
    picker.addEventListener('change', function () {
      var file = picker.files && picker.files[0]
      if (!file) return
      if (file.size > MAX_FILE_BYTES) { addNote(t('fileTooLarge')); return }
      var reader = new FileReader()
      reader.onload = function () {
        var data = String(reader.result)
        var media = { mimeType: file.type || 'application/octet-stream', dataBase64: data.slice(data.indexOf(',') + 1) }
        enqueue({ media: media }, '📎 ' + file.name)
      }
      reader.onerror = function () { addNote(t('fileUnreadable')) }
      reader.readAsDataURL(file)
    })
    picker.click()
  }

  function onShareLocation(index) {
    if (activeChoicesIndex() !== index) return
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var location = { latitude: position.coords.latitude, longitude: position.coords.longitude }
        enqueue({ location: location }, t('locationShared'))
      },
      function () { addNote(t('locationFailed')) },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 },
    )
  }

  function setDraft(text) {
    input.value = text
    save('sessionStorage', KEY_DRAFT, text)
  }
  input.addEventListener('input', function () { save('sessionStorage', KEY_DRAFT, input.value) })

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    var text = input.value.trim()
    if (!text) { input.focus(); return }
    setDraft('')
    enqueue({ text: text }, text)
    input.focus()
  })

  // Drops the conversation: a new random id, an empty log, the greeting. On a kiosk nothing of the
  // previous person stays: not on screen, not in memory, not in storage, not in the tab's history.
  function startOver() {
    generation++
    sending = false
    aborters.forEach(function (c) { c.abort() })
    aborters = []
    if (wake) wake()
    clearTimeout(pollTimer)
    hideCountdown()
    clearTimeout(idleTimer)
    floodNoted = false
    forgetStored()
    memory = {}
    history = []
    outbox = []
    log.textContent = ''
    input.value = ''
    setReconnecting(false)
    if (KIOSK) {
      // replace, never push: Back must not lead to an entry of the previous person
      window.history.replaceState(null, '', window.location.href)
      announce(t('cleared'))
    }
    start()
  }

  newButton.addEventListener('click', startOver)

  // ------------------------------------------------------------ kiosk countdowns
  function announce(text) {
    // emptied first, so the same words said twice are read twice
    announcer.textContent = ''
    setTimeout(function () { announcer.textContent = text }, 50)
  }

  function hasWords() {
    return input.value !== '' || history.some(function (e) { return e.who === 'user' })
  }

  // The idle clock restarts on every sign of a person (a key, a tap, a reply to read).
  function restartIdle() {
    if (!KIOSK || countdownMode === 'end') return
    if (countdownMode === 'idle') hideCountdown()
    clearTimeout(idleTimer)
    idleTimer = setTimeout(function () {
      // an untouched greeting holds nobody's words: nothing to clear
      if (hasWords()) showCountdown('idle', KIOSK_WARN_SECONDS)
    }, Math.max(0, KIOSK_IDLE_MS - KIOSK_WARN_SECONDS * 1000))
  }

  function showCountdown(mode, seconds) {
    clearTimeout(idleTimer)
    clearInterval(countdownTicker)
    countdownMode = mode
    countdownDeadline = Date.now() + seconds * 1000
    countdownAnnounced = seconds
    countdownEl.classList.toggle('ending', mode === 'end')
    countdownTitle.textContent = t(mode === 'end' ? 'endTitle' : 'idleTitle')
    countdownEl.hidden = false
    tick()
    // the panel takes room from the log: keep the last message (the tracking code) in sight
    scrollToEnd()
    announce(countdownTitle.textContent + '. ' + countdownText.textContent)
    countdownTicker = setInterval(tick, 1000)
  }

  function tick() {
    var left = Math.ceil((countdownDeadline - Date.now()) / 1000)
    if (left <= 0) { startOver(); return }
    countdownText.textContent = t(countdownMode === 'end' ? 'endText' : 'idleText', left)
    // the visible number changes every second; a screen reader hears it again only at 10 seconds
    if (left <= 10 && countdownAnnounced > 10) announce(t('secondsLeft', left))
    countdownAnnounced = left
  }

  function hideCountdown() {
    clearInterval(countdownTicker)
    countdownTicker = null
    countdownMode = null
    countdownEl.hidden = true
    countdownText.textContent = ''
    announcer.textContent = ''
  }

  finishButton.addEventListener('click', startOver)
  keepButton.addEventListener('click', function () {
    hideCountdown()
    restartIdle()
    input.focus()
  })

  // Any key or touch means someone is there. Tab and Shift+Tab only move focus (perhaps to the
  // countdown's own buttons), and those buttons say for themselves what the person wants.
  var FOCUS_KEYS = ['Tab', 'Shift', 'Control', 'Alt', 'Meta']
  function onActivity(event) {
    if (!KIOSK) return
    if (event.type === 'keydown' && FOCUS_KEYS.indexOf(event.key) >= 0) return
    if (event.target instanceof Node && countdownEl.contains(event.target)) return
    if (countdownMode) hideCountdown()
    restartIdle()
  }
  ;['keydown', 'pointerdown', 'touchstart', 'wheel', 'input'].forEach(function (type) {
    document.addEventListener(type, onActivity, { capture: true, passive: true })
  })

  // Restored from the back-forward cache: the page is as someone left it, so start over.
  window.addEventListener('pageshow', function (event) {
    if (KIOSK && event.persisted) startOver()
  })

  // back online or back on screen: try at once rather than wait out the backoff
  window.addEventListener('online', function () { if (wake) wake() })
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') {
      if (wake) wake()
      poll()
    }
  })

  // ------------------------------------------------------------ start
  function start() {
    conversationId = load('localStorage', KEY_CONVERSATION)
    if (typeof conversationId !== 'string' || !conversationId) {
      conversationId = uuid()
      save('localStorage', KEY_CONVERSATION, conversationId)
    }
    // history and outbox belong to one conversation; another tab may have started a new one
    var storedHistory = load('sessionStorage', KEY_HISTORY)
    var storedOutbox = load('sessionStorage', KEY_OUTBOX)
    var same = function (s) { return s && s.conversationId === conversationId }
    history = same(storedHistory) && Array.isArray(storedHistory.entries) ? storedHistory.entries : []
    outbox = same(storedOutbox) && Array.isArray(storedOutbox.items) ? storedOutbox.items : []
    var draft = load('sessionStorage', KEY_DRAFT)
    input.value = typeof draft === 'string' ? draft : ''

    history.forEach(render)
    refreshChoices()
    refreshInputMode()
    scrollToEnd()

    // the bot answers any first message with its menu; "hola" is sent but not shown
    if (!history.length && !outbox.length) enqueue({ text: 'hola', silent: true })
    else pump()
    schedulePoll()
    restartIdle()
  }

  if (KIOSK) forgetStored()
  start()
})()
