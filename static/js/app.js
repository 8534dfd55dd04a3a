/* Progressive enhancement of the resident pages: offline survey pages (service worker), answers
 * kept on the phone while there is no connection and sent when it returns. Without this file the
 * plain form post works as before. Texts come from the page (#pwa-texts, rendered by Flask-Babel). */
(function () {
  "use strict";
  var Q = window.FeedbackQueue;
  var textsNode = document.getElementById("pwa-texts");
  if (!Q || !textsNode || !("indexedDB" in window)) { return; }
  var T = JSON.parse(textsNode.textContent);
  var lang = document.documentElement.lang || "vi";
  var plural = typeof Intl === "object" && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var panel = document.getElementById("queue-panel");
  var persistent = null;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  /* English and others by their plural rules; Vietnamese has one form, so exactly 1 has its own text. */
  function count(n, one, other) {
    if (n === 1) { return one; }
    return (plural && plural.select(n) === "one") ? one : other;
  }

  /* Household codes, as domain/codes.py checks them: 15 digits, the last a Damm check digit. */
  var DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]
  ];
  var Codes = {
    damm: function (digits) {
      var interim = 0;
      for (var i = 0; i < digits.length; i += 1) { interim = DAMM[interim][digits.charCodeAt(i) - 48]; }
      return interim;
    },
    /* {digits, problem}: problem is null, "letters", "length" or "mistyped". */
    check: function (typed) {
      var folded = (typed || "").normalize("NFKC");
      if (/[^0-9\s.\-]/.test(folded)) { return { digits: "", problem: "letters" }; }
      var digits = folded.replace(/[^0-9]/g, "");
      if (digits.length !== 15) { return { digits: digits, problem: "length" }; }
      return { digits: digits, problem: Codes.damm(digits) === 0 ? null : "mistyped" };
    },
    group: function (digits) { return digits.replace(/(\d{5})(?=\d)/g, "$1 "); }
  };
  window.FeedbackCodes = Codes;
  var onFix = null;  // set by the collect page: put a refused answer back in the form

  function stateText(record) {
    if (record.state === "sent") { return T.state_sent; }
    if (record.state === "refused") { return fill(T.state_refused, { reason: record.message || record.reason }); }
    return T.state_waiting;
  }

  /* What the queue panel lists on this page. A phone is often shared: a household page lists only
   * that household's answers; the cadre's collect page lists all it collected; every other page
   * (home, open link, thank-you) says only how many answers wait, never whose. */
  function listed(records) {
    var form = document.querySelector("form[data-endpoint]");
    if (form && form.hasAttribute("data-collect")) {
      return records.filter(function (r) { return r.endpoint === form.dataset.endpoint; });
    }
    if (form && form.dataset.householdCode) {
      return records.filter(function (r) { return r.body.household_code === form.dataset.householdCode; });
    }
    return [];
  }

  function render() {
    return Q.all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state === "waiting"; }).length;
      document.documentElement.setAttribute("data-queue-waiting", String(waiting));
      refreshSaved(records);
      markOpenLinks(records);
      guardOpenLink(records);
      if (!panel) { return; }
      var shown = listed(records);
      panel.querySelector("[data-queue-count]").textContent = fill(count(waiting, T.waiting_one, T.waiting_other), { n: waiting });
      var list = panel.querySelector("[data-queue-list]");
      list.textContent = "";
      shown.slice().reverse().forEach(function (record) {
        var item = document.createElement("li");
        item.className = "queue-item state-" + record.state;
        item.setAttribute("data-state", record.state);
        item.setAttribute("data-uuid", record.uuid);
        var label = document.createElement("span");
        label.textContent = record.label;
        var state = document.createElement("strong");
        state.textContent = stateText(record);
        item.appendChild(label);
        item.appendChild(document.createTextNode(" — "));
        item.appendChild(state);
        if (record.state === "refused" && onFix) {
          var fix = document.createElement("button");
          fix.type = "button";
          fix.className = "button secondary fix";
          fix.textContent = T.collect_fix;
          fix.addEventListener("click", function () { onFix(record); });
          item.appendChild(fix);
        }
        list.appendChild(item);
      });
      panel.querySelector("[data-queue-persist]").hidden = !(waiting > 0 && persistent === false);
      panel.hidden = shown.length === 0 && waiting === 0;
    });
  }

  var draining = null;
  var again = false;
  /* One drain at a time; a call during a drain (e.g. `online` while an offline attempt is still
   * failing) runs another one right after it. */
  function drain() {
    if (draining) { again = true; return draining; }
    again = false;
    draining = Q.drain().then(render, render).then(function () {
      draining = null;
      if (again) { return drain(); }
    });
    return draining;
  }

  function askPersistence() {
    if (!navigator.storage || !navigator.storage.persist) { persistent = false; return Promise.resolve(); }
    return navigator.storage.persisted().then(function (already) {
      return already || navigator.storage.persist();
    }).then(function (granted) { persistent = Boolean(granted); }, function () { persistent = false; });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    navigator.serviceWorker.ready.then(function () {
      // The page that installed the worker was not fetched through it: keep a copy for offline use.
      if (!document.querySelector("[data-offline-page]") || !window.caches) { return true; }
      return caches.open(Q.PAGES_CACHE).then(function (cache) {
        // Pages beyond the precached assets (the collect page's stylesheet) are kept with the page.
        var extra = Array.prototype.map.call(document.querySelectorAll("link[rel=stylesheet]"), function (link) {
          return link.href;
        });
        return Promise.all([location.href].concat(extra).map(function (url) {
          return caches.match(url).then(function (hit) { return hit || cache.add(url); });
        }));
      });
    }).then(function () {
      document.documentElement.setAttribute("data-offline-ready", "1");
    }, function () {});
  }

  function requestSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register(Q.SYNC_TAG); }
    }).catch(function () {});
  }

  /* The chosen answers, the questions still unanswered, and the reasons typed under a question
   * answered "not satisfied" (a reason left under another answer is not sent). */
  function answersOf(form) {
    var answers = {};
    var reasons = {};
    var missing = [];
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      var item = fieldset.id.replace(/^q_/, "");
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (chosen) { answers[item] = parseInt(chosen.value, 10); } else { missing.push(fieldset); }
      var reason = fieldset.querySelector("textarea[name='r_" + item + "']");
      if (reason && chosen && chosen.classList.contains("unsatisfied") && reason.value.trim()) {
        reasons[item] = reason.value.trim();
      }
    });
    return { answers: answers, reasons: reasons, missing: missing };
  }

  function show(status, message, kind, quiet) {
    status.textContent = message;
    status.className = "card status " + kind;
    status.hidden = false;
    if (!quiet) { status.focus(); }
  }

  /* Bring a message into view (clear of the sticky bar: scroll-margin in app.css) and focus it. */
  function reveal(node, focusNode) {
    node.scrollIntoView({ block: "start" });
    (focusNode || node).focus({ preventScroll: true });
  }

  /* The missing answers: each question marked in words, and the summary at the top of the form with
   * the count and links to them. Returns false when something is missing. */
  function checkAnswers(form, read) {
    var box = document.getElementById("problems");
    var numbered = [];
    form.querySelectorAll("fieldset.question").forEach(function (fieldset, i) {
      var missing = read.missing.indexOf(fieldset) >= 0;
      fieldset.classList.toggle("problem", missing);
      var note = fieldset.querySelector(".missing-note");
      if (note) { note.hidden = !missing; }
      if (missing) { numbered.push({ n: i + 1, id: fieldset.id }); }
    });
    if (!box) { return !numbered.length; }
    if (!numbered.length) { box.hidden = true; return true; }
    box.querySelector("[data-missing-count]").textContent =
      fill(count(numbered.length, T.missing_one, T.missing_other), { n: numbered.length });
    var links = box.querySelector("[data-missing-links]");
    links.textContent = "";
    var first = document.createElement("a");
    first.href = "#" + numbered[0].id;
    first.className = "button secondary first-missing";
    first.textContent = fill(T.go_to_question, { n: numbered[0].n });
    links.appendChild(first);
    if (numbered.length > 1) {
      var list = document.createElement("span");
      list.className = "missing-list";
      list.appendChild(document.createTextNode(T.not_answered_yet + " "));
      numbered.slice(0, 6).forEach(function (q, i) {  // the first six: the box stays on one screen
        var a = document.createElement("a");
        a.href = "#" + q.id;
        a.textContent = String(q.n);
        list.appendChild(a);
        if (i < Math.min(numbered.length, 6) - 1) { list.appendChild(document.createTextNode(", ")); }
      });
      if (numbered.length > 6) { list.appendChild(document.createTextNode(", …")); }
      links.appendChild(list);
    }
    links.hidden = false;
    box.hidden = false;
    reveal(box);
    return false;
  }

  /* A link to a question focuses its first option, so the keyboard and a screen reader are there. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#problems a[href^='#q_']");
    if (!link) { return; }
    var fieldset = document.getElementById(link.getAttribute("href").slice(1));
    if (!fieldset) { return; }
    event.preventDefault();
    reveal(fieldset, fieldset.querySelector("input"));
  });

  /* The household page once its answer is on this phone (waiting, or sent since): the saved state
   * instead of the form, so nobody answers twice for one code. */
  var savedFor = null;
  function refreshSaved(records) {
    var form = document.querySelector("form[data-endpoint]:not([data-collect])");
    var card = document.getElementById("saved-state");
    if (!form || !card) { return; }
    var code = form.dataset.householdCode;
    var mine = records.filter(function (r) {
      return savedFor ? r.uuid === savedFor : (code && r.body.household_code === code);
    });
    if (!mine.length) { return; }
    var last = mine[mine.length - 1];
    var state = mine.some(function (r) { return r.state === "sent"; }) ? "sent" : last.state;
    var wasHidden = card.hidden;
    card.querySelectorAll("[data-saved]").forEach(function (node) {
      node.hidden = node.getAttribute("data-saved").split(" ").indexOf(state) < 0;
    });
    // Refused (e.g. the household answered on another phone meanwhile): the server's reason.
    card.querySelector("[data-refusal]").textContent = state === "refused" ? (last.message || last.reason) : "";
    card.setAttribute("data-saved-state", state);
    form.hidden = true;
    card.hidden = false;
    if (wasHidden) { reveal(card); }
  }

  /* Open commune links: the campaigns this phone answered through one, kept in localStorage beside
   * the server's signed cookie (web/device.py), so that clearing one of them does not lift it. It
   * stops the same browser answering twice by mistake; it proves nothing about households (another
   * browser, a private window or cleared data start afresh), which is why the dashboard counts
   * open-link answers apart. Answers waiting in the queue count as given. */
  var OPEN_LINK_KEY = "feedback.openLinkAnswered";
  function openLinkCampaigns() {
    try { return JSON.parse(localStorage.getItem(OPEN_LINK_KEY) || "[]"); } catch (e) { return []; }
  }
  function markOpenLinks(records) {
    var known = openLinkCampaigns();
    var sent = records.filter(function (r) {
      return r.state === "sent" && r.body.campaign && !r.body.household_code && known.indexOf(r.body.campaign) < 0;
    });
    if (!sent.length) { return; }
    sent.forEach(function (r) { if (known.indexOf(r.body.campaign) < 0) { known.push(r.body.campaign); } });
    try { localStorage.setItem(OPEN_LINK_KEY, JSON.stringify(known.slice(-20))); } catch (e) { /* private mode */ }
  }
  /* The open-link page of a campaign answered from this phone: the kind refusal instead of the form. */
  function guardOpenLink(records) {
    var form = document.querySelector("form[data-endpoint][data-campaign]:not([data-another-household])");
    var card = document.getElementById("answered-before");
    if (!form || !card || !card.hidden || savedFor) { return; }
    var campaign = form.dataset.campaign;
    var given = openLinkCampaigns().indexOf(campaign) >= 0 || records.some(function (r) {
      return r.body.campaign === campaign && !r.body.household_code && r.state !== "refused";
    });
    if (!given) { return; }
    form.hidden = true;
    card.hidden = false;
    reveal(card);
  }
  /* "Answer for another household", confirmed: the form again, its answer marked as such. */
  function enhanceAnotherHousehold(form) {
    var chooser = document.getElementById("another-household");
    if (!chooser) { return; }
    chooser.addEventListener("submit", function (event) {
      event.preventDefault();  // the browser checked the confirmation box first (required)
      form.setAttribute("data-another-household", "");
      form.querySelector("[name=another_household]").value = "1";
      var note = document.getElementById("another-note");
      note.hidden = false;
      document.getElementById("answered-before").hidden = true;
      form.hidden = false;
      reveal(note);
    });
  }
  function openLinkBody(form, body) {
    if (form.hasAttribute("data-another-household")) { body.another_household = true; }
  }

  /* The collect page (a cadre, household after household): the code is checked here before the
   * questions are asked, each answer is sent at once (kept on the device when there is no
   * connection); a refused one stays in the form to correct the code and send again. */
  function enhanceCollect(form) {
    var status = document.getElementById("send-status");
    var codeInput = form.querySelector("[name=household_code]");
    var codeNote = document.getElementById("code-problem");
    var codeCard = document.getElementById("code-card");
    var replacing = null;

    function codeProblem(message) {
      codeNote.textContent = message;
      codeNote.hidden = !message;
      codeCard.classList.toggle("problem", Boolean(message));
      if (message) {
        codeInput.setAttribute("aria-invalid", "true");
        codeInput.setAttribute("aria-describedby", "code-problem");
        status.hidden = true;
        reveal(codeCard, codeInput);
      } else {
        codeInput.removeAttribute("aria-invalid");
      }
    }

    function checkCode(quietWhenEmpty) {
      var checked = Codes.check(codeInput.value);
      if (!checked.digits && checked.problem !== "letters") {
        if (quietWhenEmpty) { codeProblem(""); return null; }
        codeProblem(T.code_missing);
        return null;
      }
      if (checked.problem) {
        if (checked.digits.length === 15) { codeInput.value = Codes.group(checked.digits); }
        codeProblem(checked.problem === "letters" ? T.code_letters
          : checked.problem === "length" ? fill(T.code_length, { n: checked.digits.length }) : T.code_mistyped);
        return null;
      }
      codeInput.value = Codes.group(checked.digits);
      codeProblem("");
      return checked.digits;
    }
    codeInput.addEventListener("change", function () { checkCode(true); });

    function done(message) {
      form.reset();
      checkAnswers(form, { missing: [] });
      replacing = null;
      show(status, message, "info", true);
      reveal(status, codeInput);
    }

    onFix = function (record) {
      form.reset();
      codeInput.value = Codes.group(record.body.household_code || "");
      Object.keys(record.body.answers).forEach(function (item) {
        var input = form.querySelector("input[name='q_" + item + "'][value='" + record.body.answers[item] + "']");
        if (input) { input.checked = true; }
      });
      form.querySelector("[name=comment]").value = record.body.comment || "";
      Object.keys(record.body.reasons || {}).forEach(function (item) {
        var box = form.querySelector("textarea[name='r_" + item + "']");
        if (box) { box.value = record.body.reasons[item]; }
      });
      replacing = record.uuid;
      codeProblem(fill(T.collect_fixing, { code: Codes.group(record.body.household_code || ""),
                                           reason: record.message || record.reason }));
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = checkCode(false);
      if (!code) { return; }
      var read = answersOf(form);
      if (!checkAnswers(form, read)) { return; }
      var grouped = Codes.group(code);
      Q.all().then(function (records) {
        var earlier = records.some(function (r) {
          return r.endpoint === form.dataset.endpoint && r.body.household_code === code && r.state !== "refused";
        });
        if (earlier) { codeProblem(fill(T.collect_already, { code: grouped })); return null; }
        var body = { uuid: crypto.randomUUID(), household_code: code, answers: read.answers,
                     reasons: read.reasons, comment: form.querySelector("[name=comment]").value };
        var old = replacing;
        return Q.add({ endpoint: form.dataset.endpoint, body: body, label: form.dataset.label + " · " + grouped })
          .then(function (record) { return old ? Q.remove(old).then(function () { return record; }) : record; })
          .then(function (record) {
            replacing = null;
            return Q.drain().then(function () { return Q.all(); }).then(function (after) {
              var mine = after.filter(function (r) { return r.uuid === record.uuid; })[0];
              if (!mine || mine.state === "sent") {
                done(fill(T.collect_recorded, { code: grouped }));
              } else if (mine.state === "refused") {
                // Nothing of it is kept in the queue: the answers stay in the form to correct and resend.
                return Q.remove(mine.uuid).then(function () {
                  codeProblem(fill(T.collect_kept, { reason: mine.message || mine.reason }));
                });
              } else {
                done(fill(T.collect_saved, { code: grouped }));
                requestSync();
              }
            });
          }).then(render);
      }).catch(function () { show(status, T.not_saved, "problem"); reveal(status); });
    });
  }

  function enhance(form) {
    var status = document.getElementById("send-status");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      var read = answersOf(form);
      event.preventDefault();
      if (!checkAnswers(form, read)) { return; }  // also offline, where the server cannot say it
      var body = { uuid: crypto.randomUUID(), answers: read.answers, reasons: read.reasons,
                   comment: form.querySelector("[name=comment]").value };
      var started = form.querySelector("[name=started]");
      if (started && started.value) { body.started = started.value; }
      var d = form.dataset;
      if (d.householdCode) { body.household_code = d.householdCode; } else {
        body.campaign = d.campaign;
        body.commune = d.commune;
        openLinkBody(form, body);
      }
      button.disabled = true;
      show(status, T.sending, "info", true);
      Q.add({ endpoint: d.endpoint, body: body, label: d.label }).then(function (record) {
        return Q.drain().then(function () { return Q.all(); }).then(function (records) {
          var mine = records.filter(function (r) { return r.uuid === record.uuid; })[0];
          if (mine.state === "sent") {
            markOpenLinks([mine]);
            location.assign(d.thanks.replace("__uuid__", mine.uuid));
          } else if (mine.state === "refused") {
            status.hidden = true;
            savedFor = mine.uuid;  // the card says why, at the top
          } else {
            status.hidden = true;
            savedFor = mine.uuid;
            requestSync();
          }
          return render();
        });
      }).catch(function () {
        button.disabled = false;
        show(status, T.not_saved, "problem");
        reveal(status);
      });
    });
  }

  var form = document.querySelector("form[data-endpoint]");
  if (form && form.hasAttribute("data-collect")) { enhanceCollect(form); } else if (form) {
    enhance(form);
    enhanceAnotherHousehold(form);
  }
  if (form) { render(); }  // at once: a household whose answer is on this phone sees the saved state
  window.addEventListener("online", drain);
  // The rest waits for the page to finish loading, so it never delays the first paint or input.
  function start() {
    registerWorker();
    if (typeof BroadcastChannel === "function") {
      new BroadcastChannel(Q.CHANNEL).onmessage = function () { render(); };
    }
    askPersistence().then(render).then(drain);
  }
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
