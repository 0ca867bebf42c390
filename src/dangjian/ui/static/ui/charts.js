// Draw every [data-chart] element from the JSON in #chart-data; a click on a bar
// opens the records behind it (each series its own: spec.series[i].links, else spec.links).
// On a narrow screen (a phone) the legend sits under the title, many categories turn
// into horizontal bars with their names on the left, and the chart grows to fit them.
(function () {
  const dataEl = document.getElementById("chart-data");
  if (!dataEl || !window.echarts) return;
  const charts = JSON.parse(dataEl.textContent);
  const font = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
  const palette = ["#d63939", "#f59f00", "#206bc4", "#2fb344"];
  const NARROW = 480; // px of the chart itself: a phone, not a half-width desktop card

  function option(spec, el) {
    const narrow = el.clientWidth < NARROW;
    const many = spec.categories.length > 6;
    const horizontal = narrow && many && spec.horizontal;
    const category = {
      type: "category",
      data: spec.categories,
      axisLabel: horizontal
        ? { interval: 0, fontFamily: font, width: 84, overflow: "truncate" }
        : { interval: narrow ? "auto" : 0, hideOverlap: true, rotate: many ? (narrow ? 45 : 30) : 0, fontFamily: font },
    };
    const value = { type: "value", minInterval: 1 };
    if (horizontal) category.inverse = true; // the biggest category on top, as in the list
    return {
      color: palette,
      textStyle: { fontFamily: font },
      title: { text: spec.title, left: 0, top: 0, textStyle: { fontSize: 14, fontFamily: font, width: el.clientWidth, overflow: "break" } },
      // Drawn on the canvas, not as HTML: ECharts' HTML tooltip carries style="" attributes the
      // Content-Security-Policy refuses.
      tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
      // Under the title, never beside it: a long title and the legend cannot overlap.
      legend: { top: 26, left: 0, type: "scroll", textStyle: { fontFamily: font } },
      // The grid's box holds the axis labels too, measured as drawn: containLabel only
      // estimated them, and cut off the first rotated category label at the left edge.
      grid: { top: 60, left: 4, right: 16, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "axisLabel" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 28 };
      }),
    };
  }

  function height(spec, el) {
    if (el.clientWidth >= NARROW || !spec.horizontal || spec.categories.length <= 6) return "";
    return Math.max(300, 70 + spec.categories.length * spec.series.length * 14) + "px";
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const spec = charts[el.dataset.chart];
    if (!spec) return;
    el.style.height = height(spec, el);
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, el));
    chart.on("click", function (params) {
      const series = spec.series[params.seriesIndex] || {};
      const links = series.links || spec.links;
      const url = links && links[params.dataIndex];
      if (url) window.location.href = url;
    });
    el.dataset.rendered = "1";
    let width = el.clientWidth;
    window.addEventListener("resize", function () {
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      el.style.height = height(spec, el);
      chart.resize();
      chart.setOption(option(spec, el), true);
    });
  });
})();
