// feedsift overview: reload the first page every data-refresh seconds
// while the auto-refresh box is ticked and the reader is not typing.
// Unticking the box is remembered in this browser (localStorage).
(function () {
  "use strict";
  var secs = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  var box = document.getElementById("auto-refresh");
  if (!(secs > 0) || !box) {
    return;
  }
  var key = "feedsift.autoRefresh";
  try {
    if (window.localStorage.getItem(key) === "off") {
      box.checked = false;
    }
  } catch (e) { /* storage may be off: the box starts ticked */ }
  box.addEventListener("change", function () {
    try {
      window.localStorage.setItem(key, box.checked ? "on" : "off");
    } catch (e) { /* not remembered */ }
  });
  var lastInput = 0;
  document.addEventListener("input", function (ev) {
    if (ev.target !== box) {
      lastInput = Date.now();
    }
  }, true);
  function typing() {
    var el = document.activeElement;
    if (el && el !== box && (el.tagName === "TEXTAREA" || el.isContentEditable ||
        (el.tagName === "INPUT" && ["checkbox", "radio", "submit", "button", "hidden"].indexOf(el.type) < 0))) {
      return true;
    }
    return Date.now() - lastInput < secs * 1000;
  }
  // feedsiftShouldReload says whether the next tick reloads the page.
  window.feedsiftShouldReload = function () {
    return box.checked && !typing();
  };
  window.setInterval(function () {
    if (window.feedsiftShouldReload()) {
      window.location.reload();
    }
  }, secs * 1000);
}());
