// Plotly.js (4.8 MB) is compiled the first time a browser draws a chart, which costs seconds on a
// slow machine. A page without charts loads it once the page is drawn and the browser is idle,
// so that the first chart page a person opens does not pay for it.
(function () {
  function drawn() {
    const content = document.getElementById("_pages_content");
    return content !== null && content.children.length > 0
      && document.querySelector('[data-dash-is-loading="true"]') === null;
  }
  function warm() {
    const url = window._dashPlotlyJSURL;
    if (window.Plotly || !url || document.querySelector(".dash-graph")
        || document.querySelector('script[src="' + url + '"]')) {
      return;
    }
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    document.head.appendChild(script);
  }
  function whenSettled() {
    if (!drawn()) {
      setTimeout(whenSettled, 500);
    } else if (window.requestIdleCallback) {
      window.requestIdleCallback(warm, {timeout: 5000});
    } else {
      setTimeout(warm, 1000);
    }
  }
  window.addEventListener("load", function () { setTimeout(whenSettled, 1000); });
})();
