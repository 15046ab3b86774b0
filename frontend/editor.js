/*
 * The post body editor: Tiptap (ProseMirror) with the formats a course essay needs.
 * Built into static/js/editor.bundle.js by `npm run build`; mounted by
 * static/js/post-editor.js on the body <textarea>, which stays the form field and
 * always holds the editor's HTML. The server sanitises whatever it receives.
 */
import { Editor, mergeAttributes, Node } from "@tiptap/core";
import Blockquote from "@tiptap/extension-blockquote";
import { TextSelection } from "@tiptap/pm/state";
import StarterKit from "@tiptap/starter-kit";

/* A block quote ends with an optional citation line: <cite>(pg. 92)</cite>. */
const Citation = Node.create({
  name: "citation",
  content: "inline*",
  defining: true,
  parseHTML() {
    return [{ tag: "cite", context: "blockquote/" }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["cite", mergeAttributes(HTMLAttributes), 0];
  },
  addKeyboardShortcuts() {
    return {
      // Enter at the citation line leaves the quote for a new paragraph.
      Enter: ({ editor }) => {
        if (!editor.isActive("citation")) {
          return false;
        }
        const { $from } = editor.state.selection;
        for (let depth = $from.depth; depth > 0; depth -= 1) {
          if ($from.node(depth).type.name === "blockquote") {
            return leaveQuote(editor, $from.after(depth));
          }
        }
        return false;
      },
    };
  },
});

const QuoteWithCitation = Blockquote.extend({
  content: "(paragraph | bulletList | orderedList)+ citation?",
  addKeyboardShortcuts() {
    return { ...this.parent?.(), Enter: ({ editor }) => enterInQuote(editor) };
  },
});

/*
 * Enter in a paragraph of a block quote. In text it starts a new paragraph of the
 * quote (ProseMirror's own split would make an empty citation line there). In the
 * empty last paragraph, as a second Enter, it leaves the quote and takes that empty
 * line along, so no blank line is left in the quote or after it. Anything else,
 * such as lists in a quote, gets the usual Enter.
 */
function enterInQuote(editor) {
  const { $from, $to } = editor.state.selection;
  const quote = $from.depth > 1 ? $from.node(-1) : null;
  if ($from.parent.type.name !== "paragraph" || quote?.type.name !== "blockquote" || !$from.sameParent($to)) {
    return false;
  }
  if ($from.parent.content.size > 0) {
    const paragraph = editor.schema.nodes.paragraph;
    return editor
      .chain()
      .command(({ tr }) => {
        tr.deleteSelection().split(tr.selection.from, 1, [{ type: paragraph }]);
        return true;
      })
      .scrollIntoView()
      .run();
  }
  const lastText = quote.childCount - (quote.lastChild.type.name === "citation" ? 2 : 1);
  if ($from.index(-1) !== lastText || lastText === 0) {
    return false;
  }
  return leaveQuote(editor, $from.after(-1), { from: $from.before(), to: $from.after() });
}

/* Put the cursor in a paragraph right after the quote ending at quoteEnd: the empty
   one already there (the editor keeps one at the end of the text), or a new one. */
function leaveQuote(editor, quoteEnd, remove = null) {
  return editor
    .chain()
    .command(({ tr }) => {
      if (remove) {
        tr.delete(remove.from, remove.to);
      }
      const after = tr.mapping.map(quoteEnd);
      const next = tr.doc.resolve(after).nodeAfter;
      if (!(next && next.type.name === "paragraph" && next.content.size === 0)) {
        tr.insert(after, editor.schema.nodes.paragraph.create());
      }
      tr.setSelection(TextSelection.create(tr.doc, after + 1));
      return true;
    })
    .scrollIntoView()
    .run();
}

/* An uploaded picture: WebP and JPEG renditions with srcset, sizes and dimensions. */
const Picture = Node.create({
  name: "picture",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    const plain = (name) => ({ default: null, parseHTML: (el) => imageOf(el).getAttribute(name) });
    return {
      src: plain("src"),
      srcset: plain("srcset"),
      sizes: plain("sizes"),
      width: plain("width"),
      height: plain("height"),
      alt: { default: "", parseHTML: (el) => imageOf(el).getAttribute("alt") || "" },
      webpSrcset: {
        default: null,
        parseHTML: (el) => {
          const source = el.querySelector && el.querySelector("source[type='image/webp']");
          return source ? source.getAttribute("srcset") : null;
        },
      },
    };
  },
  parseHTML() {
    return [{ tag: "picture" }, { tag: "img[src]" }];
  },
  renderHTML({ node }) {
    const { src, srcset, sizes, width, height, alt, webpSrcset } = node.attrs;
    const img = ["img", clean({ src, srcset, sizes, width, height, alt: alt || "" })];
    if (!webpSrcset) {
      return img;
    }
    return ["picture", ["source", clean({ type: "image/webp", srcset: webpSrcset, sizes })], img];
  },
});

