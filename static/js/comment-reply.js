/*
 * Move the "Leave a Reply" form under the comment being answered, and back.
 * Without JavaScript the Reply links (?replytocom=<pk>#respond) do the same job
 * with a page load, so this only makes replying quicker.
 */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form) {
    return;
  }
  var parentInput = form.elements.parent;
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);

  function focusForm() {
    var field = form.elements.body;
    if (field) {
      field.focus({ preventScroll: true });
    }
  }

  function moveUnder(commentId, replyText) {
    var body = document.getElementById("div-comment-" + commentId);
    if (!body) {
      return false;
    }
    body.parentNode.insertBefore(respond, body.nextSibling);
    parentInput.value = commentId;
    title.textContent = replyText;
    cancel.hidden = false;
    return true;
  }

  function moveHome() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentInput.value = "";
    title.textContent = title.getAttribute("data-default");
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (!link) {
      return;
    }
    if (moveUnder(link.getAttribute("data-commentid"), link.getAttribute("data-replyto"))) {
      event.preventDefault();
      focusForm();
      respond.scrollIntoView({ block: "nearest" });
    }
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    moveHome();
    focusForm();
  });

  // A page opened with ?replytocom=<pk> (or sent back with errors) replies to a
  // comment already: show the form under that comment.
  if (parentInput.value) {
    moveUnder(parentInput.value, title.textContent);
  }
})();
