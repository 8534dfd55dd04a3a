/* Service worker (served at /sw.js, scope "/"): survey pages and their assets offline, and the
 * answer queue sent by Background Sync. Asset caches carry the release VERSION and old ones are
 * deleted on activation; the pages cache and the IndexedDB queue are never deleted by an update. */
importScripts({{ queue_url|tojson }});
var VERSION = {{ version|tojson }};
var ASSETS = "assets-" + VERSION;
var PAGES = self.FeedbackQueue.PAGES_CACHE;
var PRECACHE = {{ precache|tojson }};
var OFFLINE_URL = {{ offline_url|tojson }};
// home, the survey forms, and a cadre's collect pages (signed in: forgotten at logout)
var PAGE_PATHS = /^\/(h\/[^/]+|c\/[^/]+\/[^/]+|committee\/collect\/[^/]+\/[^/]+)?$/;
var PRIVATE_PAGES = /^\/committee\//;
var LOGOUT_PATH = {{ logout_url|tojson }};
var NETWORK_PATIENCE_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () { return self.skipWaiting(); }));
});

/* Refresh the cached forms so they point at this release's assets; true when every one was. */
function refreshPages() {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return fetch(request.url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          // Signed out: keep the collect page as it was (and the assets it needs) until sign-in.
          if (response.redirected) { return false; }
          if (response.ok) { return cache.put(request, response).then(function () { return true; }); }
          if (response.status >= 400 && response.status < 500) {
            return cache.delete(request).then(function () { return true; });  // a closed campaign
          }
          return false;
        }, function () { return false; });
      }));
    });
  }).then(function (results) { return results.every(Boolean); });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    var old = names.filter(function (name) { return name.indexOf("assets-") === 0 && name !== ASSETS; });
    if (!old.length) { return null; }
    // Old assets stay until every cached form has been refreshed, so a form never loses its style.
    return refreshPages().then(function (allFresh) {
      if (allFresh) { return Promise.all(old.map(function (name) { return caches.delete(name); })); }
      return null;
    });
  }).then(function () { return self.clients.claim(); }));
});

function fromCache(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    return hit || caches.match(request.url, { ignoreSearch: true, ignoreVary: true });
  });
}

function page(request) {
  var url = new URL(request.url);
  var network = fetch(request).then(function (response) {
    if (response.ok && !response.redirected && PAGE_PATHS.test(url.pathname)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  });
  var patience = new Promise(function (resolve) { setTimeout(resolve, NETWORK_PATIENCE_MS); })
    .then(function () { return fromCache(request); })
    .then(function (hit) { return hit || network; });
  return Promise.race([network, patience]).catch(function () {
    return fromCache(request).then(function (hit) {
      return hit || caches.match(OFFLINE_URL).then(function (offline) { return offline || Response.error(); });
    });
  });
}

function asset(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(ASSETS).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

/* Logging out forgets the signed-in pages kept for offline use (never the queued answers). */
function forgetPrivatePages() {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        return PRIVATE_PAGES.test(new URL(request.url).pathname);
      }).map(function (request) { return cache.delete(request); }));
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === LOGOUT_PATH) {
    event.waitUntil(forgetPrivatePages());  // the logout itself goes to the network untouched
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(asset(request));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== self.FeedbackQueue.SYNC_TAG) { return; }
  event.waitUntil(self.FeedbackQueue.drain().then(function (summary) {
    if (summary.stopped) { throw new Error("connection lost: the browser retries later"); }
  }));
});