const Figure = Node.create({
  name: "figure",
  group: "block",
  content: "picture figcaption?",
  draggable: true,
  isolating: true,
  parseHTML() {
    return [{ tag: "figure" }];
  },
  renderHTML() {
    return ["figure", 0];
  },
});

const Figcaption = Node.create({
  name: "figcaption",
  content: "inline*",
  parseHTML() {
    return [{ tag: "figcaption" }];
  },
  renderHTML() {
    return ["figcaption", 0];
  },
});

function imageOf(element) {
  return element.tagName === "IMG" ? element : element.querySelector("img") || element;
}

function clean(attrs) {
  return Object.fromEntries(Object.entries(attrs).filter(([, value]) => value !== null && value !== ""));
}

const BUTTONS = [
  { id: "paragraph", label: "Paragraph", run: (c) => c.setParagraph(), active: (e) => e.isActive("paragraph") },
  { id: "h2", label: "Heading", run: (c) => c.toggleHeading({ level: 2 }), active: (e) => e.isActive("heading", { level: 2 }) },
  { id: "h3", label: "Subheading", run: (c) => c.toggleHeading({ level: 3 }), active: (e) => e.isActive("heading", { level: 3 }) },
  { id: "bold", label: "Bold", run: (c) => c.toggleBold(), active: (e) => e.isActive("bold") },
  { id: "italic", label: "Italic", run: (c) => c.toggleItalic(), active: (e) => e.isActive("italic") },
  { id: "link", label: "Link", active: (e) => e.isActive("link") },
  { id: "bullets", label: "Bulleted list", run: (c) => c.toggleBulletList(), active: (e) => e.isActive("bulletList") },
  { id: "numbers", label: "Numbered list", run: (c) => c.toggleOrderedList(), active: (e) => e.isActive("orderedList") },
  { id: "quote", label: "Block quote", run: (c) => c.toggleBlockquote(), active: (e) => e.isActive("blockquote") },
  { id: "citation", label: "Quote citation", active: (e) => e.isActive("citation") },
  { id: "image", label: "Image" },
  { id: "undo", label: "Undo", run: (c) => c.undo() },
  { id: "redo", label: "Redo", run: (c) => c.redo() },
];

