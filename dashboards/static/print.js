// Printing a page (Ctrl+P, the browser's menu, or the top bar's Print button): every row of every
// grid and every chart as wide as the paper, then the screen layout back.
// A grid shows a page of rows and draws them asynchronously (React), too late for a print that
// starts right after `beforeprint`; so each grid is copied, synchronously, into a plain table of
// its rows as sorted and filtered, with its formatted values, row and cell classes, that only
// print shows (alignboard.css: @media print). Charts are redrawn at the width of the paper.
(function () {
  "use strict";
  var prepared = false;
  var charts = [];

  function gridApi(element) {
    var lib = window.dash_ag_grid;
    try {
      return lib && lib.getApi ? lib.getApi(element.id) : null;
    } catch (notReady) {
      return null;  // a grid still being created prints as drawn
    }
  }

  function classesOf(rules, params) {
    var names = [];
    Object.keys(rules || {}).forEach(function (name) {
      try {
        if (typeof rules[name] === "function" && rules[name](params)) {
          names.push(name);
        }
      } catch (ignored) {
        // a rule that cannot be evaluated here adds no class
      }
    });
    return names;
  }

  function snapshot(element, api) {
    var columns = api.getAllDisplayedColumns();
    var table = document.createElement("table");
    table.className = "print-table";
    var head = table.createTHead().insertRow();
    columns.forEach(function (column) {
      var cell = document.createElement("th");
      cell.textContent = column.getColDef().headerName || column.getColId();
      head.appendChild(cell);
    });
    var body = table.createTBody();
    var rowRules = api.getGridOption("rowClassRules");
    var rows = 0;
    api.forEachNodeAfterFilterAndSort(function (node) {
      if (!node.data) {
        return;
      }
      rows += 1;
      var row = body.insertRow();
      var params = {data: node.data, node: node, api: api};
      row.className = classesOf(rowRules, params).join(" ");
      columns.forEach(function (column) {
        var cell = row.insertCell();
        var value = api.getCellValue({rowNode: node, colKey: column, useFormatter: true});
        cell.textContent = value === null || value === undefined ? "" : String(value);
        var definition = column.getColDef();
        var cellParams = {data: node.data, node: node, api: api, colDef: definition,
                          value: api.getCellValue({rowNode: node, colKey: column})};
        cell.className = classesOf(definition.cellClassRules, cellParams).join(" ");
        if (definition.type === "rightAligned") {
          cell.classList.add("number");
        }
      });
    });
    if (api.getGridOption("rowModelType") === "infinite") {
      var note = table.createCaption();
      note.textContent = "the " + rows + " rows loaded on screen; the CSV download has them all";
    }
    element.insertAdjacentElement("afterend", table);
  }

  function prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    document.body.classList.add("printing");
    document.querySelectorAll("div.grid[id]").forEach(function (element) {
      var api = gridApi(element);
      if (api) {
        snapshot(element, api);
        element.classList.add("printed-as-table");
      }
    });
    if (window.Plotly) {
      document.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
        var width = chart.parentElement ? chart.parentElement.clientWidth : 0;
        if (width > 0 && chart.layout) {
          charts.push({chart: chart, width: chart.layout.width});
          window.Plotly.relayout(chart, {width: width});
        }
      });
    }
  }

  function restore() {
    if (!prepared) {
      return;
    }
    prepared = false;
    document.body.classList.remove("printing");
    document.querySelectorAll("table.print-table").forEach(function (table) { table.remove(); });
    document.querySelectorAll(".printed-as-table").forEach(function (element) {
      element.classList.remove("printed-as-table");
    });
    charts.forEach(function (saved) {
      window.Plotly.relayout(saved.chart, {width: saved.width === undefined ? null : saved.width});
    });
    charts = [];
  }

  window.addEventListener("beforeprint", prepare);
  window.addEventListener("afterprint", restore);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
  window.alignboardPrint = {prepare: prepare, restore: restore};
})();
