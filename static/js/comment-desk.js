// The admin's comment list (comments/admin.py): the row actions answer without a page
// reload, Reply and Quick edit open under the row, and the keyboard shortcuts work when
// the instructor turned them on in their preferences. Without this script the same
// buttons post the form #comment-row-action and the links open their own pages.
(function () {
  "use strict";
  const actionForm = document.getElementById("comment-row-action");
  const results = document.getElementById("result_list");
  if (!actionForm || !results) {
    return;
  }
  const statusLine = document.getElementById("comment-desk-status");
  const token = actionForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  let inline = null; // {form, row, commentRow} of the open reply or quick edit

  function say(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("errornote", Boolean(isError));
  }

  async function send(url, body) {
    const options = {
      method: body ? "POST" : "GET",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    };
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { errors: ["The server could not be reached. Try again."] };
    }
    let data;
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok && !data.errors) {
      data.errors = ["That did not work (error " + response.status + "). Reload the page."];
    }
    return data;
  }

  function update(row, data) {
    if (data.deleted) {
      row.remove();
    } else {
      Object.entries(data.cells || {}).forEach(function ([name, html]) {
        const cell = row.querySelector("." + name);
        if (cell) {
          cell.innerHTML = html; // the server's markup, escaped there
        }
      });
    }
    Object.entries(data.counts || {}).forEach(function ([status, count]) {
      document.querySelectorAll('[data-status-count="' + status + '"]').forEach(function (el) {
        el.textContent = count;
      });
    });
    say(data.message || "");
  }

  actionForm.addEventListener("submit", async function (event) {
    const button = event.submitter;
    if (!button || !button.closest("#result_list")) {
      return;
    }
    event.preventDefault();
    const row = button.closest("tr");
    button.disabled = true;
    const data = await send(button.formAction, new FormData(actionForm));
    button.disabled = false;
    if (data.errors) {
      say(data.errors.join(" "), true);
      return;
    }
    update(row, data);
    if (row.isConnected) {
      focusRow(row);
    }
  });

  function closeInline() {
    if (inline) {
      inline.form.remove();
      inline.row.remove();
      inline = null;
    }
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function ([name, value]) {
      node.setAttribute(name, value);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  async function openInline(link) {
    closeInline();
    const commentRow = link.closest("tr");
    const isReply = link.dataset.action === "reply";
    const held = link.closest(".comment-row-actions").dataset.status === "pending";
    const form = element("form", { id: "comment-inline", method: "post", action: link.href });
    form.append(element("input", { type: "hidden", name: "csrfmiddlewaretoken", value: token }));
    actionForm.after(form);
    const row = element("tr", { class: "comment-inline-form" });
    const cell = element("td", { colspan: String(commentRow.cells.length) });
    const label = element("label", { for: "comment-inline-body" }, isReply ? "Reply" : "Comment");
    const text = element("textarea", {
      id: "comment-inline-body", name: "body", rows: isReply ? "4" : "6", form: "comment-inline",
    });
    const buttons = element("div", { class: "comment-inline-buttons" });
    const submit = element("button", { type: "submit", form: "comment-inline", class: "button default" },
      isReply ? (held ? "Approve and reply" : "Reply") : "Update comment");
    if (isReply && held) {
      submit.name = "approve";
      submit.value = "1";
    }
    const cancel = element("button", { type: "button", class: "button" }, "Cancel");
    cancel.addEventListener("click", function () {
      closeInline();
      link.focus();
    });
    buttons.append(submit, cancel);
    cell.append(label, text, buttons);
    row.append(cell);
    commentRow.after(row);
    inline = { form: form, row: row, commentRow: commentRow };
    if (!isReply) {
      const data = await send(link.href);
      if (data.errors) {
        say(data.errors.join(" "), true);
        return;
      }
      text.value = data.body;
    }
    text.focus();
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const body = new FormData(form);
      if (event.submitter && event.submitter.name) {
        body.append(event.submitter.name, event.submitter.value);
      }
      submit.disabled = true;
      const data = await send(form.action, body);
      submit.disabled = false;
      if (data.errors) {
        say(data.errors.join(" "), true);
        text.focus();
        return;
      }
      closeInline();
      update(commentRow, data);
      focusRow(commentRow);
    });
  }

  results.addEventListener("click", function (event) {
    const link = event.target.closest("a.row-action");
    if (link) {
      event.preventDefault();
      openInline(link);
    }
  });

  function commentRows() {
    return Array.from(results.querySelectorAll("tbody tr:not(.comment-inline-form)"));
  }

  function focusRow(row) {
    commentRows().forEach(function (other) {
      other.classList.toggle("comment-current", other === row);
    });
    row.scrollIntoView({ block: "nearest" });
    const first = row.querySelector(".row-action");
    if (first && actionForm.dataset.shortcuts === "on") {
      first.focus({ preventScroll: true });
    }
  }

  if (actionForm.dataset.shortcuts === "on") {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("textarea, select, [contenteditable], input:not([type=checkbox])")) {
        return;
      }
      const rows = commentRows();
      const current = results.querySelector("tr.comment-current");
      if (event.key === "j" || event.key === "k") {
        const index = rows.indexOf(current);
        const next = event.key === "j" ? Math.min(rows.length - 1, index + 1) : Math.max(0, index - 1);
        if (rows[next]) {
          event.preventDefault();
          focusRow(rows[next]);
        }
        return;
      }
      const control = current && current.querySelector('[data-shortcut="' + event.key + '"]');
      if (control) {
        event.preventDefault();
        control.click();
      }
    });
  }
})();
