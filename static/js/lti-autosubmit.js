// Send the deep-linking answer back to the LMS at once (the button does it without JavaScript).
(function () {
  "use strict";
  var form = document.getElementById("lti-deep-link-return");
  if (form) {
    form.submit();
  }
})();
