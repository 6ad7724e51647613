// The console's only script: progressive enhancement over pages that work without it.
(function () {
  "use strict";

  // "Select every workflow shown" ticks or clears each row's box.
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "select-all") {
      document.querySelectorAll(".select-row").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
  });

  // The list refreshes itself, but not under a user who is choosing rows for a bulk action.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (source && source.id === "workflow-rows" && document.querySelector(".select-row:checked")) {
      event.preventDefault();
    }
  });
})();
