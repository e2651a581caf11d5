// Draws every chart on the page. Chart options are built on the server and embedded with
// json_script, so pages work under a strict Content-Security-Policy (no inline script).
// An element <div data-chart="ID"> is drawn with the JSON in <script id="ID">; map geometry
// is registered beforehand by the map's own script.
(function () {
  "use strict";
  var charts = [];

  function drawOne(el) {
    var dataEl = document.getElementById(el.getAttribute("data-chart"));
    if (!dataEl) return;
    var option = JSON.parse(dataEl.textContent);
    var existing = window.echarts.getInstanceByDom(el);
    if (existing) existing.dispose();
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", function (params) {
      var link = params.data && params.data.link;
      if (link && (link.charAt(0) === "/" || link.charAt(0) === "?")) window.location.href = link;
    });
    charts.push(chart);
    el.setAttribute("data-drawn", "1");
  }

  function draw() {
    if (!window.echarts) return;
    charts = charts.filter(function (c) { return !c.isDisposed(); });
    document.querySelectorAll("[data-chart]").forEach(drawOne);
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
  });
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
  });
})();
