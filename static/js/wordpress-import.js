// The admin's WordPress import page: ask for the next step until the import is done,
// showing its progress, then reload to show the report. Without JavaScript the
// page's Continue button does the same, one step a click.
(function () {
  "use strict";
  var panel = document.getElementById("import-progress");
  if (!panel || panel.dataset.finished === "true") {
    return;
  }
  var form = document.getElementById("import-continue");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var bar = document.getElementById("import-bar");
  var counts = document.getElementById("import-counts");
  var state = document.getElementById("import-state");
  form.hidden = true;

  function show(status) {
    state.textContent = status.stateDisplay;
    if (status.itemsTotal !== null && bar && counts) {
      bar.max = Math.max(status.itemsTotal, 1);
      bar.value = status.itemsDone;
      counts.textContent = status.itemsDone + " of " + status.itemsTotal + " items, " +
        status.commentsDone + " of " + status.commentsTotal + " comments";
    }
  }

  function next() {
    fetch(panel.dataset.stepUrl, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": token },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(next, 100);
        }
      })
      .catch(function () {
        state.textContent = "The import paused (the site did not answer). Continue when ready.";
        form.hidden = false;
      });
  }
  next();
})();
