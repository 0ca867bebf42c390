// Draw every [data-chart] element from the JSON in #chart-data; a click on a bar
// opens the records behind it.
(function () {
  const dataEl = document.getElementById("chart-data");
  if (!dataEl || !window.echarts) return;
  const charts = JSON.parse(dataEl.textContent);
  const font = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
  const palette = ["#d63939", "#f59f00", "#206bc4", "#2fb344"];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const spec = charts[el.dataset.chart];
    if (!spec) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: palette,
      textStyle: { fontFamily: font },
      title: { text: spec.title, left: 0, textStyle: { fontSize: 14, fontFamily: font } },
      tooltip: { trigger: "axis" },
      legend: { top: 28, right: 0, textStyle: { fontFamily: font } },
      grid: { top: 64, left: 40, right: 16, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0, fontFamily: font } },
      yAxis: { type: "value", minInterval: 1 },
      series: spec.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; }),
    });
    chart.on("click", function (params) {
      const url = spec.links && spec.links[params.dataIndex];
      if (url) window.location.href = url;
    });
    el.dataset.rendered = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