function mount(textarea, options) {
  const wrapper = document.createElement("div");
  wrapper.className = "rich-text";
  const toolbar = document.createElement("div");
  toolbar.className = "rich-text-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting");
  const surface = document.createElement("div");
  surface.className = "rich-text-surface";
  wrapper.append(toolbar, surface);
  textarea.parentNode.insertBefore(wrapper, textarea.nextSibling);
  textarea.hidden = true;

  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const editor = new Editor({
    element: surface,
    injectCSS: false, // our stylesheet has ProseMirror's rules; the CSP forbids inline styles
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        blockquote: false,
        code: false,
        codeBlock: false,
        horizontalRule: false,
        strike: false,
        underline: false,
        link: { openOnClick: false, autolink: true, protocols: ["mailto"], HTMLAttributes: { rel: null, target: null } },
      }),
      QuoteWithCitation,
      Citation,
      Picture,
      Figure,
      Figcaption,
    ],
    content: textarea.value,
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": label ? label.textContent.replace("*", "").trim() : "Body",
        class: "entry-content",
      },
    },
    onUpdate: ({ editor: current }) => {
      // The empty paragraph the editor keeps at the end, for the cursor, is not text.
      textarea.value = current.isEmpty ? "" : current.getHTML().replace(/(<p><\/p>)+$/, "");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });

  const buttons = {};
  for (const spec of BUTTONS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `rich-text-button rich-text-${spec.id}`;
    button.textContent = spec.label;
    button.dataset.command = spec.id;
    if (spec.active) {
      button.setAttribute("aria-pressed", "false");
    }
    toolbar.append(button);
    buttons[spec.id] = { button, spec };
  }

  const refresh = () => {
    for (const { button, spec } of Object.values(buttons)) {
      if (spec.active) {
        button.setAttribute("aria-pressed", String(spec.active(editor)));
      }
    }
  };
  editor.on("selectionUpdate", refresh);
  editor.on("transaction", refresh);

  // Clicking a button must not take the focus (and the selection) away from the text.
  toolbar.addEventListener("mousedown", (event) => {
    if (event.target.closest("button")) {
      event.preventDefault();
    }
  });
  const linkButton = buttons.link.button;
  linkButton.setAttribute("aria-haspopup", "dialog");
  linkButton.setAttribute("aria-expanded", "false");
  linkButton.setAttribute("aria-controls", "link-dialog");
  linkButton.setAttribute("aria-keyshortcuts", "Control+K");
  const linkDialog = makeLinkDialog(editor, wrapper, linkButton);
  surface.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
      event.preventDefault();
      linkDialog.open();
    }
  });

  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-command]");
    if (!button) {
      return;
    }
    const { spec } = buttons[button.dataset.command];
    if (spec.run) {
      spec.run(editor.chain().focus()).run();
    } else if (spec.id === "link") {
      linkDialog.toggle();
    } else if (spec.id === "citation") {
      addCitation(editor);
    } else if (spec.id === "image") {
      chooseImage(editor, options);
    }
  });
  return editor;
}

/*
 * The Link button's dialog, shown under the text being linked: the address, "Open
 * in a new tab" (off unless the link already opens one), and Remove link for an
 * existing link. Enter saves, Escape closes; either way the focus goes back to the
 * text. It holds no form of its own (it sits in the post's form), so nothing in it
 * is sent with the post.
 */
