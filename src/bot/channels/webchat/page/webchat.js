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
  var KEY_LANG = 'dialogo.language' // sessionStorage: the conversation's language, once it changed
  var STORED_KEYS = [KEY_CONVERSATION, KEY_HISTORY, KEY_OUTBOX, KEY_DRAFT, KEY_LANG]
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
      fileTooLarge: 'Ese archivo pesa {n}: es muy grande. El máximo es {max}; pruebe con una foto en lugar de un video, o una foto más pequeña.',
      fileKind: 'No puedo guardar archivos de ese tipo ({n}). Envíe una foto, un audio, un video, un PDF o un documento de texto u hoja de cálculo.',
      fileUnreadable: 'No pude leer ese archivo.',
      skipAttach: 'Seguir sin adjuntar',
      skipWord: 'omitir',
      previewTitle: '¿Envío este archivo?',
      sendFile: 'Enviar archivo',
      cancel: 'Cancelar',
      attached: '📎 {n}',
      codeLabel: 'Su código',
      codeHint: 'Anótelo o tómele una foto: lo necesita para consultar su caso.',
      copy: 'Copiar código',
      copied: 'Código copiado',
      quickStatus: 'Consultar mi caso',
      quickMenu: 'Menú',
      leaveTitle: '¿Deja esta conversación sin terminar?',
      leaveText: 'Lo que escribió hasta ahora no se enviará.',
      leaveYes: 'Sí, dejarla',
      leaveNo: 'No, seguir',
      locationFailed: 'No pude leer su ubicación. Puede escribir o elegir el departamento.',
      endTitle: 'Conversación terminada',
      endText: 'Para proteger sus datos, esta pantalla se borrará para la siguiente persona en {n} s.',
      idleTitle: '¿Sigue ahí?',
      idleText: 'Por su privacidad, esta conversación se borrará en {n} s. Toque la pantalla o pulse una tecla para seguir.',
      secondsLeft: 'Quedan {n} segundos.',
      cleared: 'Pantalla borrada. Empieza una conversación nueva.',
      listen: 'Escuchar este mensaje',
      sendVoice: '🎤 Enviar una nota de voz',
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
      fileTooLarge: 'That file is {n}: too large. The limit is {max}; try a photo instead of a video, or a smaller photo.',
      fileKind: 'I cannot keep files of that kind ({n}). Send a photo, a recording, a video, a PDF or a text or spreadsheet document.',
      fileUnreadable: 'I could not read that file.',
      skipAttach: 'Continue without a file',
      skipWord: 'skip',
      previewTitle: 'Send this file?',
      sendFile: 'Send file',
      cancel: 'Cancel',
      attached: '📎 {n}',
      codeLabel: 'Your code',
      codeHint: 'Write it down or take a photo of it: you need it to check on your case.',
      copy: 'Copy code',
      copied: 'Code copied',
      quickStatus: 'Check my case',
      quickMenu: 'Menu',
      leaveTitle: 'Leave this conversation unfinished?',
      leaveText: 'What you wrote so far will not be sent.',
      leaveYes: 'Yes, leave it',
      leaveNo: 'No, keep going',
      locationFailed: 'I could not read your location. You can type or choose the department.',
      endTitle: 'Conversation finished',
      endText: 'To protect your data, this screen will be cleared for the next person in {n} s.',
      idleTitle: 'Are you still there?',
      idleText: 'For your privacy, this conversation will be cleared in {n} s. Tap the screen or press a key to keep going.',
      secondsLeft: '{n} seconds left.',
      cleared: 'Screen cleared. A new conversation begins.',
      listen: 'Listen to this message',
      sendVoice: '🎤 Send a voice note',
    },
  }
  var LANG = (function () {
    var wanted = (navigator.languages && navigator.languages[0]) || navigator.language || 'es'
    return String(wanted).toLowerCase().indexOf('en') === 0 ? 'en' : 'es'
  })()
  // The conversation's language can change ("idioma", the menu): the page follows it. The server's
  // answers do not name their language, so the page knows it by the sentences that follow a change
  // (the confirmation, then the menu's question); a `locale` in the answer, when sent, wins.
  var LANGUAGE_MARKS = {
    es: ['Listo, desde ahora le escribo en español.', '¿Qué desea hacer?'],
    en: ["Done, from now on I'll write to you in English.", 'What would you like to do?'],
  }
  function languageOf(text) {
    for (var lang in LANGUAGE_MARKS) {
      if (LANGUAGE_MARKS[lang].some(function (mark) { return text.indexOf(mark) >= 0 })) return lang
    }
    return null
  }
  var BROWSER_LANG = LANG
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
  // the server's MEDIA_MAX_BYTES, when it writes it; else the default it ships with
  var mediaMax = Number(metaContent('dialogo-media-max-bytes'))
  if (mediaMax > 0) MAX_FILE_BYTES = mediaMax
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

  function applyWords() {
    document.documentElement.lang = LANG
    document.title = t('title')
    Array.prototype.forEach.call(document.querySelectorAll('[data-text]'), function (node) {
      node.textContent = t(node.dataset.text)
    })
    Array.prototype.forEach.call(document.querySelectorAll('[data-label]'), function (node) {
      node.setAttribute('aria-label', t(node.dataset.label))
    })
  }
  applyWords()
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

  // A tracking code: five and five letters of Crockford's alphabet, or the older four and four.
  var CODE_PATTERN = /\b(?:[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}|[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\b/
  // The bot says "también puede escribir el número" (or asks for numbers): then the buttons show them.
  var MENTIONS_NUMBERS = /n[úu]mero|number/i

  function trackingCodeIn(text) {
    var found = CODE_PATTERN.exec(text)
    return found ? found[0] : null
  }

  // The message that gives a tracking code shows it large, with a copy button and a hint to keep it.
  function renderCode(wrap, code) {
    var box = el('div', 'code-box')
    box.appendChild(el('span', 'code-label', t('codeLabel')))
    var value = el('strong', 'code-value', code)
    value.dataset.testid = 'tracking-code'
    box.appendChild(value)
    var copy = el('button', 'secondary copy', t('copy'))
    copy.type = 'button'
    copy.dataset.testid = 'copy-code'
    copy.addEventListener('click', function () { copyCode(code, copy, value) })
    box.appendChild(copy)
    box.appendChild(el('span', 'code-hint', t('codeHint')))
    wrap.appendChild(box)
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

    // A message the operator recorded: a play button, for citizens who read little.
    if (entry.who === 'bot' && entry.audio) {
      var player = document.createElement('audio')
      player.controls = true
      player.preload = 'none'
      player.className = 'prompt-audio'
      player.dataset.testid = 'prompt-audio'
      player.setAttribute('aria-label', t('listen'))
      var source = document.createElement('source')
      source.src = entry.audio.url
      source.type = entry.audio.mimeType
      player.appendChild(source)
      wrap.appendChild(player)
    }

    if (entry.who === 'user') {
      wrap.dataset.messageId = entry.messageId || ''
      wrap.appendChild(el('span', 'meta'))
      updateUserState(wrap, entry.state)
    }

    var code = entry.who === 'bot' && entry.code ? entry.code : null
    if (code) renderCode(wrap, code)

    // A question that takes evidence gets a button that attaches a file (or takes a photo), and
    // one that goes on without (the question is optional).
    if (entry.who === 'bot' && entry.expects === 'media' && window.FileReader) {
      var attach = el('div', 'choices attach-choices')
      attach.setAttribute('role', 'group')
      attach.setAttribute('aria-label', t('options'))
      var pick = el('button', 'choice attach', t('attach'))
      pick.type = 'button'
      pick.dataset.testid = 'attach'
      pick.addEventListener('click', function () { onAttach(index) })
      attach.appendChild(pick)
      var skip = el('button', 'choice skip', t('skipAttach'))
      skip.type = 'button'
      skip.dataset.testid = 'skip-attach'
      skip.addEventListener('click', function () {
        if (activeAttachIndex() !== index) return
        focusChoicesNext = true
        enqueue({ text: t('skipWord') }, t('skipAttach'))
        focusChoicesNext = true
      })
      attach.appendChild(skip)
      wrap.appendChild(attach)
    }

    // A question a voice note may answer (what happened): record or pick a recording instead of typing.
    if (entry.who === 'bot' && entry.takesVoice && entry.expects !== 'media' && window.FileReader) {
      var voice = el('div', 'choices attach-choices')
      voice.setAttribute('role', 'group')
      voice.setAttribute('aria-label', t('options'))
      var record = el('button', 'choice attach', t('sendVoice'))
      record.type = 'button'
      record.dataset.testid = 'send-voice'
      record.addEventListener('click', function () { onAttach(index, 'audio/*') })
      voice.appendChild(record)
      wrap.appendChild(voice)
    }

    if (entry.who === 'bot' && entry.choices && entry.choices.length) {
      var group = el('div', 'choices')
      group.setAttribute('role', 'group')
      group.setAttribute('aria-label', t('options'))
      var numbered = MENTIONS_NUMBERS.test(entry.text) && entry.choices.length > 2
      entry.choices.forEach(function (choice, n) {
        var button = el('button', 'choice', numbered ? (n + 1) + '. ' + choice.label : choice.label)
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

    // After a conversation ends with nothing to choose: what people usually do next.
    if (entry.who === 'bot' && entry.ends && !(entry.choices && entry.choices.length)) {
      var quick = el('div', 'choices quick-actions')
      quick.setAttribute('role', 'group')
      quick.setAttribute('aria-label', t('options'))
      var lastCode = entry.code || codeBefore(index)
      var status = el('button', 'choice quick', t('quickStatus'))
      status.type = 'button'
      status.dataset.testid = 'quick-status'
      status.addEventListener('click', function () {
        if (activeQuickIndex() !== index) return
        enqueue({ text: lastCode ? 'estado ' + lastCode : 'estado' }, t('quickStatus'))
        focusChoicesNext = true
      })
      var menu = el('button', 'choice quick', t('quickMenu'))
      menu.type = 'button'
      menu.dataset.testid = 'quick-menu'
      menu.addEventListener('click', function () {
        if (activeQuickIndex() !== index) return
        enqueue({ text: 'menu' }, t('quickMenu'))
        focusChoicesNext = true
      })
      quick.appendChild(status)
      quick.appendChild(menu)
      wrap.appendChild(quick)
    }
    log.appendChild(wrap)
  }

  function codeKnown(code) {
    return history.some(function (e) { return e.code === code || (e.who === 'user' && e.text.toUpperCase().indexOf(code) >= 0) })
  }

  // The tracking code given earlier in the same run of replies (the thanks comes after it).
  function codeBefore(index) {
    for (var i = index; i >= 0; i--) {
      if (history[i].who !== 'bot') return null
      // a status report names the code it is about
      var code = history[i].code || trackingCodeIn(history[i].text)
      if (code) return code
    }
    return null
  }

  function copyCode(code, button, value) {
    function done() {
      button.textContent = t('copied')
      setTimeout(function () { button.textContent = t('copy') }, 3000)
    }
    // the clipboard API needs a secure context; a kiosk on plain http selects the code instead
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code).then(done, function () { selectText(value) })
      return
    }
    selectText(value)
    try { if (document.execCommand('copy')) done() } catch (e) { /* selected: the citizen can copy it */ }
  }

  function selectText(node) {
    var range = document.createRange()
    range.selectNodeContents(node)
    var selection = window.getSelection()
    selection.removeAllRanges()
    selection.addRange(range)
  }

  function updateUserState(wrap, state) {
    wrap.classList.toggle('pending', state === 'pending')
    wrap.classList.toggle('failed', state === 'failed')
    wrap.querySelector('.meta').textContent =
      state === 'pending' ? t('sending') : state === 'failed' ? t('notSent') : ''
  }

  // Only the latest set of choices is live, and only until the citizen answers (by button or
  // by typing): an old menu pressed late would answer a question that is no longer asked. A message
  // that did not go through answered nothing, so the question stays live.
  function answeredAfter(i) {
    return history[i].who === 'user' && history[i].state !== 'failed'
  }
  function activeChoicesIndex() {
    for (var i = history.length - 1; i >= 0; i--) {
      if (answeredAfter(i)) return -1
      if (history[i].who === 'bot' && history[i].choices && history[i].choices.length) return i
    }
    return -1
  }

  // The quick actions of a conversation's last message, until the citizen writes again.
  function activeQuickIndex() {
    for (var i = history.length - 1; i >= 0; i--) {
      if (answeredAfter(i)) return -1
      if (history[i].who === 'bot') return history[i].ends ? i : -1
    }
    return -1
  }

  // Answered questions fold to the answer the citizen gave (their bubble says it): the buttons of
  // 22 departments must not push the current question out of sight. Only the live group shows.
  function refreshChoices() {
    var active = activeChoicesIndex()
    var attachActive = activeAttachIndex()
    var quickActive = activeQuickIndex()
    var groups = log.querySelectorAll('.choices')
    for (var i = 0; i < groups.length; i++) {
      var entry = Number(groups[i].closest('.msg').dataset.entry)
      var live = groups[i].classList.contains('attach-choices') ? entry === attachActive
        : groups[i].classList.contains('quick-actions') ? entry === quickActive
          : entry === active
      groups[i].hidden = !live
      var buttons = groups[i].querySelectorAll('button')
      for (var j = 0; j < buttons.length; j++) buttons[j].disabled = !live
    }
    return active >= 0 ? active : attachActive >= 0 ? attachActive : quickActive
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

  // The newest message in sight; when it is taller than the log (a long list of options), its
  // start: the question and its first buttons matter more than the last ones.
  function scrollToEnd() {
    log.scrollTop = log.scrollHeight
    var last = log.lastElementChild
    if (last && last.offsetHeight > log.clientHeight) {
      log.scrollTop += last.getBoundingClientRect().top - log.getBoundingClientRect().top - 8
    }
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
    var lang = null
    // a code is shown large once, where a conversation ends by giving it (the complaint's receipt);
    // not in the help's example, nor again when the citizen asks about a code they typed
    var ending = replies.some(function (r) { return r.ends })
    replies.forEach(function (r) {
      var entry = { who: 'bot', text: r.text, choices: r.choices, expects: r.expects }
      if (r.takesVoice) entry.takesVoice = true
      if (r.audio) entry.audio = r.audio
      var code = ending ? trackingCodeIn(r.text) : null
      if (code && !codeKnown(code)) entry.code = code
      if (r.ends) entry.ends = true
      lang = r.locale || languageOf(r.text) || lang
      add(entry)
    })
    if (lang && lang !== LANG && TEXTS[lang]) setLanguage(lang)
    afterAdd()
    // a flow's last message (the thanks after a complaint): the kiosk starts over soon
    var ended = replies.some(function (r) { return r.ends })
    if (KIOSK && ended) showCountdown('end', KIOSK_END_SECONDS)
    else restartIdle()
  }

  // Puts the page's own words in the conversation's language; the log is drawn again so its
  // screen-reader labels ("Usted dice:") and buttons follow too.
  function setLanguage(lang) {
    LANG = lang
    save('sessionStorage', KEY_LANG, { conversationId: conversationId, lang: lang })
    applyWords()
    log.textContent = ''
    history.forEach(render)
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
  var AUDIO_URL = /^audio\/[a-zA-Z0-9-]+\/[A-Za-z0-9_.-]+\.(ogg|mp3)$/
  // Accept only the documented shape; anything else is dropped rather than shown half-broken.
  function normaliseReplies(body) {
    var list = body && Array.isArray(body.replies) ? body.replies : []
    // the conversation's language, when the server names it for the whole answer
    var bodyLocale = body && typeof body.locale === 'string' ? body.locale : null
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
        if (r.takesVoice === true) reply.takesVoice = true
        // a recording of this app's own (relative, under audio/), never an address elsewhere
        if (r.audio && typeof r.audio.url === 'string' && AUDIO_URL.test(r.audio.url) && typeof r.audio.mimeType === 'string' &&
          /^audio\/[\w.+-]+$/.test(r.audio.mimeType)) reply.audio = { url: r.audio.url, mimeType: r.audio.mimeType }
        var locale = typeof r.locale === 'string' ? r.locale : bodyLocale
        if (locale && TEXTS[locale]) reply.locale = locale
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
      if (answeredAfter(i)) return -1
      if (history[i].who === 'bot' && (history[i].expects === 'media' || history[i].takesVoice)) return i
    }
    return -1
  }

  // The files the server keeps (src/media/media-types.ts): refused here too, so the citizen learns
  // it before a long upload, in words, rather than after.
  var KEPT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif', 'application/pdf',
    'text/plain', 'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet']
  function isKept(type) {
    return KEPT_TYPES.indexOf(type) >= 0 || /^(audio|video)\/./.test(type)
  }

  function sizeText(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + ' KB'
    // "10 MB", "11,5 MB" in Spanish
    var mb = (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')
    return (LANG === 'es' ? mb.replace('.', ',') : mb) + ' MB'
  }

  var picker = document.getElementById('file-picker')
  var previewEl = document.getElementById('attach-preview')
  var previewImage = document.getElementById('attach-preview-image')
  var previewName = document.getElementById('attach-preview-name')
  var previewSend = document.getElementById('attach-send')
  var previewCancel = document.getElementById('attach-cancel')
  var pickingFor = -1
  var picked = null // { index, file } while the preview waits for "Enviar archivo"

  // `accept` narrows the picker (a voice note: audio only, which phones offer to record)
  var ALL_KINDS = picker.getAttribute('accept')
  function onAttach(index, accept) {
    if (activeAttachIndex() !== index) return
    pickingFor = index
    picker.value = ''
    picker.setAttribute('accept', accept || ALL_KINDS)
    picker.click()
  }

  picker.addEventListener('change', function () {
    var file = picker.files && picker.files[0]
    if (!file || activeAttachIndex() !== pickingFor) return
    var type = (file.type || '').toLowerCase()
    if (!isKept(type)) { addNote(t('fileKind', type || file.name)); return }
    if (file.size > MAX_FILE_BYTES) {
      addNote(t('fileTooLarge', sizeText(file.size)).replace('{max}', sizeText(MAX_FILE_BYTES)))
      return
    }
    showPreview(pickingFor, file)
  })

  function showPreview(index, file) {
    picked = { index: index, file: file }
    previewName.textContent = file.name + ' (' + sizeText(file.size) + ')'
    previewImage.hidden = true
    // drawn from the file's bytes: an <img> of a blob: URL is refused under default-src 'self'
    if (/^image\//.test(file.type) && window.createImageBitmap) {
      createImageBitmap(file).then(function (bitmap) {
        if (!picked || picked.file !== file) return
        var scale = Math.min(1, 160 / Math.max(bitmap.width, bitmap.height))
        previewImage.width = Math.max(1, Math.round(bitmap.width * scale))
        previewImage.height = Math.max(1, Math.round(bitmap.height * scale))
        previewImage.getContext('2d').drawImage(bitmap, 0, 0, previewImage.width, previewImage.height)
        previewImage.setAttribute('aria-label', file.name)
        previewImage.setAttribute('role', 'img')
        previewImage.hidden = false
        scrollToEnd()
      }, function () { /* not a picture the browser can draw: the name is enough */ })
    }
    previewEl.hidden = false
    scrollToEnd()
    previewSend.focus()
  }

  function hidePreview() {
    picked = null
    previewEl.hidden = true
    previewName.textContent = ''
  }

  previewCancel.addEventListener('click', function () {
    var index = picked ? picked.index : -1
    hidePreview()
    var pick = log.querySelector('[data-entry="' + index + '"] button.attach')
    if (pick && !pick.disabled) pick.focus()
  })

  previewSend.addEventListener('click', function () {
    if (!picked) return
    var file = picked.file
    var index = picked.index
    hidePreview()
    if (activeAttachIndex() !== index) return
    var reader = new FileReader()
    reader.onload = function () {
      var data = String(reader.result)
      var media = { mimeType: file.type || 'application/octet-stream', dataBase64: data.slice(data.indexOf(',') + 1) }
      focusChoicesNext = true
      enqueue({ media: media }, t('attached', file.name))
      focusChoicesNext = true
    }
    reader.onerror = function () { addNote(t('fileUnreadable')) }
    reader.readAsDataURL(file)
  })

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
    hidePreview()
    if (leaveDialog.open) leaveDialog.close()
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

  // A conversation half done (the citizen answered something and the bot has not said its last
  // word) is not thrown away on one tap: the page asks first.
  function halfDone() {
    for (var i = history.length - 1; i >= 0; i--) {
      if (history[i].who === 'bot' && history[i].ends) return false
      if (history[i].who === 'user') return true
    }
    return false
  }
  var leaveDialog = document.getElementById('leave-dialog')
  newButton.addEventListener('click', function () {
    if (!halfDone() || typeof leaveDialog.showModal !== 'function') { startOver(); return }
    leaveDialog.showModal()
    document.getElementById('leave-no').focus()
  })
  document.getElementById('leave-yes').addEventListener('click', function () {
    leaveDialog.close()
    startOver()
  })
  document.getElementById('leave-no').addEventListener('click', function () {
    leaveDialog.close()
    input.focus()
  })

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

    var storedLang = load('sessionStorage', KEY_LANG)
    var lang = same(storedLang) && TEXTS[storedLang.lang] ? storedLang.lang : BROWSER_LANG
    if (lang !== LANG) { LANG = lang; applyWords() }

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
