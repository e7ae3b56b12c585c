/* Chatwidget van de rol-adviesassistent van 2ASSISTU.
 * Insluiten: <script src="https://JOUW-RASA-SERVER/chat/widget.js" defer></script>
 * Op een pagina voor werkgevers of kandidaten met data-audience="werkgever" of "kandidaat":
 * dan past de openingszin daarbij (de teksten staan in domain.yml, utter_greet).
 * Geen framework, geen andere origin: alles komt van de server die dit bestand levert.
 * Alle tekst wordt als tekst getoond (textContent), nooit als HTML. Het enige opmaakteken: een regel
 * "---" onder een regel van de assistent maakt die regel een kop (actions/knowledge.py, titled).
 * Een lang antwoord staat eerst ingekort, met een knop "Meer lezen". */
(function () {
  "use strict";

  /* Alle teksten van de widget, op één plek. */
  var NL = {
    launcher: "Chat",
    launcherHint: " met de assistent",
    unreadOne: "1 nieuw bericht",
    unreadMany: "{n} nieuwe berichten",
    title: "Vraag het de assistent",
    subtitle: "Office manager of secretaresse?",
    close: "Chat sluiten",
    log: "Gesprek met de assistent",
    you: "Jij",
    bot: "Assistent",
    replies: "Snelle antwoorden",
    inputLabel: "Je vraag",
    placeholder: "Typ je vraag…",
    send: "Versturen",
    typing: "De assistent typt…",
    starting: "De chat wordt gestart…",
    offline: "Geen verbinding met de assistent. Je bericht is niet verstuurd; je tekst staat nog klaar.",
    server: "Er ging iets mis bij de assistent. Je bericht is niet verstuurd; je tekst staat nog klaar.",
    startFailed: "De chat kon niet starten. Controleer je verbinding en probeer het opnieuw.",
    historyFailed: "Het eerdere gesprek kon niet worden geladen.",
    expired: "Je vorige gesprek is verlopen. Er is een nieuw gesprek gestart.",
    tooLong: "Je bericht is te lang: hoogstens {n} tekens.",
    tooMany: "Je stuurt veel berichten kort na elkaar. Wacht even en probeer het dan opnieuw.",
    retry: "Opnieuw versturen",
    retryStart: "Opnieuw proberen",
    staff: "{name} van 2ASSISTU",
    handoffWaiting: "Je wacht op een medewerker van 2ASSISTU. Je kunt je vraag alvast typen.",
    handoffActive: "Je chat met een medewerker van 2ASSISTU.",
    privacy: "We bewaren dit gesprek om je te kunnen helpen. ",
    privacyLink: "Privacy en bewaartermijn",
    more: "Meer lezen",
    less: "Minder"
  };

  var MAX_TEXT = 4000;  // bot/runtime/web.py MAX_TEXT
  var TIMEOUT_MS = 45000;
  var POLL_MS = 800;    // zolang een medewerker het gesprek heeft: zo vaak naar nieuwe antwoorden vragen
  /* Links: https://…, mailto:…, tel:…, een los e-mailadres en een Nederlands telefoonnummer
     ("020 123 4567", "+31 20 123 4567"); actions/knowledge.py keurt de contactgegevens zo. */
  var LINK = /(?:https:\/\/[^\s<>"']+|mailto:[^\s<>"']+|tel:\+?[0-9][0-9()\-]*[0-9]|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|(?:\+31[ -]?|\b0)[1-9](?:[ -]?[0-9]){8}(?![0-9]))/gi;
  var SAFE_PROTOCOLS = { "https:": 1, "mailto:": 1, "tel:": 1 };
  var HEADING_RULE = /^-{3,}$/;  // de regel onder een kop (actions/knowledge.py, HEADING_RULE)
  /* Een bericht van de assistent dat het zichtbare deel van het gesprek bijna vult (hoger dan LONG
     keer die hoogte) staat eerst ingekort tot SHORT keer die hoogte, hele regels, met "Meer lezen"
     eronder: zo past elk bericht op het scherm, ook op een telefoon van 375 x 740. */
  var LONG = 0.8;
  var SHORT = 0.45;

  var script = document.currentScript;
  if (!script || window.__rolAdviesWidget) return;
  window.__rolAdviesWidget = true;
  var BASE = new URL(".", script.src).href;               // .../chat/
  var STORE_KEY = "rol-advies-chat:" + BASE;
  var AUDIENCE = script.getAttribute("data-audience") || "";  // de server kent "werkgever" en "kandidaat"

  var storage = {
    get: function (area, key) { try { return window[area].getItem(key); } catch (e) { return null; } },
    set: function (area, key, value) {
      try { if (value == null) window[area].removeItem(key); else window[area].setItem(key, value); } catch (e) { /* privémodus */ }
    }
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /* Tekst met alleen https:-, mailto:- en tel:-links (ook een los e-mailadres of telefoonnummer);
     al het andere blijft gewone tekst. */
  function appendText(parent, text) {
    var last = 0;
    text.replace(LINK, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      var href = null;
      var full = /^(https|mailto|tel):/i.test(url) ? url
        : url.indexOf("@") > 0 ? "mailto:" + url : "tel:" + url.replace(/[^0-9+]/g, "");
      try { var parsed = new URL(full); if (SAFE_PROTOCOLS[parsed.protocol]) href = parsed.href; } catch (e) { /* geen link */ }
      if (!href) return match;
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var a = el("a", null, url.replace(/^(mailto|tel):/i, ""));
      a.href = href;
      a.rel = "noopener noreferrer";
      if (/^https:/i.test(href)) a.target = "_blank";
      parent.appendChild(a);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /* Een bericht van de assistent: tekst zoals appendText, en een regel met daaronder "---" als kop. */
  var headingCount = 0;
  function appendBody(parent, text) {
    var lines = text.split("\n");
    var run = [];
    function flush() {
      if (run.length) appendText(parent, run.join("\n"));
      run = [];
    }
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].trim();
      var heads = line && line.charAt(0) !== "•" && !HEADING_RULE.test(line);    // geen lijstregel, geen "---"
      if (heads && i + 1 < lines.length && HEADING_RULE.test(lines[i + 1].trim())) {
        flush();
        var heading = el("h3", "heading", line);
        heading.id = "kop-" + (++headingCount);
        parent.appendChild(heading);
        i++;                                               // de regel "---" zelf niet
      } else {
        run.push(lines[i]);
      }
    }
    flush();
  }

  /* ---- DOM in een shadow root: de stijlen van de pagina en van de widget raken elkaar niet ---- */
  var host = el("rol-advies-chat");                        // eigen elementnaam: regels voor "div" raken hem niet
  host.id = "rol-advies-chat";
  var root = host.attachShadow({ mode: "open" });
  var css = el("link");
  css.rel = "stylesheet";
  css.href = BASE + "widget.css";
  var wrap = el("div", "chat");
  wrap.lang = "nl";
  wrap.hidden = true;                                      // tot de stijlen er zijn
  css.addEventListener("load", function () { wrap.hidden = false; });
  css.addEventListener("error", function () { wrap.hidden = false; });

  var panel = el("section", "panel");
  panel.id = "panel";
  panel.hidden = true;
  panel.setAttribute("aria-labelledby", "title");
  var head = el("header", "head");
  var titles = el("div", "titles");
  var title = el("h2", "title", NL.title);
  title.id = "title";
  titles.appendChild(title);
  titles.appendChild(el("p", "subtitle", NL.subtitle));
  var closeBtn = el("button", "close");
  closeBtn.type = "button";
  closeBtn.setAttribute("aria-label", NL.close);
  closeBtn.appendChild(el("span", null, "×")).setAttribute("aria-hidden", "true");
  head.appendChild(titles);
  head.appendChild(closeBtn);

  var log = el("div", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", NL.log);
  log.tabIndex = 0;

  var typing = el("div", "typing");
  typing.setAttribute("role", "status");
  var typingDots = el("span", "dots");
  typingDots.setAttribute("aria-hidden", "true");
  typingDots.appendChild(el("span"));
  typingDots.appendChild(el("span"));
  typingDots.appendChild(el("span"));
  var typingText = el("span", "typing-text");

  /* Met een medewerker van 2ASSISTU (de live overdracht): wie er antwoordt. */
  var handoffBox = el("p", "handoff");
  handoffBox.setAttribute("role", "status");

  var alertBox = el("div", "error");
  alertBox.setAttribute("role", "alert");
  var alertText = el("p", "error-text");
  var retryBtn = el("button", "retry");
  retryBtn.type = "button";
  retryBtn.hidden = true;
  alertBox.appendChild(alertText);
  alertBox.appendChild(retryBtn);

  var form = el("form", "compose");
  form.noValidate = true;
  var label = el("label", "sr", NL.inputLabel);
  label.htmlFor = "input";
  var input = el("input", "input");
  input.id = "input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = MAX_TEXT;
  input.placeholder = NL.placeholder;
  var sendBtn = el("button", "send", NL.send);
  sendBtn.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendBtn);

  /* Wat we bewaren en waar dat staat: de server stuurt /chat/privacy door naar PRIVACY_URL. */
  var privacy = el("p", "privacy", NL.privacy);
  var privacyLink = el("a", null, NL.privacyLink);
  privacyLink.href = BASE + "privacy";
  privacyLink.target = "_blank";
  privacyLink.rel = "noopener noreferrer";
  privacy.appendChild(privacyLink);

  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(handoffBox);
  panel.appendChild(typing);
  panel.appendChild(alertBox);
  panel.appendChild(form);
  panel.appendChild(privacy);

  var launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "panel");
  var icon = el("span", "icon");
  icon.setAttribute("aria-hidden", "true");
  launcher.appendChild(icon);
  launcher.appendChild(el("span", "launcher-text", NL.launcher));
  launcher.appendChild(el("span", "sr", NL.launcherHint));
  var badge = el("span", "badge");
  badge.hidden = true;
  var badgeCount = el("span", null);
  badgeCount.setAttribute("aria-hidden", "true");
  var badgeText = el("span", "sr");
  badge.appendChild(badgeCount);
  badge.appendChild(badgeText);
  launcher.appendChild(badge);

  wrap.appendChild(panel);
  wrap.appendChild(launcher);
  root.appendChild(css);
  root.appendChild(wrap);

  /* ---- toestand ---- */
  var state = {
    token: storage.get("localStorage", STORE_KEY),
    open: false,
    busy: false,      // een verzoek loopt
    pending: null,    // een bericht dat (nog) niet aankwam: {text, display, clientId, typed}
    unread: 0,
    expired: false,   // het bewaarde gesprek bestond niet meer
    started: false,   // het gesprek staat in de lijst (geopend of uit de geschiedenis)
    handoff: null,    // "wacht" of "actief" zolang een medewerker het gesprek heeft
    last: 0,          // het nummer van het laatste doorgestuurde bericht (antwoorden van medewerkers)
    polling: null     // de timer van de volgende vraag naar nieuwe antwoorden
  };

  function setToken(token) {
    state.token = token || null;
    storage.set("localStorage", STORE_KEY, state.token);
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  /* ---- lange berichten: eerst de korte vorm, "Meer lezen" toont alles ---- */
  var folds = [];        // {row, body, button, area: hoogte van het gesprek bij het meten, short: de korte vorm, touched}
  var foldCount = 0;

  function foldable(row, body) {
    var button = el("button", "more", NL.more);
    button.type = "button";
    button.hidden = true;
    body.id = "bericht-" + (++foldCount);
    button.setAttribute("aria-controls", body.id);
    button.setAttribute("aria-expanded", "false");
    var fold = { row: row, body: body, button: button, area: 0, short: 0, touched: false };
    var heading = body.querySelector(".heading");
    if (heading) button.setAttribute("aria-describedby", heading.id);   // "Meer lezen, Wat doet een ..."
    button.addEventListener("click", function () {
      fold.touched = true;
      var folding = button.getAttribute("aria-expanded") === "true";
      setFolded(fold, folding);
      if (folding && row.offsetTop < log.scrollTop) log.scrollTop = row.offsetTop - 8;  // het begin weer in beeld
    });
    // een link in het verborgen deel krijgt focus (Tab): dan eerst alles tonen
    body.addEventListener("focusin", function () {
      if (button.getAttribute("aria-expanded") === "false" && !button.hidden) { fold.touched = true; setFolded(fold, false); }
    });
    row.appendChild(button);
    folds.push(fold);
    fit(fold);
  }

  function setFolded(fold, folded) {
    fold.body.classList.toggle("folded", folded);
    if (folded) fold.body.style.setProperty("max-height", fold.short + "px");   // CSSOM: de CSP staat het toe
    else fold.body.style.removeProperty("max-height");
    fold.button.textContent = folded ? NL.more : NL.less;
    fold.button.setAttribute("aria-expanded", folded ? "false" : "true");
  }

  /* Kort of niet, naar de hoogte van het gesprek nu; opnieuw alleen als die veel verandert
     (draaien, ander venster), niet als de regel "typt…" verschijnt. Wat de bezoeker zelf open-
     of dichtklapte, blijft zo. */
  function fit(fold) {
    var area = log.clientHeight + typing.offsetHeight + alertBox.offsetHeight;   // zonder "typt…" of een fout
    if (!area || fold.touched || !fold.row.isConnected) return;   // paneel dicht: bij openen
    if (fold.area && Math.abs(area - fold.area) < 0.2 * fold.area) return;
    fold.area = area;
    fold.body.classList.remove("folded");
    fold.body.style.removeProperty("max-height");
    var line = parseFloat(getComputedStyle(fold.body).lineHeight) || 23;
    var full = fold.body.scrollHeight;
    fold.short = Math.max(4, Math.floor(area * SHORT / line)) * line;
    var long = full > area * LONG && full - fold.short > 2 * line;
    fold.button.hidden = !long;
    if (long) setFolded(fold, true);
  }

  function fitAll() {
    folds = folds.filter(function (fold) { return fold.row.isConnected; });
    folds.forEach(fit);
  }

  // Het gesprek wordt zichtbaar (stijlen geladen, paneel open) of verandert van hoogte: lange
  // berichten opnieuw passend maken (fit).
  var fitting = 0;
  function fitSoon() {
    cancelAnimationFrame(fitting);
    fitting = requestAnimationFrame(fitAll);
  }
  if (window.ResizeObserver) new ResizeObserver(fitSoon).observe(log);
  else window.addEventListener("resize", fitSoon);

  /* Snelle antwoorden: verborgen zolang een bericht onderweg is, weg als het aankwam,
     terug als het niet aankwam. */
  function replies(how) {
    var groups = log.querySelectorAll(".replies");
    for (var i = 0; i < groups.length; i++) {
      if (how === "drop") groups[i].remove(); else groups[i].hidden = how === "hide";
    }
  }

  function addMessage(message, withButtons) {
    var from = message.from === "user" ? "user" : "bot";
    var text = String(message.text || "");
    var row = null, group = null;
    if (text) {                                            // een bericht met alleen knoppen: geen lege ballon
      row = el("div", "msg msg-" + from + (message.staff ? " msg-staff" : ""));
      var bubble = el("div", "bubble");
      if (message.staff) {                                 // een medewerker: zichtbaar met haar voornaam
        row.appendChild(el("p", "who", NL.staff.replace("{name}", String(message.staff))));
        bubble.appendChild(el("span", "sr", NL.staff.replace("{name}", String(message.staff)) + ": "));
      } else {
        bubble.appendChild(el("span", "sr", (from === "user" ? NL.you : NL.bot) + ": "));
      }
      if (from === "user") {
        appendText(bubble, text);
      } else {
        var body = el("div", "body");
        if (message.staff) appendText(body, text); else appendBody(body, text);
        bubble.appendChild(body);
      }
      row.appendChild(bubble);
      log.appendChild(row);
      if (from === "bot") foldable(row, body);
    }
    var buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (withButtons && buttons.length) {
      group = el("div", "replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", NL.replies);
      buttons.forEach(function (b) {
        var button = el("button", "reply", String(b.title));
        button.type = "button";
        button.addEventListener("click", function () {
          input.focus();                                   // de knop verdwijnt zo dadelijk
          submit({ text: String(b.payload), display: String(b.title), clientId: randomId(), typed: false });
        });
        group.appendChild(button);
      });
      log.appendChild(group);
    }
    scrollDown();
    return row || group;
  }

  function addBotMessages(messages) {
    var first = null;
    (messages || []).forEach(function (m) { var row = addMessage(m, true); first = first || row; });
    // Een lang antwoord: toon het vanaf het begin in plaats van alleen het einde.
    if (first) log.scrollTop = Math.min(log.scrollHeight - log.clientHeight, first.offsetTop - 8);
    if (!state.open && messages && messages.length) {
      state.unread += messages.length;
      showBadge();
    }
  }

  function renderTranscript(messages) {
    log.textContent = "";
    var lastUser = -1;
    messages.forEach(function (m, i) { if (m.from === "user") lastUser = i; });
    messages.forEach(function (m, i) { addMessage(m, i > lastUser); });
    state.started = messages.length > 0;
  }

  function showBadge() {
    badge.hidden = state.unread === 0;
    badgeCount.textContent = state.unread > 9 ? "9+" : String(state.unread);
    badgeText.textContent = ", " + (state.unread === 1 ? NL.unreadOne : NL.unreadMany.replace("{n}", state.unread));
  }

  function setTyping(text) {
    typing.textContent = "";
    if (text) {
      typing.appendChild(typingDots);
      typingText.textContent = text;
      typing.appendChild(typingText);
    }
    typing.classList.toggle("on", !!text);
  }

  function showError(text, retryLabel, onRetry) {
    alertBox.classList.add("on");
    alertText.textContent = text;
    retryBtn.hidden = !onRetry;
    retryBtn.textContent = retryLabel || NL.retry;
    retryBtn.onclick = onRetry ? function () { clearError(); onRetry(); } : null;
  }

  function clearError() {
    alertBox.classList.remove("on");
    alertText.textContent = "";
    retryBtn.hidden = true;
    retryBtn.onclick = null;
  }

  function api(method, path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var headers = { "Accept": "application/json" };
    if (body) headers["Content-Type"] = "application/json";
    if (state.token) headers["Authorization"] = "Bearer " + state.token;
    return fetch(BASE + "api/" + path, {
      method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
      signal: controller.signal, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).then(function (res) {
      clearTimeout(timer);
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) { var err = new Error(data.error || "http"); err.status = res.status; throw err; }
        if (data.token) setToken(data.token);
        return data;
      });
    }, function (err) {
      clearTimeout(timer);
      err.status = 0;                                      // offline, geweigerd of time-out
      throw err;
    });
  }

  /* ---- een medewerker heeft het gesprek: elke seconde naar nieuwe antwoorden vragen ---- */
  function setHandoff(data) {
    if (!data || !("handoff" in data)) return;
    if (typeof data.last === "number" && data.last > state.last) state.last = data.last;
    state.handoff = data.handoff || null;
    handoffBox.textContent = state.handoff === "actief" ? NL.handoffActive
      : state.handoff ? NL.handoffWaiting : "";
    handoffBox.classList.toggle("on", !!state.handoff);
    if (state.handoff && !state.polling) state.polling = setTimeout(poll, POLL_MS);
  }

  function poll() {
    state.polling = null;
    if (!state.token || !state.handoff) return;
    api("GET", "poll?na=" + state.last).then(function (data) {
      addBotMessages(data.messages);
      setHandoff(data);
    }).catch(function (err) {
      if (err.status === 401) { setHandoff({ handoff: null }); return; }
      if (!state.polling) state.polling = setTimeout(poll, 3 * POLL_MS);   // even geen verbinding
    });
  }

  /* ---- gesprek ---- */
  var starting = null;
  function startSession(notice) {
    if (starting) return starting;
    setToken(null);
    log.textContent = "";
    state.started = true;
    setTyping(NL.starting);
    starting = api("POST", "session", AUDIENCE ? { audience: AUDIENCE } : null).then(function (data) {
      if (notice) addMessage({ from: "bot", text: notice }, false);
      addBotMessages(data.messages);
    }).catch(function (err) {
      state.started = false;
      showError(NL.startFailed, NL.retryStart, function () { startSession(notice); });
      throw err;
    }).finally(function () {
      starting = null;
      setTyping(null);
    });
    return starting;
  }

  /* Het bewaarde gesprek is er niet (meer): nu een nieuw als het paneel open is, anders bij openen. */
  function restart(notice) {
    setToken(null);
    log.textContent = "";
    if (state.open) startSession(notice).catch(function () {});
    else state.expired = !!notice;
  }

  function loadHistory() {
    state.started = true;
    return api("GET", "history").then(function (data) {
      renderTranscript(data.messages || []);
      setHandoff(data);
      if (!state.started) restart(null);                   // leeg gesprek: opnieuw beginnen
    }).catch(function (err) {
      state.started = false;
      if (err.status === 401) { restart(NL.expired); return; }
      showError(NL.historyFailed, NL.retryStart, loadHistory);
    });
  }

  function send(message) {
    state.busy = true;
    state.pending = null;
    clearError();
    replies("hide");
    var bubble = addMessage({ from: "user", text: message.display || message.text }, false);
    if (message.typed && input.value.trim() === message.text) input.value = "";
    setTyping(NL.typing);
    var body = { text: message.text, client_id: message.clientId };
    if (message.display) body.display = message.display;
    if (state.handoff) setTyping(null);                   // een medewerker antwoordt, niet de assistent
    return api("POST", "message", body).then(function (data) {
      replies("drop");
      addBotMessages(data.messages);
      setHandoff(data);
    }).catch(function (err) {
      bubble.remove();
      replies("show");
      if (err.status === 401) {                           // token verlopen: nieuw gesprek, tekst blijft
        if (message.typed && !input.value) input.value = message.text;
        return startSession(NL.expired).catch(function () {});
      }
      if (err.status === 413) {
        if (message.typed && !input.value) input.value = message.text;
        showError(NL.tooLong.replace("{n}", MAX_TEXT));
        return;
      }
      state.pending = message;                             // zelfde client-id bij opnieuw versturen
      if (message.typed && !input.value) input.value = message.text;
      if (err.status === 429) { showError(NL.tooMany, NL.retry, retry); return; }   // te veel berichten per minuut
      showError(err.status === 0 ? NL.offline : NL.server, NL.retry, retry);
    }).finally(function () {
      state.busy = false;
      setTyping(null);
    });
  }

  function retry() {
    var message = state.pending;
    if (message) submit(message);
  }

  function submit(message) {
    if (state.busy) return;
    var ready = starting || (state.token ? Promise.resolve() : startSession());
    ready.then(function () { send(message); }, function () {});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    if (text.length > MAX_TEXT) { showError(NL.tooLong.replace("{n}", MAX_TEXT)); return; }
    var pending = state.pending;
    // Dezelfde tekst na een fout is hetzelfde bericht: de server ziet dan hetzelfde client-id.
    if (pending && pending.typed && pending.text === text) submit(pending);
    else submit({ text: text, clientId: randomId(), typed: true });
  });

  /* ---- openen en sluiten ---- */
  function open(keepFocus) {
    state.open = true;
    panel.hidden = false;
    wrap.classList.add("is-open");
    launcher.setAttribute("aria-expanded", "true");
    state.unread = 0;
    showBadge();
    storage.set("sessionStorage", STORE_KEY + ":open", "1");
    if (!state.token && !state.started) {
      startSession(state.expired ? NL.expired : null).catch(function () {});
      state.expired = false;
    }
    fitAll();                                              // nu meten, voor het scrollen
    scrollDown();
    if (keepFocus !== true) input.focus();
  }

  function close() {
    state.open = false;
    panel.hidden = true;
    wrap.classList.remove("is-open");
    launcher.setAttribute("aria-expanded", "false");
    storage.set("sessionStorage", STORE_KEY + ":open", null);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (state.open) close(); else open(); });
  closeBtn.addEventListener("click", close);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.open) { event.stopPropagation(); close(); }
  });

  function mount() {
    document.body.appendChild(host);
    if (state.token) loadHistory();
    if (storage.get("sessionStorage", STORE_KEY + ":open")) open(true);   // open gebleven bij herladen
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
