/* Beheer van de chatassistent: het enige script van de beheerpagina's (alles werkt ook zonder).
 * - Houdt het aantal bij "Wacht op antwoord" in het menu bij, en zet het in de titel van de
 *   pagina ("(1) Nieuw: ...") zodra er een bezoeker bij komt die op een medewerker wacht.
 * - Ververst de pagina "Wacht op antwoord" zelf als er een bericht van een bezoeker bij komt.
 * - In een gesprek dat bij een medewerker ligt: zet nieuwe berichten van de bezoeker erbij.
 * Vraagt alleen deze server (Content-Security-Policy: connect-src 'self'). */
(function () {
  "use strict";
  var COUNT_MS = 4000, LIVE_MS = 1500;
  var baseTitle = document.title;
  var newest = null;
  var stopped = false;   // de sessie is voorbij: niet meer vragen
  var NEW_KEY = "beheer-wachtrij-nieuw";   // "Nieuw:" in de titel blijft staan na het verversen
  var carried = false;
  try { carried = sessionStorage.getItem(NEW_KEY) === "1"; sessionStorage.removeItem(NEW_KEY); } catch (e) { /* */ }
  var count = document.getElementById("wachtrij-aantal");

  function get(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (res) {
        if (res.status === 401) { stopped = true; throw new Error("uitgelogd"); }
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      });
  }

  function showCount(data) {
    if (!count) return;
    var n = data.count;
    count.hidden = n === 0;
    count.firstChild.nodeValue = String(n);
    count.lastChild.textContent = n === 1 ? " gesprek" : " gesprekken";
    var arrived = newest !== null && data.newest > newest;
    newest = Math.max(newest || 0, data.newest);
    // Op "Wacht op antwoord" zelf (daar typ je niets): de lijst bijwerken zodra er iets nieuws is.
    if (arrived && location.pathname === "/admin/wachtrij") {
      try { sessionStorage.setItem(NEW_KEY, "1"); } catch (e) { /* privémodus */ }
      location.reload();
      return;
    }
    var mark = arrived || carried || document.title.indexOf("Nieuw: ") >= 0;
    carried = false;
    document.title = n === 0 ? baseTitle : "(" + n + ") " + (mark ? "Nieuw: " : "") + baseTitle;
  }

  function pollCount() {
    get("/admin/wachtrij.json").then(showCount).catch(function () { /* uitgelogd of geen verbinding */ })
      .then(function () { if (!stopped) setTimeout(pollCount, COUNT_MS); });
  }

  /* Nieuwe berichten in een open gesprek */
  var list = document.getElementById("transcript");
  function pollConversation() {
    var known = Number(list.getAttribute("data-aantal")) || 0;
    get("/admin/live.json?id=" + encodeURIComponent(list.getAttribute("data-gesprek")) + "&n=" + known)
      .then(function (data) {
        data.messages.forEach(function (m) {
          var item = document.createElement("li");
          item.className = "msg msg-" + (m.who === "user" ? "user" : "bot") + (m.staff ? " msg-staff" : "");
          var who = document.createElement("p");
          who.className = "who";
          who.textContent = m.label + " ";
          var time = document.createElement("time");
          time.setAttribute("datetime", m.datetime);
          time.textContent = m.time;
          who.appendChild(time);
          var bubble = document.createElement("div");
          bubble.className = "bubble";
          if (m.heading) {  // the server split it off (admin.py heading_and_body)
            var heading = document.createElement("strong");
            heading.className = "heading";
            heading.textContent = m.heading;
            bubble.appendChild(heading);
            bubble.appendChild(document.createTextNode("\n"));
          }
          bubble.appendChild(document.createTextNode(m.text));
          item.appendChild(who);
          item.appendChild(bubble);
          list.appendChild(item);
        });
        list.setAttribute("data-aantal", String(data.count));
        if (data.handoff) setTimeout(pollConversation, LIVE_MS);
      })
      .catch(function () { if (!stopped) setTimeout(pollConversation, 3 * LIVE_MS); });
  }

  if (count) pollCount();
  if (list && document.querySelector("form.answer")) pollConversation();
})();
