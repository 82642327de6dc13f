// The cursor in a page's first field without scrolling to it. A form that
// opens a page marks its field data-autofocus rather than autofocus: on a
// phone the receiving form sits below the dashboard's figures, and the
// browser would scroll the header and the figures out of sight to reach it.
// (A field in error keeps autofocus: there, scrolling to it is the point.)
(function () {
  function focusMarked(root) {
    var field = root && root.querySelector ? root.querySelector("[data-autofocus]") : null;
    if (field) { field.focus({ preventScroll: true }); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusMarked(document); });
  // A boosted link swaps the page's body in: its new form takes the cursor too.
  document.addEventListener("htmx:afterSettle", function (event) { focusMarked(event.detail.elt); });
})();
