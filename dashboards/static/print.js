// Printing a page (Ctrl+P, the browser's menu, or the top bar's Print button): every row of every
// grid and every chart as wide as the paper, then the screen layout back.
// A grid shows a page of rows and draws them asynchronously (React), too late for a print that
// starts right after `beforeprint`; so each grid is copied, synchronously, into plain tables of
// its rows as sorted and filtered, with its formatted values, row and cell classes, that only
// print shows (alignboard.css: @media print). Charts are redrawn at the width of the paper, and
// no taller than a page.
// A grid whose rows stay on the server (AG Grid's infinite row model) holds only the pages seen
// on screen. The Print button first asks the server for the rest (up to MOST_ROWS a grid) and
// prints when they have arrived; Ctrl+P cannot wait, so it prints the rows loaded and says so.
(function () {
  "use strict";
  var prepared = false;
  var charts = [];
  var enlarged = [];  // {api, size, page}: server grids shown whole for printing
  var PAGE_HEIGHT = 620;  // px of a landscape page's height a chart may take, with its heading
  var MOST_ROWS = 2000;  // rows of a server grid the Print button loads (each 20 a request)
  var LOAD_SECONDS = 60;  // then it prints what has arrived

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

  function groupName(column) {
    var parent = column.getOriginalParent ? column.getOriginalParent() : null;
    if (!parent || (parent.isPadding && parent.isPadding())) {
      return null;  // a column outside any group (AG Grid pads it with a group of its own)
    }
    var definition = parent.getColGroupDef ? parent.getColGroupDef() : null;
    return definition ? definition.headerName || "" : null;
  }

  // A wide grid with column groups (the scorecard's layer below: one group per perspective)
  // prints as one table per group, each with the columns outside any group (the names) first.
  function sections(columns) {
    var keys = columns.filter(function (column) { return groupName(column) === null; });
    var groups = [];
    columns.forEach(function (column) {
      var name = groupName(column);
      if (name === null) {
        return;
      }
      if (groups.length === 0 || groups[groups.length - 1].name !== name) {
        groups.push({name: name, columns: []});
      }
      groups[groups.length - 1].columns.push(column);
    });
    if (groups.length === 0) {
      return [{name: null, columns: keys}];
    }
    return groups.map(function (group) { return {name: group.name, columns: keys.concat(group.columns)}; });
  }

  function table(api, section, infinite) {
    var columns = section.columns;
    var printed = document.createElement("table");
    printed.className = "print-table";
    if (section.name) {
      printed.createCaption().textContent = section.name;
    }
    var head = printed.createTHead().insertRow();
    columns.forEach(function (column) {
      var cell = document.createElement("th");
      cell.textContent = column.getColDef().headerName || column.getColId();
      head.appendChild(cell);
    });
    var body = printed.createTBody();
    var rowRules = api.getGridOption("rowClassRules");
    var rows = 0;
    // an infinite grid's rows stay on the server: the rows it has loaded, in its order
    api[infinite ? "forEachNode" : "forEachNodeAfterFilterAndSort"](function (node) {
      if (!node.data) {
        return;
      }
      rows += 1;
      var row = body.insertRow();
      row.className = classesOf(rowRules, {data: node.data, node: node, api: api}).join(" ");
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
    var total = infinite ? api.paginationGetRowCount() : rows;
    if (rows < total) {
      var note = printed.createTFoot().insertRow().insertCell();
      note.colSpan = columns.length;
      note.textContent = "the " + rows + " of " + total + " rows loaded on screen"
        + (total > MOST_ROWS ? "" : "; the Print button at the top prints them all");
    }
    return printed;
  }

  function snapshot(element, api) {
    var infinite = api.getGridOption("rowModelType") === "infinite";
    var after = element;
    sections(api.getAllDisplayedColumns()).forEach(function (section) {
      var printed = table(api, section, infinite);
      after.insertAdjacentElement("afterend", printed);
      after = printed;
    });
  }

  function serverGrids() {
    var found = [];
    document.querySelectorAll("div.grid[id]").forEach(function (element) {
      var api = gridApi(element);
      if (api && api.getGridOption("rowModelType") === "infinite") {
        found.push(api);
      }
    });
    return found;
  }

  function loadedRows(api) {
    var rows = 0;
    api.forEachNode(function (node) {
      if (node.data) {
        rows += 1;
      }
    });
    return rows;
  }

  function wanted(api) {
    return Math.min(api.paginationGetRowCount(), MOST_ROWS);
  }

  // Every server grid on one grid page of all its rows (up to MOST_ROWS): the grid asks the
  // server for the blocks it has not loaded, one request at a time. Resolves when they have
  // arrived (or after LOAD_SECONDS); restore() puts the pages back.
  function loadEveryRow() {
    var loading = serverGrids().filter(function (api) { return loadedRows(api) < wanted(api); });
    loading.forEach(function (api) {
      enlarged.push({api: api, size: api.getGridOption("paginationPageSize"), page: api.paginationGetCurrentPage()});
      api.setGridOption("paginationPageSize", wanted(api));
      api.paginationGoToPage(0);
    });
    var deadline = Date.now() + LOAD_SECONDS * 1000;
    return new Promise(function (resolve) {
      (function check() {
        var done = loading.every(function (api) { return loadedRows(api) >= wanted(api); });
        if (done || Date.now() > deadline) {
          resolve();
        } else {
          window.setTimeout(check, 100);
        }
      })();
    });
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
          var height = chart._fullLayout ? chart._fullLayout.height : chart.layout.height;
          var box = chart.parentElement;
          charts.push({chart: chart, width: chart.layout.width, height: chart.layout.height,
                       boxHeight: box.style.height});
          var size = {width: width};
          if (height > PAGE_HEIGHT) {
            // a long list of bars on one page, not split across two; the box too, or the
            // graph's resize observer would draw it at the box's height again
            size.height = PAGE_HEIGHT;
            box.style.height = PAGE_HEIGHT + "px";
          }
          window.Plotly.relayout(chart, size);
        }
      });
    }
  }

  function restore() {
    enlarged.forEach(function (saved) {
      try {
        saved.api.setGridOption("paginationPageSize", saved.size);
        saved.api.paginationGoToPage(saved.page);
      } catch (gone) {
        // the grid was replaced (another page opened) while the print dialog was open
      }
    });
    enlarged = [];
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
      saved.chart.parentElement.style.height = saved.boxHeight;
      window.Plotly.relayout(saved.chart, {width: saved.width === undefined ? null : saved.width,
                                           height: saved.height === undefined ? null : saved.height});
    });
    charts = [];
  }

  window.addEventListener("beforeprint", prepare);
  window.addEventListener("afterprint", restore);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      loadEveryRow().then(function () { window.print(); });
    }
  });
  window.alignboardPrint = {loadEveryRow: loadEveryRow, prepare: prepare, restore: restore};
})();
