// Draws the dashboard's charts from the JSON block the server rendered (no inline script, so a
// strict Content-Security-Policy holds). The figures are already on the page as HTML; charts come
// after, when the deferred plotly bundle (and its Vietnamese locale) has loaded. A chart whose box
// is narrow (a phone) takes its `narrow` layout: the shortest labels and fewer ticks.
(function () {
  "use strict";
  var NARROW_PX = 480;

  function layoutFor(target, figure) {
    var layout = JSON.parse(JSON.stringify(figure.layout));
    if (figure.narrow && target.clientWidth < NARROW_PX) {
      Object.keys(figure.narrow).forEach(function (path) {
        var parts = path.split(".");
        var node = layout;
        for (var i = 0; i < parts.length - 1; i += 1) {
          node[parts[i]] = node[parts[i]] || {};
          node = node[parts[i]];
        }
        node[parts[parts.length - 1]] = figure.narrow[path];
      });
    }
    return layout;
  }

  function draw() {
    var block = document.getElementById("chart-data");
    if (!block || !window.Plotly) { return; }
    var charts = JSON.parse(block.textContent);
    Object.keys(charts).forEach(function (name) {
      var target = document.getElementById("chart-" + name);
      var figure = charts[name];
      if (target) {
        window.Plotly.newPlot(target, figure.data, layoutFor(target, figure), figure.config || {})
          .then(function () { target.setAttribute("data-drawn", "1"); });
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
