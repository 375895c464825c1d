// Meetings on phones and projectors. No inline script: the Content Security Policy forbids them.
"use strict";

// A form marked data-submit-once disables its buttons once sent, so a second tap while the answer is on its way
// sends nothing more. They are disabled after the browser has read the button pressed (its name and value go
// with the form: the roll's buttons carry the status).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
    return;
  }
  window.setTimeout(() => {
    form.querySelectorAll("button").forEach((button) => {
      button.disabled = true;
    });
  }, 0);
});

// A button marked data-fullscreen="<id>" shows that element on the whole screen (the check-in screen on a
// projector), or leaves the full screen. Hidden where the browser cannot do it.
document.querySelectorAll("button[data-fullscreen]").forEach((button) => {
  if (document.fullscreenEnabled) {
    button.hidden = false;
  }
});
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-fullscreen]") : null;
  if (button === null) {
    return;
  }
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else {
    document.getElementById(button.dataset.fullscreen)?.requestFullscreen();
  }
});
