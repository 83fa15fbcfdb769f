/* digest: filter the people directory as you type. Works offline, loads nothing.
 * The page holds a placeholder <div data-digest-people> (labels in data-* attributes) right
 * before the directory table; rows are matched on their cells' text, never parsed as HTML. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFKC").toLowerCase();
  }

  function setup(box) {
    if (box.dataset.ready) return;
    var table = null;
    var node = box.nextElementSibling;
    while (node && !table) {
      table = node.tagName === "TABLE" ? node : node.querySelector("table");
      node = node.nextElementSibling;
    }
    if (!table || !table.tBodies.length) return;
    box.dataset.ready = "1";
    var columns = (box.dataset.columns || "").split(",");
    var fields = ["any", "skills", "city", "offers", "seeking"];

    var select = document.createElement("select");
    select.setAttribute("aria-label", box.dataset.any || "any");
    fields.forEach(function (field) {
      var option = document.createElement("option");
      option.value = field;
      option.textContent = box.dataset[field] || field;
      select.appendChild(option);
    });
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = box.dataset.placeholder || "";
    input.setAttribute("aria-label", box.dataset.placeholder || "filter");
    input.className = "md-input digest-people-input";
    var count = document.createElement("span");
    count.className = "digest-people-count";
    count.setAttribute("aria-live", "polite");
    box.appendChild(select);
    box.appendChild(input);
    box.appendChild(count);

    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var field = select.value;
      var shown = 0;
      rows.forEach(function (row) {
        var text = Array.prototype.map.call(row.cells, function (cell, i) {
          return field === "any" || columns[i] === field ? fold(cell.textContent) : "";
        }).join(" \u0000 ");
        var match = words.every(function (word) { return text.indexOf(word) >= 0; });
        row.style.display = match ? "" : "none";
        if (match) shown += 1;
      });
      count.textContent = " " + (box.dataset.count || "{n}").replace("{n}", String(shown));
    }
    input.addEventListener("input", apply);
    select.addEventListener("change", apply);
    apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-digest-people]"), setup);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
