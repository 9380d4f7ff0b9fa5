/* Mentor: the keyboard on annotation pages. Loaded from /static (the CSP allows no inline
   script); every page also works without it, through plain forms.

   Keys act on the form that holds the focus, else on the page's primary form. What a key does
   there is the task type's keyboard map, which the form carries as data: data-keys='{"KEY":
   ["action", ...]}' names the actions tried in turn ("digit" stands for 0-9); a key the map
   does not name runs "pick". The actions (no task type is named here):
   - pick: the input with data-key="K" is clicked by K; inside a [data-group] (a criterion, a
     claim, a turn) K acts on the group with the focus, else on the first group with no answer,
     and the focus moves on to the next group (Tab moves between groups as usual);
   - rank / unrank: a digit appends that response to the order (select[data-rank]), Backspace
     takes the last one back;
   - label-span: after selecting [data-span-text] (which fills the next empty [data-span-row]),
     a digit picks that row's label;
   - R focuses the text field marked data-focus-key="r"; Esc leaves a text field;
   - Enter submits the primary form (Ctrl+Enter: the form being typed in); S skips; U and other
     [data-key-link] links and buttons are clicked (the start page's Enter is a POST form's
     button: only a POST leases an item); ? opens the key list. */
(function () {
  "use strict";

  function typing(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el.tagName === "INPUT" && !/^(radio|checkbox|button|submit|reset)$/.test(el.type);
  }

  function currentForm() {
    const active = document.activeElement;
    const inside = active && active.closest ? active.closest("form[data-task]") : null;
    return inside || document.querySelector("form[data-task][data-primary]");
  }

  function groups(form) {
    return Array.from(form.querySelectorAll("[data-group]"));
  }

  function activeGroup(form) {
    const active = document.activeElement;
    const group = active && active.closest ? active.closest("[data-group]") : null;
    if (group && form.contains(group)) return group;
    return groups(form).find(function (g) { return !g.querySelector("input:checked"); }) || null;
  }

  function focusGroup(group) {
    const target = group.querySelector("input:checked") || group.querySelector("input[type=radio]");
    if (target) target.focus();
    group.scrollIntoView({ block: "nearest" });
  }

  function byKey(root, key) {
    return Array.from(root.querySelectorAll("[data-key]")).filter(function (el) {
      return el.getAttribute("data-key") === key && el.tagName !== "OPTION";
    });
  }

  function pick(form, key) {
    const group = activeGroup(form);
    if (group) {
      const input = byKey(group, key)[0];
      if (input) {
        input.click();
        const all = groups(form);
        const next = all[all.indexOf(group) + 1];
        if (next) focusGroup(next); else input.focus();
        return true;
      }
    }
    const loose = byKey(form, key).find(function (el) { return !el.closest("[data-group]"); });
    if (loose) { loose.click(); return true; }
    return false;
  }

  /* Ranking ------------------------------------------------------------------------------- */
  function showPlaces(form) {
    const selects = Array.from(form.querySelectorAll("select[data-rank]"));
    form.querySelectorAll("[data-place-for]").forEach(function (el) {
      const place = selects.findIndex(function (s) { return s.value === el.getAttribute("data-place-for"); });
      el.textContent = place >= 0 ? "#" + (place + 1) : "";
    });
  }

  function unrank(form) {
    const selects = Array.from(form.querySelectorAll("select[data-rank]"));
    if (!selects.length) return false;
    const filled = selects.filter(function (s) { return s.value; });
    if (filled.length) filled[filled.length - 1].value = "";
    showPlaces(form);
    return true;
  }

  function rank(form, key) {
    const selects = Array.from(form.querySelectorAll("select[data-rank]"));
    if (!selects.length) return false;
    const n = parseInt(key, 10);
    const options = selects[0].options;
    if (!(n >= 1 && n < options.length)) return false;
    const label = options[n].value;
    if (!selects.some(function (s) { return s.value === label; })) {
      const empty = selects.find(function (s) { return !s.value; });
      if (empty) empty.value = label;
    }
    showPlaces(form);
    return true;
  }

  /* Spans ---------------------------------------------------------------------------------- */
  function selectedOffsets(textEl) {
    const selection = window.getSelection();
    if (!selection || !selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!textEl.contains(range.startContainer) || !textEl.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.selectNodeContents(textEl);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    const end = start + range.toString().length;
    const full = textEl.textContent;
    // Mentor counts characters (code points); JavaScript strings count UTF-16 units.
    const points = function (units) { return Array.from(full.slice(0, units)).length; };
    return { start: points(start), end: points(end), quote: full.slice(start, end) };
  }

  function markSelection(form) {
    const textEl = form.querySelector("[data-span-text]");
    const found = textEl ? selectedOffsets(textEl) : null;
    if (!found) return;
    const rows = Array.from(form.querySelectorAll("[data-span-row]"));
    const row = rows.find(function (r) {
      return !r.querySelector("input[name$='-start']").value && !r.querySelector("input[name$='-end']").value;
    });
    if (!row) return;
    row.querySelector("input[name$='-start']").value = String(found.start);
    row.querySelector("input[name$='-end']").value = String(found.end);
    row.querySelector("[data-quote]").textContent = found.quote;
    rows.forEach(function (r) { r.removeAttribute("data-pending"); });
    row.setAttribute("data-pending", "");
    window.getSelection().removeAllRanges();
  }

  function labelPending(form, key) {
    const row = form.querySelector("[data-span-row][data-pending]");
    const n = parseInt(key, 10);
    if (!row || !(n >= 1)) return false;
    const select = row.querySelector("select[name$='-label']");
    if (!select || n > select.options.length) return false;
    select.selectedIndex = n - 1;
    row.removeAttribute("data-pending");
    return true;
  }

  /* The task type's keyboard map ------------------------------------------------------------ */
  const ACTIONS = { pick: pick, rank: rank, unrank: unrank, "label-span": labelPending };

  function keymap(form) {
    try {
      const map = JSON.parse(form.getAttribute("data-keys") || "{}");
      return map && typeof map === "object" ? map : {};
    } catch (error) {
      return {};
    }
  }

  function act(form, key) {
    const map = keymap(form);
    const own = Object.prototype.hasOwnProperty;
    let names = ["pick"];
    if (own.call(map, key)) names = map[key];
    else if (/^[0-9]$/.test(key) && own.call(map, "digit")) names = map.digit;
    return [].concat(names).some(function (name) {
      return own.call(ACTIONS, name) && ACTIONS[name](form, key);
    });
  }

  /* The page ------------------------------------------------------------------------------- */
  function submit(form) {
    if (form && form.hasAttribute("data-primary")) form.requestSubmit();
  }

  function follow(key) {
    const link = document.querySelector("[data-key-link='" + key + "']");
    if (link) { link.click(); return true; }
    return false;
  }

  function onKey(event) {
    const target = event.target;
    const form = currentForm();
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      // The form being typed in (a question, a task), else the page's task form; never a form
      // whose buttons say different things (accept / reject), where the button must be chosen.
      const own = target.closest ? target.closest("form") : null;
      const chosen = own || (form && form.hasAttribute("data-primary") ? form : null);
      if (chosen && chosen.querySelectorAll("button[type=submit]").length === 1) {
        event.preventDefault();
        chosen.requestSubmit();
      }
      return;
    }
    if (typing(target)) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    let done = false;
    if (key === "?") {
      const help = document.getElementById("keys-help");
      if (help) { help.open = !help.open; done = true; }
    } else if (key === "Enter") {
      if (/^(BUTTON|A|SUMMARY)$/.test(target.tagName)) return;
      if (form && form.hasAttribute("data-primary")) { submit(form); done = true; }
      else done = follow("enter");
    } else if (key === "s" && document.getElementById("skip-form") && form && form.hasAttribute("data-primary")) {
      document.getElementById("skip-form").requestSubmit();
      done = true;
    } else if (key === "u") {
      done = follow("u");
    } else if (key === "r" && form) {
      const field = form.querySelector("[data-focus-key='r']");
      if (field) { field.focus(); done = true; }
    } else if (form) {
      done = act(form, key);
    }
    if (done) event.preventDefault();
  }

  function guardDoubleSubmit(event) {
    const form = event.target;
    if (form.hasAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "");
  }

  document.addEventListener("keydown", onKey);
  document.querySelectorAll("form[data-task]").forEach(function (form) {
    const textEl = form.querySelector("[data-span-text]");
    if (textEl) {
      textEl.addEventListener("mouseup", function () { markSelection(form); });
      textEl.addEventListener("keyup", function () { markSelection(form); });
    }
    form.querySelectorAll("select[data-rank]").forEach(function (s) {
      s.addEventListener("change", function () { showPlaces(form); });
    });
    showPlaces(form);
    if (form.hasAttribute("data-primary")) form.addEventListener("submit", guardDoubleSubmit);
  });
  document.documentElement.classList.add("keys-on");
})();