function makeLinkDialog(editor, wrapper, linkButton) {
  const panel = document.createElement("div");
  panel.className = "link-dialog";
  panel.id = "link-dialog";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "link-dialog-title");
  panel.hidden = true;
  const element = (tag, props) => Object.assign(document.createElement(tag), props);
  const title = element("p", { id: "link-dialog-title", className: "link-dialog-title" });
  const address = element("input", { type: "url", id: "link-dialog-href", placeholder: "https://" });
  address.setAttribute("autocomplete", "url");
  const newTab = element("input", { type: "checkbox", id: "link-dialog-new-tab" });
  const error = element("p", { id: "link-dialog-error", className: "field-error" });
  error.setAttribute("role", "alert");
  error.hidden = true;
  const save = element("button", { type: "button", className: "submit", textContent: "Save link" });
  const remove = element("button", { type: "button", className: "secondary", textContent: "Remove link" });
  const cancel = element("button", { type: "button", className: "link-button", textContent: "Cancel" });
  const addressField = element("p", { className: "link-dialog-address" });
  addressField.append(element("label", { htmlFor: address.id, textContent: "Link address" }), address);
  const tabField = element("p", { className: "checkbox-field" });
  tabField.append(newTab, " ", element("label", { htmlFor: newTab.id, textContent: "Open in a new tab" }));
  const actions = element("p", { className: "link-dialog-actions" });
  actions.append(save, " ", remove, " ", cancel);
  panel.append(title, addressField, tabField, error, actions);
  wrapper.append(panel);

  let range = null;

  const close = () => {
    if (panel.hidden) {
      return;
    }
    panel.hidden = true;
    linkButton.setAttribute("aria-expanded", "false");
    editor.chain().focus().setTextSelection(range).run();
  };

  const open = () => {
    const editing = editor.isActive("link");
    if (editing) {
      editor.chain().extendMarkRange("link").run();
    }
    const { from, to } = editor.state.selection;
    range = { from, to };
    const current = editor.getAttributes("link");
    title.textContent = editing ? "Edit the link" : "Add a link";
    address.value = current.href || "";
    newTab.checked = current.target === "_blank";
    remove.hidden = !editing;
    error.hidden = true;
    address.removeAttribute("aria-invalid");
    panel.hidden = false;
    linkButton.setAttribute("aria-expanded", "true");
    // Under the line being linked, inside the editor's box.
    const box = wrapper.getBoundingClientRect();
    const line = editor.view.coordsAtPos(to);
    panel.style.top = `${Math.round(line.bottom - box.top + 6)}px`;
    const left = Math.min(line.left - box.left, box.width - panel.offsetWidth - 8);
    panel.style.left = `${Math.max(8, Math.round(left))}px`;
    address.focus();
    address.select();
  };

  const apply = () => {
    const href = linkAddress(address.value);
    if (href === "") {
      if (!remove.hidden) {
        unlink();
        return;
      }
      return refuse("Type the address the link goes to.");
    }
    if (href === null) {
      return refuse("A link goes to a web address (https://…) or an email address (mailto:…).");
    }
    const attrs = newTab.checked
      ? { href, target: "_blank", rel: "noopener noreferrer" }
      : { href, target: null, rel: null };
    const chain = editor.chain().focus().setTextSelection(range);
    if (range.from === range.to && !editor.isActive("link")) {
      chain.insertContent({ type: "text", text: href, marks: [{ type: "link", attrs }] });
    } else {
      chain.extendMarkRange("link").setLink(attrs);
    }
    chain.run();
    panel.hidden = true;
    linkButton.setAttribute("aria-expanded", "false");
  };

  const unlink = () => {
    editor.chain().focus().setTextSelection(range).extendMarkRange("link").unsetLink().run();
    panel.hidden = true;
    linkButton.setAttribute("aria-expanded", "false");
  };

  const refuse = (message) => {
    error.textContent = message;
    error.hidden = false;
    address.setAttribute("aria-invalid", "true");
    address.setAttribute("aria-describedby", error.id);
    address.focus();
  };

  save.addEventListener("click", apply);
  remove.addEventListener("click", unlink);
  cancel.addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Enter" && event.target.tagName === "INPUT") {
      event.preventDefault(); // it would send the post's form
      apply();
    }
  });
  // A click elsewhere closes it, as a menu would.
  document.addEventListener("mousedown", (event) => {
    if (!panel.hidden && !panel.contains(event.target) && !linkButton.contains(event.target)) {
      panel.hidden = true;
      linkButton.setAttribute("aria-expanded", "false");
    }
  });
  return { open, toggle: () => (panel.hidden ? open() : close()) };
}

/* A typed link address made whole ("example.org" → "https://example.org"), "" when
   nothing was typed, null when it is not a web or email address. */
function linkAddress(typed) {
  const text = typed.trim();
  if (text === "" || text === "https://") {
    return "";
  }
  if (/^(https?:\/\/|mailto:)\S+$/i.test(text)) {
    return text;
  }
  if (/^[^\s:/]+@[^\s@]+\.[^\s@]+$/.test(text)) {
    return `mailto:${text}`;
  }
  if (/^[^\s:/]+\.[^\s]+$/.test(text)) {
    return `https://${text}`;
  }
  return null;
}

function addCitation(editor) {
  const chain = editor.chain().focus();
  if (!editor.isActive("blockquote")) {
    chain.toggleBlockquote();
  }
  chain
    .command(({ tr, state }) => {
      const { $from } = state.selection;
      for (let depth = $from.depth; depth > 0; depth -= 1) {
        const node = $from.node(depth);
        if (node.type.name === "blockquote") {
          if (node.lastChild && node.lastChild.type.name === "citation") {
            tr.setSelection(state.selection.constructor.near(tr.doc.resolve($from.end(depth) - 1)));
            return true;
          }
          const citation = state.schema.nodes.citation.create(null, state.schema.text("(pg. )"));
          const position = $from.end(depth);
          tr.insert(position, citation);
          tr.setSelection(state.selection.constructor.near(tr.doc.resolve(position + citation.nodeSize - 2)));
          return true;
        }
      }
      return false;
    })
    .run();
}

