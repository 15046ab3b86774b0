/*
 * The editor page: the rich-text body, autosave, and the Works Cited list (add,
 * remove, choose the kind, and pick a source the course already cites). Without
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

  /* Works Cited: add and remove entries, show the fields each kind of source uses,
     and offer the course's sources next to the field being typed in. The server
     puts the list in MLA order when it saves. */
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
    entry.querySelector("select[name$='-kind']").focus();
  }

  /* Only the fields the kind uses, under the names it gives them. */
  function showKind(entry) {
    var kind = entry.querySelector("select[name$='-kind']").value;
    entry.querySelectorAll(".source-field").forEach(function (wrapper) {
      wrapper.hidden = wrapper.getAttribute("data-kinds").split(" ").indexOf(kind) === -1;
      var label = wrapper.querySelector("label");
      var names = JSON.parse(wrapper.getAttribute("data-labels"));
      if (label && names[kind]) {
        label.textContent = names[kind];
      }
    });
  }

  function enhance(entry) {
    var controls = document.createElement("p");
    controls.className = "source-controls";
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.setAttribute("data-source-action", "remove");
    remove.textContent = "Remove this source";
    controls.appendChild(remove);
    entry.appendChild(controls);
    var deleteBox = entry.querySelector("input[name$='-DELETE']");
    if (deleteBox) {
      deleteBox.closest("p").hidden = true;
    }

    var kind = entry.querySelector("select[name$='-kind']");
    kind.addEventListener("change", function () {
      unlink(entry);
      showKind(entry);
    });
    showKind(entry);

    var suggestions = document.createElement("div");
    suggestions.className = "source-suggestions";
    suggestions.setAttribute("aria-live", "polite");
    ["title", "authors"].forEach(function (name) {
      var field = entry.querySelector("[name$='-" + name + "']");
      var pending = null;
      field.addEventListener("input", function () {
        unlink(entry);
        // The offers go right under the field being typed in.
        field.closest(".source-field").appendChild(suggestions);
        if (pending) {
          window.clearTimeout(pending);
        }
        pending = window.setTimeout(function () {
          suggest(entry, suggestions, field.value);
        }, 250);
      });
    });
    entry.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && suggestions.textContent) {
        suggestions.textContent = "";
      }
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
    showKind(entry);
    entry.querySelector("input[name$='-source']").value = String(source.id);
    var linked = entry.querySelector(".source-linked");
    linked.textContent = "Picked from the course's sources: " + source.entry;
    linked.hidden = false;
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-source-action='remove']");
    if (!button) {
      return;
    }
    var entry = button.closest(".source-entry");
    var deleteBox = entry.querySelector("input[name$='-DELETE']");
    if (deleteBox) {
      deleteBox.checked = true;
      entry.hidden = true;
    } else {
      entry.remove(); // a blank entry offered to a post without sources: nothing to delete
    }
    renumber();
    document.getElementById("add-source").focus();
  });

  entries().forEach(enhance);
  renumber();
  // With JavaScript, "Add a source" adds entries here instead of the one offered
  // below the list, and the fields follow the kind, so the note is not needed.
  var offer = document.getElementById("source-offer");
  if (offer) {
    var offered = Number(/-(\d+)-kind$/.exec(offer.querySelector("select[name$='-kind']").name)[1]);
    if (offered === Number(total.value) - 1) {
      total.value = String(offered); // the next entry added takes its place
    }
    offer.remove();
  }
  document.getElementById("source-kinds-note").hidden = true;
  var add = document.getElementById("add-source");
  add.hidden = false;
  add.addEventListener("click", addEntry);
})();
