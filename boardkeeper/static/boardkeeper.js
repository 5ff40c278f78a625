// The page's one script: GOV.UK Frontend's components. No inline scripts anywhere (Content Security Policy).
import { initAll } from "./vendor/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// The import preview: words selected in the minutes as read become a new action. Without a script the
// page offers 'Make an action' beside each paragraph instead; the button and its mention stay hidden.
const selectionButton = document.querySelector("[data-bk-selection]");
const source = document.querySelector("[data-bk-source]");
if (selectionButton && source) {
  selectionButton.hidden = false;
  document.querySelectorAll(".bk-with-script").forEach((el) => {
    el.hidden = false;
  });
  selectionButton.addEventListener("click", () => {
    const selection = window.getSelection();
    const text = selection ? selection.toString().trim() : "";
    if (!text || !selection.anchorNode || !source.contains(selection.anchorNode)) {
      const hint = document.querySelector("[data-bk-selection-hint]");
      if (hint) {
        hint.textContent = "Select the words of the action in the minutes as read first, then choose the button.";
        hint.hidden = false;
      }
      return;
    }
    const url = new URL(selectionButton.dataset.bkSelection, window.location.href);
    url.searchParams.set("text", text.slice(0, 5000));
    url.hash = "add-action";
    window.location.assign(url.toString());
  });
}

// Recovery codes: 'print them' (without a script, the download link alone is offered).
const printButton = document.querySelector("[data-bk-print]");
if (printButton) {
  printButton.closest(".bk-with-script").hidden = false;
  printButton.addEventListener("click", () => window.print());
}