function chooseImage(editor, options) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = "image/jpeg,image/png,image/webp,image/gif";
  input.addEventListener("change", () => {
    if (input.files.length) {
      uploadImage(editor, options, input.files[0]);
    }
  });
  input.click();
}

async function uploadImage(editor, options, file) {
  const status = options.status;
  status(`Uploading ${file.name}…`);
  const body = new FormData();
  body.append("file", file);
  let answer;
  try {
    const response = await fetch(options.uploadUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": options.csrfToken },
      credentials: "same-origin",
    });
    answer = await response.json();
    if (!response.ok) {
      status(answer.error || "The image could not be uploaded.", true);
      return;
    }
  } catch (error) {
    status("The image could not be uploaded: the connection failed. Try again.", true);
    return;
  }
  status("");
  const details = await describeImage(file.name);
  if (!details) {
    return;
  }
  const caption = [details.caption, details.credit ? `(${details.credit})` : ""].filter(Boolean).join(" ");
  const content = [
    {
      type: "picture",
      attrs: {
        src: answer.src,
        srcset: answer.srcset,
        webpSrcset: answer.webpSrcset,
        sizes: answer.sizes,
        width: String(answer.width),
        height: String(answer.height),
        alt: details.alt,
      },
    },
  ];
  if (caption) {
    content.push({ type: "figcaption", content: [{ type: "text", text: caption }] });
  }
  // A figure is a block of its own: it goes after the top-level block holding the cursor.
  const { $from } = editor.state.selection;
  const position = $from.depth > 0 ? $from.after(1) : editor.state.doc.content.size;
  editor.chain().focus().insertContentAt(position, { type: "figure", content }).run();
}

/* Ask for alt text (required), caption and credit in a small dialog. */
function describeImage(filename) {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "image-dialog";
    dialog.setAttribute("aria-labelledby", "image-dialog-title");
    const form = document.createElement("form");
    form.method = "dialog";
    const heading = document.createElement("h2");
    heading.id = "image-dialog-title";
    heading.textContent = `Describe ${filename}`;
    form.append(heading);
    const fields = {};
    for (const [name, text, required] of [
      ["alt", "Alt text (what the image shows, for readers who cannot see it)", true],
      ["caption", "Caption", false],
      ["credit", "Credit", false],
    ]) {
      const p = document.createElement("p");
      const fieldLabel = document.createElement("label");
      fieldLabel.htmlFor = `image-dialog-${name}`;
      fieldLabel.textContent = text;
      const input = document.createElement("input");
      input.type = "text";
      input.id = `image-dialog-${name}`;
      input.required = required;
      p.append(fieldLabel, input);
      form.append(p);
      fields[name] = input;
    }
    const actions = document.createElement("p");
    const insert = document.createElement("button");
    insert.className = "submit";
    insert.value = "insert";
    insert.textContent = "Insert image";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link-button";
    cancel.textContent = "Cancel";
    actions.append(insert, " ", cancel);
    form.append(actions);
    dialog.append(form);
    document.body.append(dialog);

    let done = false;
    const finish = (value) => {
      if (!done) {
        done = true;
        dialog.close();
        dialog.remove();
        resolve(value);
      }
    };
    cancel.addEventListener("click", () => finish(null));
    dialog.addEventListener("cancel", () => finish(null));
    form.addEventListener("submit", (event) => {
      if (!fields.alt.value.trim()) {
        event.preventDefault();
        fields.alt.focus();
        return;
      }
      finish({
        alt: fields.alt.value.trim(),
        caption: fields.caption.value.trim(),
        credit: fields.credit.value.trim(),
      });
    });
    dialog.showModal();
    fields.alt.focus();
  });
}

window.CoursblogEditor = { mount };
