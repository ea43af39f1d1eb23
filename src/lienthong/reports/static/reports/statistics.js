// Draws the statistics page's charts from the data in <script type="application/json"> elements
// (no inline script, CSP-safe): bars, stacked bars (data-stacked) or lines (data-type="line").
// A click on a bar or a point opens the list of documents behind it.
(function () {
  "use strict";
  var colours = ["#1f6fb2", "#d9822b", "#3c9d4f", "#8e5ea2"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var line = canvas.dataset.type === "line";
    data.datasets.forEach(function (dataset, index) {
      dataset.backgroundColor = colours[index % colours.length];
      if (line) {
        dataset.borderColor = colours[index % colours.length];
        dataset.pointRadius = 4;
        dataset.pointHoverRadius = 6;
      }
    });
    var chart = new Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        animation: false,
        responsive: true,
        // Counts: whole-number ticks only.
        scales: {
          x: { stacked: canvas.dataset.stacked === "true" },
          y: { beginAtZero: true, stacked: canvas.dataset.stacked === "true", ticks: { precision: 0 } },
        },
        onClick: function (event, elements) {
          if (!elements.length) {
            return;
          }
          var element = elements[0];
          var url = data.datasets[element.datasetIndex].urls[element.index];
          if (url) {
            window.location.assign(url);
          }
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
    canvas.dataset.ready = "true";
    canvas.chart = chart;
  });
})();
