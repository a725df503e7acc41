// zoom-relay console: the template editor's live preview. Plain JavaScript, no build step.
//
// As the organizer types, the unsaved templates are posted (debounced) to the relay's preview API
// with the session's CSRF token, and the panes show what each channel would get. Untrusted markup
// is never assigned to innerHTML: the Telegram message is parsed in an inert document and rebuilt
// from an allow-list of the tags Telegram itself supports; the email HTML goes into a sandboxed
// iframe (no scripts, opaque origin).
// Copy buttons: `<button data-copy="ID">` copies the value of the field with that id.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-copy]") : null;
    if (!btn) return;
    var field = document.getElementById(btn.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      var was = btn.textContent;
      btn.textContent = "Copied";
      setTimeout(function () { btn.textContent = was; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
    }
  });
})();

// The template editor's "What a message can say": a button inserts its text at the cursor of the
// text box that had the focus last (the Telegram message when none had), and the live preview
// follows as if it had been typed.
(function () {
  "use strict";
  var last = null;
  document.addEventListener("focusin", function (ev) {
    if (ev.target.tagName === "TEXTAREA" && ev.target.hasAttribute("data-key")) last = ev.target;
  });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-insert]") : null;
    if (!btn) return;
    var box = last || document.querySelector("textarea[data-key]");
    if (!box) return;
    var text = btn.getAttribute("data-insert");
    var start = box.selectionStart, end = box.selectionEnd;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.selectionStart = box.selectionEnd = start + text.length;
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();

// The route editor's "Add a destination": once a kind is chosen, only its boxes are shown.
// Without the script every kind's boxes show, each under its own heading.
(function () {
  "use strict";
  var select = document.querySelector("[data-kind-select]");
  if (!select) return;
  var groups = document.querySelectorAll(".kind-fields");
  function show() {
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute("data-kind") !== select.value;
    }
  }
  select.addEventListener("change", show);
  show();
})();

(function () {
  "use strict";
  var form = document.getElementById("template-form");
  var preview = document.getElementById("preview");
  if (!form || !preview) return;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var url = preview.getAttribute("data-preview-url");
  var status = document.getElementById("preview-status");
  var errorBox = document.getElementById("preview-error");
  var timer = null;
  var seq = 0;

  // Telegram's HTML parse mode (core.telegram.org/bots/api#html-style).
  var ALLOWED = {
    B: "b", STRONG: "b", I: "i", EM: "i", U: "u", INS: "u", S: "s", STRIKE: "s", DEL: "s",
    A: "a", CODE: "code", PRE: "pre", BLOCKQUOTE: "blockquote", "TG-SPOILER": "span", SPAN: "span"
  };

  function safeHref(href) {
    try {
      var u = new URL(href, "https://invalid.example/");
      if (u.origin === "https://invalid.example") return null;
      return /^(https?|tg|mailto):$/.test(u.protocol) ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function rebuild(src, dst) {
    for (var n = src.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) {
        dst.appendChild(document.createTextNode(n.nodeValue));
      } else if (n.nodeType === 1) {
        var tag = ALLOWED[n.tagName];
        if (tag === "span" && n.tagName === "SPAN" && n.getAttribute("class") !== "tg-spoiler") tag = null;
        if (!tag) {
          rebuild(n, dst); // unknown element: keep its text only
          continue;
        }
        var el = document.createElement(tag);
        if (tag === "a") {
          var href = safeHref(n.getAttribute("href") || "");
          if (href) {
            el.setAttribute("href", href);
            el.setAttribute("rel", "noopener noreferrer");
            el.setAttribute("target", "_blank");
          }
        }
        if (tag === "span") el.className = "tg-spoiler";
        rebuild(n, el);
        dst.appendChild(el);
      }
    }
  }

  function showTelegram(html) {
    var pane = document.getElementById("preview-telegram");
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    while (pane.firstChild) pane.removeChild(pane.firstChild);
    rebuild(doc.body, pane);
  }

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text || "";
  }

  function showError(text) {
    if (text) {
      errorBox.textContent = text;
      errorBox.hidden = false;
      errorBox.setAttribute("role", "alert");
    } else {
      errorBox.textContent = "";
      errorBox.hidden = true;
      errorBox.removeAttribute("role");
    }
  }

  function render(items) {
    var errors = [];
    items.forEach(function (item) {
      if (item.error) errors.push(item.channel + ": " + item.error);
      var m = item.message;
      if (!m) return;
      if (m.kind === "telegram") showTelegram(m.html);
      if (m.kind === "email") {
        setText("preview-email-subject", m.subject);
        setText("preview-email-text", m.text);
        document.getElementById("preview-email-html").srcdoc = m.html;
      }
      if (m.kind === "webhook") setText("preview-webhook", m.json);
      if (m.kind === "log") setText("preview-log", m.text);
    });
    showError(errors.join("\n"));
  }

  function refresh() {
    var event = form.getAttribute("data-event");
    var templates = {};
    form.querySelectorAll("textarea[data-key]").forEach(function (t) {
      // An empty box is no override (webhook.json has no default template to show).
      // A box with data-full-key (an account's wording, `messages/es`) is sent under that key.
      var key = t.getAttribute("data-full-key") || event + "/" + t.getAttribute("data-key");
      if (t.value.trim() !== "") templates[key] = t.value;
    });
    var body = {
      event: event,
      app: form.getAttribute("data-app"),
      account: form.getAttribute("data-account"),
      templates: templates
    };
    var route = form.getAttribute("data-route");
    if (route) body.route = route;
    var locale = form.getAttribute("data-locale");
    if (locale) body.locale = locale;
    var mine = ++seq;
    status.textContent = "Updating preview…";
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (r) {
      if (mine !== seq) return; // a newer request is on its way
      if (r.ok) {
        render(r.data);
        status.textContent = "Preview updated.";
      } else {
        var msg = r.data && r.data.error ? r.data.error.message : "the preview failed";
        showError(msg);
        status.textContent = "The preview shows the last version that rendered.";
      }
    }).catch(function () {
      if (mine !== seq) return;
      status.textContent = "Could not reach the relay for a preview.";
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  // Format the server-rendered Telegram pane at once, then ask for a fresh render.
  var pane = document.getElementById("preview-telegram");
  showTelegram(pane.getAttribute("data-html") || "");
  refresh();
})();
