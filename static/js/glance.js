// The province at a glance: the print button (the page works without it: Ctrl+P prints the same).
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
