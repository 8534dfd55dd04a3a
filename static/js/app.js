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

  function stateText(record) {
    if (record.state === "sent") { return T.state_sent; }
    if (record.state === "refused") { return fill(T.state_refused, { reason: record.message || record.reason }); }
    return T.state_waiting;
  }

  function render() {
    return Q.all().then(function (records) {
      if (!panel) { return; }
      var waiting = records.filter(function (r) { return r.state === "waiting"; }).length;
      var form = (plural && plural.select(waiting) === "one") ? T.waiting_one : T.waiting_other;
      panel.querySelector("[data-queue-count]").textContent = fill(form, { n: waiting });
      var list = panel.querySelector("[data-queue-list]");
      list.textContent = "";
      records.slice().reverse().forEach(function (record) {
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
        list.appendChild(item);
      });
      panel.querySelector("[data-queue-persist]").hidden = !(waiting > 0 && persistent === false);
      panel.hidden = records.length === 0;
      document.documentElement.setAttribute("data-queue-waiting", String(waiting));
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

  function answersOf(form) {
    var answers = {};
    var missing = [];
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      var item = fieldset.id.replace(/^q_/, "");
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (chosen) { answers[item] = parseInt(chosen.value, 10); } else { missing.push(fieldset); }
    });
    return { answers: answers, missing: missing };
  }

  function show(status, message, kind, quiet) {
    status.textContent = message;
    status.className = "card status " + kind;
    status.hidden = false;
    if (!quiet) { status.focus(); }
  }

  /* A household page opened again (e.g. offline, from the cache) after its answer was saved. */
  function noteEarlierAnswer(form, status) {
    var code = form.dataset.householdCode;
    if (!code) { return; }
    Q.all().then(function (records) {
      var earlier = records.some(function (r) { return r.body.household_code === code && r.state !== "refused"; });
      if (earlier) { show(status, T.already_saved, "info", true); }
    });
  }

  /* The collect page (a cadre, household after household): each answer is queued with its code,
   * the form is emptied for the next household at once, and the queue is sent in the background. */
  function enhanceCollect(form) {
    var status = document.getElementById("send-status");
    var codeInput = form.querySelector("[name=household_code]");
    form.addEventListener("submit", function (event) {
      var read = answersOf(form);
      var code = codeInput.value.replace(/[\s.-]/g, "");
      event.preventDefault();
      form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
        fieldset.classList.toggle("problem", read.missing.indexOf(fieldset) >= 0);
      });
      if (!code) { show(status, T.code_missing, "problem"); codeInput.focus(); return; }
      if (read.missing.length) { show(status, T.missing, "problem"); return; }
      Q.all().then(function (records) {
        var earlier = records.some(function (r) {
          return r.endpoint === form.dataset.endpoint && r.body.household_code === code && r.state !== "refused";
        });
        if (earlier) { show(status, T.already_saved, "problem"); return null; }
        var body = { uuid: crypto.randomUUID(), household_code: code, answers: read.answers,
                     comment: form.querySelector("[name=comment]").value };
        return Q.add({ endpoint: form.dataset.endpoint, body: body, label: form.dataset.label + " · " + code })
          .then(function () {
            form.reset();
            show(status, fill(T.collect_saved, { code: code }), "info", true);
            codeInput.focus();
            requestSync();
            return render().then(drain);
          });
      }).catch(function () { show(status, T.not_saved, "problem"); });
    });
  }

  function enhance(form) {
    var status = document.getElementById("send-status");
    var button = form.querySelector("button[type=submit]");
    noteEarlierAnswer(form, status);
    form.addEventListener("submit", function (event) {
      var read = answersOf(form);
      event.preventDefault();
      form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
        fieldset.classList.toggle("problem", read.missing.indexOf(fieldset) >= 0);
      });
      if (read.missing.length) {  // also offline, where the server cannot say it
        show(status, T.missing, "problem");
        return;
      }
      var body = { uuid: crypto.randomUUID(), answers: read.answers,
                   comment: form.querySelector("[name=comment]").value };
      var d = form.dataset;
      if (d.householdCode) { body.household_code = d.householdCode; } else {
        body.campaign = d.campaign;
        body.commune = d.commune;
      }
      button.disabled = true;
      show(status, T.sending, "info");
      Q.add({ endpoint: d.endpoint, body: body, label: d.label }).then(function (record) {
        return Q.drain().then(function () { return Q.all(); }).then(function (records) {
          var mine = records.filter(function (r) { return r.uuid === record.uuid; })[0];
          if (mine.state === "sent") {
            location.assign(d.thanks.replace("__uuid__", mine.uuid));
          } else if (mine.state === "refused") {
            show(status, fill(T.refused_now, { reason: mine.message || mine.reason }), "problem");
          } else {
            form.reset();
            button.disabled = false;
            show(status, T.saved_offline, "info");
            requestSync();
          }
          return render();
        });
      }).catch(function () {
        button.disabled = false;
        show(status, T.not_saved, "problem");
      });
    });
  }

  var form = document.querySelector("form[data-endpoint]");
  if (form && form.hasAttribute("data-collect")) { enhanceCollect(form); } else if (form) { enhance(form); }
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
