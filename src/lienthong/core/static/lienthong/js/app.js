/* lienthong — progressive enhancement only: every page works without this file.
   1. The menu toggle on narrow screens.
   2. Searchable pickers (tom-select) on <select data-picker>. */
(function () {
  "use strict";

  function setupMenu(root) {
    root.querySelectorAll("[data-menu-toggle]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      var menu = button.nextElementSibling;
      if (!menu) return;
      if (!menu.id) menu.id = "site-menu-items";
      button.setAttribute("aria-controls", menu.id);
      button.hidden = false;
      menu.classList.add("menu-collapsible");
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", open ? "true" : "false");
        menu.classList.toggle("menu-open", open);
      });
    });
  }

  function setupPickers(root) {
    if (typeof window.TomSelect !== "function") return;
    root.querySelectorAll("select[data-picker]").forEach(function (select) {
      if (select.tomselect) return;
      var multiple = select.multiple;
      var empty = select.dataset.pickerEmpty || "";
      new window.TomSelect(select, {
        plugins: multiple ? ["remove_button"] : [],
        maxOptions: null,
        refreshThrottle: 0, // local options: filter at once, so Enter picks what was typed
        allowEmptyOption: !multiple,
        hideSelected: multiple,
        closeAfterSelect: !multiple,
        placeholder: select.dataset.pickerPlaceholder || "",
        searchField: ["text", "optgroup"],
        render: {
          no_results: function (data, escape) {
            return '<div class="no-results">' + escape(empty) + "</div>";
          },
        },
      });
    });
  }

  function setup(root) {
    setupMenu(root);
    setupPickers(root);
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:load", function (event) { setup(event.target); });
})();
