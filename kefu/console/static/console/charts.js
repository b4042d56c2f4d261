// Draws each chart from the table data the page carries as JSON (no inline JS): on load,
// and again when HTMX swaps in a fragment that carries its own data (the wall board).
(() => {
  const draw = (root) => {
    const node = root.querySelector('script[id$="chart-data"]');
    if (!node || !window.echarts) return;
    const charts = JSON.parse(node.textContent);
    root.querySelectorAll("[data-chart]").forEach((el) => {
      const chart = charts[el.dataset.chart];
      if (!chart || !chart.rows.length) { el.classList.add("no-data"); return; }
      const labels = chart.rows.map((r) => r[0]);
      // every numeric column after the label is a series; a trend (data-kind="line") draws
      // lines, the rest bars
      const type = el.dataset.kind === "line" ? "line" : "bar";
      const series = chart.columns.slice(1).map((name, i) => ({
        name, type, data: chart.rows.map((r) => r[i + 1]),
      })).filter((s) => s.data.some((v) => typeof v === "number"));
      // the wall board is dark: light text on it
      const ink = document.body.classList.contains("wall") ? "#eef3f7" : "#333";
      const view = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
      view.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0, type: "scroll", textStyle: { color: ink } },
        grid: { left: 40, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: labels, axisLabel: { color: ink } },
        yAxis: { type: "value", axisLabel: { color: ink } },
        series,
      }, true);
      el.dataset.ready = "1";
      window.addEventListener("resize", () => view.resize());
    });
  };
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:afterSwap", (e) => draw(e.detail.target));
})();
