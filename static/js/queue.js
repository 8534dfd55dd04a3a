/* The offline answer queue, shared by the page and the service worker (importScripts).
 *
 * One IndexedDB record per answer: {uuid, endpoint, body, label, state, reason, message, created,
 * updated}. `body` is exactly the JSON sent to the endpoint (POST /api/v1/responses: uuid,
 * household_code or campaign+commune, answers, reasons, comment); `state` is waiting | sent | refused.
 * A record is marked sent or refused only after the server answered, so a sync cut off half-way
 * leaves it waiting and the next sync sends it again: the server records a UUID once (a replay
 * answers 200), so nothing is lost and nothing is counted twice. Another page (e.g. a collect page
 * for assisted answers) can add records with its own endpoint and body.
 */
(function (scope) {
  "use strict";
  var DB_NAME = "feedback-offline";
  var STORE = "answers";
  var CHANNEL = "feedback-queue";
  var SENT_KEPT_MS = 7 * 24 * 3600 * 1000;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  var opening = null;
  function open() {
    if (!opening) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "uuid" });
        store.createIndex("created", "created");
      };
      opening = promised(request);
    }
    return opening;
  }

  function withStore(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function announce() {
    if (typeof BroadcastChannel === "function") {
      var channel = new BroadcastChannel(CHANNEL);
      channel.postMessage("changed");
      channel.close();
    }
  }

  function all() {
    return withStore("readonly", function (store) { return store.index("created").getAll(); });
  }

  function add(record) {
    var now = Date.now();
    var full = {
      uuid: record.body.uuid, endpoint: record.endpoint, body: record.body, label: record.label || "",
      state: "waiting", reason: null, message: null, created: now, updated: now
    };
    return withStore("readwrite", function (store) { store.add(full); }).then(function () {
      announce();
      return full;
    });
  }

  function put(record) {
    record.updated = Date.now();
    return withStore("readwrite", function (store) { store.put(record); });
  }

  /* Forget one record: a refused answer the cadre corrected and sent again under a new UUID. */
  function remove(uuid) {
    return withStore("readwrite", function (store) { store.delete(uuid); }).then(announce);
  }

  function prune() {
    var cutoff = Date.now() - SENT_KEPT_MS;
    return all().then(function (records) {
      var old = records.filter(function (r) { return r.state === "sent" && r.updated < cutoff; });
      if (!old.length) { return; }
      return withStore("readwrite", function (store) {
        old.forEach(function (r) { store.delete(r.uuid); });
      });
    });
  }

  /* Send one record. Resolves to "sent", "refused" or "retry" (network down, server busy). */
  function send(record) {
    return fetch(record.endpoint, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(record.body)
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        record.state = "sent";
        record.reason = null;
        record.message = null;
        return put(record).then(function () { return "sent"; });
      }
      // 401: signed out (a cadre's page); 408, 429: try again later. Other 4xx are final.
      if (response.status >= 400 && response.status < 500 && response.status !== 401 &&
          response.status !== 408 && response.status !== 429) {
        return response.json().catch(function () { return {}; }).then(function (error) {
          record.state = "refused";
          record.reason = error.reason || String(response.status);
          record.message = error.message || null;
          return put(record).then(function () { return "refused"; });
        });
      }
      return "retry";
    }, function () { return "retry"; });
  }

  function drainNow() {
    return all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state === "waiting"; });
      var summary = { sent: 0, refused: 0, waiting: waiting.length, stopped: false };
      var step = function (i) {
        if (i >= waiting.length) { return summary; }
        return send(waiting[i]).then(function (outcome) {
          if (outcome === "retry") { summary.stopped = true; return summary; }
          summary[outcome] += 1;
          summary.waiting -= 1;
          announce();
          return step(i + 1);
        });
      };
      return step(0);
    });
  }

  /* Send every waiting answer in the order given, one at a time; stop at the first network failure.
   * A Web Lock keeps the page and the service worker from sending the same answer at once (it
   * would still be recorded once; the lock only saves a request). */
  function drain() {
    var run = function () { return drainNow().then(function (summary) { return prune().then(function () { return summary; }); }); };
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request("feedback-queue-drain", run);
    }
    return run();
  }

  scope.FeedbackQueue = {
    SYNC_TAG: "send-answers", CHANNEL: CHANNEL, PAGES_CACHE: "pages-v1",
    all: all, add: add, remove: remove, drain: drain
  };
})(self);
