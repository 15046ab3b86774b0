// Inside the LMS's frame, can Coursblog keep a cookie? Try one, written the way the
// launch's cookies are (SameSite=None; Secure; Partitioned). If it sticks, go on with
// the login; if not, offer the new window, where the browser allows cookies.
(function () {
  "use strict";
  var check = document.getElementById("lti-cookie-check");
  if (!check) {
    return;
  }
  var cookie = "coursblog_lti_check=1";
  var attributes = "; path=/; SameSite=None; Secure; Partitioned";
  document.cookie = cookie + attributes;
  if (document.cookie.indexOf(cookie) !== -1) {
    document.cookie = cookie + "; max-age=0" + attributes;
    window.location.replace(check.dataset.continueUrl);
    return;
  }
  document.getElementById("lti-cookie-checking").hidden = true;
  document.getElementById("lti-cookies-blocked").hidden = false;
})();
