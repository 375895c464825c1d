// Reviews: the checklist picker's filter and the editor's warning about unsaved text. No inline script: the Content
// Security Policy forbids them. Without this file the pages work as plain forms.
"use strict";

// As core/text.py folds: lower case, no diacritics, đ as d, single spaces ("Tư tưởng" → "tu tuong").
function fold(text) {
  return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/\s+/g, " ").trim();
}

// The checklist picker: the filter box (hidden without a script) hides the items that do not hold what is typed, as
// typed but without diacritics ("tu tuong" finds "tư tưởng", not "lý tưởng … tự"); items already ticked stay in sight.
document.querySelectorAll("[data-checklist-picker]").forEach((picker) => {
  const box = picker.querySelector("[data-filter-box]");
  const input = picker.querySelector("[data-filter-input]");
  if (box === null || input === null) {
    return;
  }
  box.hidden = false;
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter filters; it must not send the form
    }
  });
  input.addEventListener("input", () => {
    const wanted = fold(input.value);
    picker.querySelectorAll("[data-filter-group]").forEach((group) => {
      let shown = 0;
      group.querySelectorAll("[data-filter-item]").forEach((item) => {
        const ticked = item.querySelector("input")?.checked;
        const match = ticked || item.dataset.search.includes(wanted);
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      const none = group.querySelector("[data-filter-none]");
      if (none !== null) {
        none.hidden = shown > 0;
      }
    });
  });
});

// The review editor (form[data-warn-unsaved]) warns before the page is left with text typed since the last save:
// the autosave clears the warning once it has saved everything typed before it was sent, and sending the form
// itself (saving, submitting, adding a shortcoming) never warns.
document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
  let changes = 0;
  let savedUpTo = 0;
  let sentAt = 0;
  let leaving = false;
  const dirty = () => changes > savedUpTo;
  form.addEventListener("input", () => {
    changes += 1;
  });
  form.addEventListener("change", () => {
    changes += 1;
  });
  form.addEventListener("submit", () => {
    leaving = true;
  });
  form.addEventListener("htmx:beforeRequest", () => {
    sentAt = changes;
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    if (document.querySelector("#autosave-status .status-ok") !== null) {
      savedUpTo = Math.max(savedUpTo, sentAt);
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty() && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
