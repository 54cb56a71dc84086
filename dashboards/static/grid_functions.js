// Functions the grids' {"function": "..."} strings may call: dash-ag-grid evaluates them with
// Math, Number, d3 and window.dashAgGridFunctions in scope, not Date.
window.dashAgGridFunctions = Object.assign(window.dashAgGridFunctions || {}, {
    // Hours from a time (milliseconds since 1970) to now, on the browser's clock: a page drawn
    // once per load and kept on the server still says how old each load is.
    hoursSince: (ms) => (ms == null ? null : (Date.now() - ms) / 3600000),
});
