// Light distribution donut for the overview; data comes from a json_script block so the
// page works under a strict Content-Security-Policy (no inline script).
(function () {
  "use strict";
  var COLORS = { achieved: "#1d6fb8", green: "#2e9d57", yellow: "#e0a400", red: "#d3382f", grey: "#9aa0a6" };
  var chart = null;

  function draw() {
    var el = document.getElementById("light-chart");
    var dataEl = document.getElementById("light-chart-data");
    if (!el || !dataEl || !window.echarts) return;
    var spec = JSON.parse(dataEl.textContent);
    if (chart) { chart.dispose(); }
    chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{
        type: "pie",
        radius: ["40%", "65%"],
        center: ["50%", "52%"],
        label: { formatter: "{b}\n{c}" },
        data: spec.data.map(function (d) {
          return { name: d.name, value: d.value, itemStyle: { color: COLORS[d.light] } };
        })
      }]
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () { if (chart) chart.resize(); });
})();
