// Old WordPress links to a comment end in #comment-<WordPress id>. The fragment never
// reaches the server, but the browser keeps it across the old-link redirect, which
// marks its target with ?from=wordpress: only then is the fragment a WordPress id,
// and this asks the site where that comment is now (wordpress/views.py).
(function () {
  "use strict";
  var script = document.currentScript;
  var params = new URLSearchParams(window.location.search);
  if (!script || params.get("from") !== "wordpress") {
    return;
  }
  params.delete("from");
  var query = params.toString();
  var address = window.location.pathname + (query ? "?" + query : "");
  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!match) {
    window.history.replaceState(null, "", address + window.location.hash);
    return;
  }
  var lookup = script.dataset.resolveUrl + "?post=" + encodeURIComponent(script.dataset.post) +
    "&comment=" + match[1];
  fetch(lookup, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (found) {
      if (found && found.url) {
        window.location.replace(found.url);
      } else {
        window.history.replaceState(null, "", address);
      }
    })
    .catch(function () { window.history.replaceState(null, "", address); });
})();
