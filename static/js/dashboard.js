// Draws the dashboard's charts from the JSON block the server rendered (no inline script, so a
// strict Content-Security-Policy holds). The figures are already on the page as HTML; charts come
// after, when the deferred plotly bundle has loaded.
(function () {
  "use strict";
  function draw() {
    var block = document.getElementById("chart-data");
    if (!block || !window.Plotly) { return; }
    var charts = JSON.parse(block.textContent);
    Object.keys(charts).forEach(function (name) {
      var target = document.getElementById("chart-" + name);
      var figure = charts[name];
      if (target) {
        window.Plotly.newPlot(target, figure.data, figure.layout, figure.config || {});
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
