// Small helpers only: the server decides every rule; this script fetches and shows its answers.
document.addEventListener("DOMContentLoaded", () => {
  // A page that answers a form came after a redirect to a one-time address (`answer=`): the history
  // keeps the address of the page the form was on instead, so that Reload shows that page afresh.
  if (window.history.replaceState) {
    const url = new URL(window.location.href);
    if (document.body.dataset.canonical) {
      window.history.replaceState(null, "", document.body.dataset.canonical);
    } else if (url.searchParams.has("answer")) {
      url.searchParams.delete("answer");
      window.history.replaceState(null, "", url.pathname + url.search);
    }
  }
  // Steps that cannot be undone ask first (close a request, remove a position, a new password).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // A row's reasons are loaded once, when the row is opened or its reason list is used.
  const pending = {};
  const loadReasons = (lineId) => {
    const box = document.querySelector(`#details-${lineId} .reasons`);
    if (!box || box.dataset.state === "done") return Promise.resolve();
    if (box.dataset.state === "loading") return pending[lineId];
    box.dataset.state = "loading";
    box.textContent = box.dataset.loading;
    pending[lineId] = fetch(box.dataset.src, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then((response) => { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then((html) => {
        box.innerHTML = html;
        box.dataset.state = "done";
      })
      .catch(() => { box.dataset.state = ""; box.textContent = box.dataset.failed; });
    return pending[lineId];
  };

  // A row opens with its disclosure button (or a click anywhere on the row that is not a control).
  const toggle = (summary, open) => {
    const button = summary.querySelector("button.row-toggle");
    const details = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!details) return;
    const expand = open === undefined ? details.hidden : open;
    details.hidden = !expand;
    button.setAttribute("aria-expanded", String(expand));
    summary.classList.toggle("open", expand);
    if (expand) loadReasons(details.id.replace("details-", ""));
  };
  document.querySelectorAll("tr.summary").forEach((row) => {
    row.addEventListener("click", (event) => {
      if (event.target.closest("button.row-toggle")) { toggle(row); return; }
      if (event.target.closest("select, button, a, input, .reason-chooser")) return;
      toggle(row);
    });
  });
  // A row's reason list: a listbox of its own, filled when the pointer comes near or it is used.
  // Arrow keys only move within it (nothing happens until Enter); a refused reason shows why in
  // the list itself; an open reason leads to its form.
  document.querySelectorAll(".reason-chooser").forEach((chooser) => {
    const line = chooser.dataset.line;
    const button = chooser.querySelector("button.reason-button");
    const list = chooser.querySelector("ul.reason-list");
    const note = chooser.querySelector(".reason-note");
    const options = () => Array.from(list.querySelectorAll("li[role=option]"));
    let active = -1;
    const fill = () => loadReasons(line).then(() => {
      if (list.dataset.filled === "true") return;
      const box = document.querySelector(`#details-${line} .reasons`);
      if (!box) return;
      box.querySelectorAll("li.reason").forEach((item) => {
        const enabled = item.dataset.enabled === "true";
        const option = document.createElement("li");
        option.setAttribute("role", "option");
        option.id = `reason-${line}-${item.dataset.reason}`;
        option.dataset.reason = item.dataset.reason;
        option.setAttribute("aria-disabled", String(!enabled));
        option.setAttribute("aria-selected", "false");
        option.className = enabled ? "enabled" : "disabled";
        const label = document.createElement("span");
        label.className = "label";
        label.textContent = item.querySelector(".label").textContent;
        option.appendChild(label);
        if (item.dataset.note) {
          const why = document.createElement("small");
          why.className = "why";
          why.textContent = item.dataset.note;
          option.appendChild(why);
        }
        list.appendChild(option);
      });
      list.dataset.filled = "true";
    });
    const move = (index) => {
      const all = options();
      if (all.length === 0) return;
      active = Math.max(0, Math.min(all.length - 1, index));
      all.forEach((option, i) => {
        option.classList.toggle("active", i === active);
        option.setAttribute("aria-selected", String(i === active));
      });
      list.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    };
    const open = () => fill().then(() => {
      list.hidden = false;
      button.setAttribute("aria-expanded", "true");
      list.focus();
      move(active < 0 ? 0 : active);
    });
    const close = (focusButton) => {
      list.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (focusButton) button.focus();
    };
    const choose = (option) => {
      if (!option) return;
      const label = option.querySelector(".label").textContent;
      const why = option.querySelector(".why");
      if (option.getAttribute("aria-disabled") === "false" && chooser.dataset.register === "true") {
        window.location.href = `/register/${line}?reason=${encodeURIComponent(option.dataset.reason)}`;
        return;
      }
      note.textContent = why ? `${label}: ${why.textContent}` : label;
      note.hidden = false;
    };
    button.addEventListener("pointerenter", () => loadReasons(line));
    button.addEventListener("focus", () => loadReasons(line));
    button.addEventListener("click", () => (list.hidden ? open() : close(false)));
    button.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); open(); }
    });
    list.addEventListener("keydown", (event) => {
      const keys = { ArrowDown: active + 1, ArrowUp: active - 1, Home: 0, End: options().length - 1 };
      if (event.key in keys) { event.preventDefault(); move(keys[event.key]); return; }
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(options()[active]); return; }
      if (event.key === "Escape") { event.preventDefault(); close(true); return; }
      if (event.key === "Tab") close(false);
    });
    list.addEventListener("click", (event) => {
      const option = event.target.closest("li[role=option]");
      if (!option) return;
      move(options().indexOf(option));
      choose(option);
    });
    document.addEventListener("click", (event) => {
      if (!list.hidden && !chooser.contains(event.target)) close(false);
    });
  });
  // A form in two steps (wrong delivery): choosing an option shows its fields and the rest of the
  // form at once; without a script the "next" button does the same with a reload.
  document.querySelectorAll("[data-step]").forEach((step) => {
    const name = `f[${step.dataset.step}]`;
    const next = document.getElementById("next-step");
    if (next) next.hidden = true;
    const show = (value) => {
      step.hidden = false;
      document.querySelectorAll(`[data-when-field="${step.dataset.step}"]`).forEach((row) => {
        row.hidden = row.dataset.whenValue !== value;
      });
    };
    document.querySelectorAll(`input[type=radio][name="${name}"]`).forEach((radio) => {
      radio.addEventListener("change", () => { if (radio.checked) show(radio.value); });
    });
  });
  // Wrong delivery, option B: the material code is looked up on Enter and the article shown.
  document.querySelectorAll("input[data-material]").forEach((input) => {
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const found = document.getElementById("material-found");
      // An earlier match is cleared first: a failed lookup must never look like a found article.
      found.textContent = "";
      fetch(`${input.dataset.material}?code=${encodeURIComponent(input.value)}`, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      })
        .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
        .then(({ ok, body }) => {
          // The found article with its own offer, both prices, as the page shows it after a reload.
          found.replaceChildren();
          if (ok) {
            found.append(body.text || "");
            if (body.normal) {
              const special = document.createElement("strong");
              special.textContent = body.special;
              found.append(document.createElement("br"), body.normal, document.createElement("br"), special);
            }
          } else {
            found.append(body.detail || "");
          }
          found.className = ok ? "found" : "error";
        })
        .catch(() => { found.textContent = found.dataset.failed || ""; found.className = "error"; });
    });
  });
  // Files are checked before the form is sent: a file too large or of another type is named at
  // the field and left out, and everything typed stays. The server checks again, by content.
  const files = document.getElementById("files");
  if (files) {
    const error = document.getElementById("files-error");
    const accepted = /\.(docx?|pdf|jpe?g|png)$/i;
    files.addEventListener("change", () => {
      const problems = Array.from(files.files).flatMap((file) => {
        if (!accepted.test(file.name)) return [files.dataset.wrongType.replace("{name}", file.name)];
        if (file.size > Number(files.dataset.maxBytes)) return [files.dataset.tooLarge.replace("{name}", file.name)];
        return [];
      });
      error.textContent = problems.join(" ");
      error.hidden = problems.length === 0;
      files.setAttribute("aria-invalid", problems.length > 0 ? "true" : "false");
      if (problems.length > 0) files.value = "";
    });
  }
  // Files sent from a phone appear on the form without a reload; any file can be taken off again.
  const uploaded = document.getElementById("uploaded");
  if (uploaded) {
    uploaded.addEventListener("click", (event) => {
      const remove = event.target.closest("button.remove-upload");
      if (remove) remove.closest("li").remove();
    });
    const known = new Set(Array.from(uploaded.querySelectorAll("input")).map((input) => input.value));
    const poll = () => fetch(uploaded.dataset.src, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : []))
      .then((files) => files.forEach((file) => {
        if (known.has(file.id)) return;
        known.add(file.id);
        const item = document.createElement("li");
        const hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = "attachments[]"; hidden.value = file.id;
        item.appendChild(hidden);
        item.appendChild(document.createTextNode(file.filename + " "));
        const remove = document.createElement("button");
        remove.type = "button"; remove.className = "remove-upload link"; remove.textContent = "×";
        remove.setAttribute("aria-label", uploaded.dataset.remove + " " + file.filename);
        item.appendChild(remove);
        item.className = "from-phone";
        uploaded.appendChild(item);
      }))
      .catch(() => {});
    setInterval(poll, 3000);
  }
  // "[Details]" opens every line of its document.
  document.querySelectorAll("button.details-all").forEach((button) => {
    button.addEventListener("click", () => {
      const rows = button.closest("section").querySelectorAll("tr.summary");
      const anyClosed = Array.from(rows).some((row) => !row.classList.contains("open"));
      rows.forEach((row) => toggle(row, anyClosed));
    });
  });
  // The free date range shows its two date pickers only when chosen.
  const period = document.getElementById("period");
  const range = document.getElementById("range");
  if (period && range) {
    period.addEventListener("change", () => {
      range.hidden = period.value !== "custom";
      // A period the reseller chose applies to a number search too; the default week does not.
      const chosen = document.getElementById("period-chosen");
      if (chosen) chosen.value = "1";
    });
  }
  // Drafts: a form of ours keeps what was typed (in this tab only) when it is sent — never a
  // password. If the session had ended, the sign-in page leads back here and the form is filled
  // again; any other page that follows (the form was accepted) forgets the draft.
  const draftKey = "retour.draft";
  const here = location.pathname + location.search;
  const draftable = (form) => form.id && !form.querySelector("input[type=password]") &&
    form.querySelector("textarea, select, input:not([type=hidden]):not([type=file]):not([type=submit])");
  document.querySelectorAll("form[method=post]").forEach((form) => {
    if (!draftable(form)) return;
    form.addEventListener("submit", (event) => {
      // A form held back (a question answered no, a file refused in the browser) is not sent.
      if (event.defaultPrevented) return;
      const fields = [];
      for (const field of form.elements) {
        if (!field.name || ["hidden", "file", "submit", "button", "password"].includes(field.type)) continue;
        if (field.type === "checkbox" || field.type === "radio") {
          fields.push([field.name, field.value, field.checked]);
        } else {
          fields.push([field.name, field.value, null]);
        }
      }
      try { sessionStorage.setItem(draftKey, JSON.stringify({ page: here, form: form.id, fields })); } catch (e) { /* full or off */ }
    });
  });
  let draft = null;
  try { draft = JSON.parse(sessionStorage.getItem(draftKey) || "null"); } catch (e) { draft = null; }
  if (draft && !document.getElementById("login-submit")) {
    sessionStorage.removeItem(draftKey);
    const form = draft.page === here && document.getElementById(draft.form);
    // A page that answers a form (or shows errors) is the server's answer to this draft: what it
    // shows is what counts. Only a page opened afresh, as after signing in again, is filled.
    const answered = document.body.dataset.canonical ||
      (form && Array.from(form.querySelectorAll(".error")).some((e) => !e.hidden && e.textContent.trim()));
    if (form && draftable(form) && !answered) {
      for (const [name, value, checked] of draft.fields) {
        for (const field of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
          if (field.type === "checkbox" || field.type === "radio") {
            if (field.value === value) field.checked = checked;
          } else if (field.type !== "hidden" && field.type !== "file") {
            field.value = value;
          }
        }
      }
      const notice = document.createElement("p");
      notice.className = "notice";
      notice.id = "draft-restored";
      notice.setAttribute("role", "status");
      notice.textContent = document.body.dataset.draftRestored;
      form.parentNode.insertBefore(notice, form);
    }
  }
});
