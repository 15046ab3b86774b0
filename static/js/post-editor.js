/*
 * The editor page: the rich-text body, autosave, and the Works Cited list (add,
 * remove, reorder, and pick a source the course already cites). Without
 * JavaScript the page is a plain form that does all of this with page loads.
 */
(function () {
  "use strict";

  var form = document.getElementById("post-editor");
  if (!form) {
    return;
  }
  var csrfToken = form.elements.csrfmiddlewaretoken.value;
  var statusLine = document.getElementById("editor-status");

  function say(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("is-error", Boolean(isError));
  }

  /* The body: a Tiptap editor that keeps the <textarea> up to date. */
  var body = form.elements.body;
  if (window.CoursblogEditor && body) {
    window.CoursblogEditor.mount(body, {
      uploadUrl: form.getAttribute("data-upload-url"),
      csrfToken: csrfToken,
      status: say,
    });
  }

  /* Autosave: a few seconds after typing stops, and when the tab is hidden or closed. */
  var autosaveUrl = form.getAttribute("data-autosave-url");
  var dirty = false;
  var timer = null;

  function autosaveData() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken);
    ["title", "body", "excerpt"].forEach(function (name) {
      data.append(name, form.elements[name].value);
    });
    return data;
  }

  function adopt(answer) {
    if (!answer.saved) {
      return;
    }
    if (answer.autosaveUrl !== autosaveUrl) {
      autosaveUrl = answer.autosaveUrl;
      form.setAttribute("data-autosave-url", autosaveUrl);
      form.action = answer.editUrl;
      window.history.replaceState(null, "", answer.editUrl);
    }
    var now = new Date();
    say("Saved automatically at " + now.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }) + ".");
  }

  function autosave() {
    timer = null;
    if (!dirty) {
      return;
    }
    dirty = false;
    fetch(autosaveUrl, { method: "POST", body: autosaveData(), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(adopt)
      .catch(function () {
        dirty = true;
        say("Not saved automatically: the connection failed. Your text is still here.", true);
      });
  }

  function changed() {
    dirty = true;
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(autosave, 3000);
  }

  ["title", "body", "excerpt"].forEach(function (name) {
    form.elements[name].addEventListener("input", changed);
  });

  function saveBeforeLeaving() {
    if (dirty && navigator.sendBeacon) {
      navigator.sendBeacon(autosaveUrl, autosaveData());
      dirty = false;
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      saveBeforeLeaving();
    }
  });
  window.addEventListener("pagehide", saveBeforeLeaving);
  form.addEventListener("submit", function () {
    dirty = false; // the form itself carries everything now
    if (timer) {
      window.clearTimeout(timer);
    }
  });

  /* Works Cited. */
  var list = document.getElementById("source-list");
  var template = document.getElementById("source-template");
  var total = form.elements["sources-TOTAL_FORMS"];
  var searchUrl = form.getAttribute("data-source-search-url");
  if (!list || !template || !total) {
    return;
  }

  function entries() {
    return Array.prototype.slice.call(list.querySelectorAll(".source-entry:not([hidden])"));
  }

  function renumber() {
    entries().forEach(function (entry, index) {
      entry.querySelector("input[name$='-ORDER']").value = String(index + 1);
      entry.querySelector(".source-number").textContent = String(index + 1);
    });
  }

  function addEntry() {
    var index = Number(total.value);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var entry = holder.firstElementChild;
    list.appendChild(entry);
    total.value = String(index + 1);
    enhance(entry);
    renumber();
    entry.querySelector("textarea, input[type='text']").focus();
  }

  function enhance(entry) {
    var controls = document.createElement("p");
    controls.className = "source-controls";
    [
      ["up", "Move up"],
      ["down", "Move down"],
      ["remove", "Remove"],
    ].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.setAttribute("data-source-action", pair[0]);
      button.textContent = pair[1];
      controls.appendChild(button);
      controls.appendChild(document.createTextNode(" "));
    });
    entry.appendChild(controls);
    var deleteBox = entry.querySelector("input[name$='-DELETE']");
    if (deleteBox) {
      deleteBox.closest("p").hidden = true;
    }
    var orderBox = entry.querySelector("input[name$='-ORDER']");
    if (orderBox) {
      orderBox.closest("p").hidden = true;
    }
    var suggestions = document.createElement("div");
    suggestions.className = "source-suggestions";
    suggestions.setAttribute("aria-live", "polite");
    entry.querySelector(".source-fields").before(suggestions);
    ["title", "authors"].forEach(function (name) {
      var field = entry.querySelector("[name$='-" + name + "']");
      var pending = null;
      field.addEventListener("input", function () {
        unlink(entry);
        if (pending) {
          window.clearTimeout(pending);
        }
        pending = window.setTimeout(function () {
          suggest(entry, suggestions, field.value);
        }, 250);
      });
    });
    entry.querySelectorAll(".source-fields input, .source-fields textarea").forEach(function (field) {
      if (!/-(title|authors)$/.test(field.name)) {
        field.addEventListener("input", function () {
          unlink(entry);
        });
      }
    });
  }

  function unlink(entry) {
    var link = entry.querySelector("input[name$='-source']");
    if (link.value) {
      link.value = "";
      entry.querySelector(".source-linked").hidden = true;
    }
  }

  function suggest(entry, box, text) {
    box.textContent = "";
    if (text.trim().length < 2) {
      return;
    }
    fetch(searchUrl + "?q=" + encodeURIComponent(text.trim()), { credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        box.textContent = "";
        if (!answer.results.length) {
          return;
        }
        var intro = document.createElement("p");
        intro.textContent = "The course already cites:";
        box.appendChild(intro);
        var options = document.createElement("ul");
        answer.results.forEach(function (source) {
          var item = document.createElement("li");
          var pick = document.createElement("button");
          pick.type = "button";
          pick.className = "source-pick";
          pick.textContent = source.entry;
          pick.addEventListener("click", function () {
            use(entry, source);
            box.textContent = "";
          });
          item.appendChild(pick);
          options.appendChild(item);
        });
        box.appendChild(options);
      })
      .catch(function () {
        box.textContent = "";
      });
  }

  function use(entry, source) {
    Object.keys(source).forEach(function (name) {
      var field = entry.querySelector("[name$='-" + name + "']");
      if (field && name !== "id") {
        field.value = source[name] === null ? "" : source[name];
      }
    });
    entry.querySelector("input[name$='-source']").value = String(source.id);
    var linked = entry.querySelector(".source-linked");
    linked.textContent = "Picked from the course's sources: " + source.entry;
    linked.hidden = false;
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-source-action]");
    if (!button) {
      return;
    }
    var entry = button.closest(".source-entry");
    var action = button.getAttribute("data-source-action");
    if (action === "remove") {
      entry.querySelector("input[name$='-DELETE']").checked = true;
      entry.hidden = true;
    } else if (action === "up" && entry.previousElementSibling) {
      list.insertBefore(entry, entry.previousElementSibling);
    } else if (action === "down" && entry.nextElementSibling) {
      list.insertBefore(entry.nextElementSibling, entry);
    }
    renumber();
    button.focus();
  });

  entries().forEach(enhance);
  renumber();
  var add = document.getElementById("add-source");
  add.hidden = false;
  add.addEventListener("click", addEntry);
})();
