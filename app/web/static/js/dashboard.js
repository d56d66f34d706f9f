/* Data cockpit: key indicators, supply vs demand by industry and region, trends, major warnings. */
(function () {
  "use strict";
  const { t, api, el, applyLabels, params, LANG } = window.TM;
  const COLORS = { demand: "#4fc3f7", supply: "#f5a623", red: "#e74c3c", amber: "#f5a623", green: "#2ecc71",
                   low_confidence: "#8395a7" };
  const TEXT = { color: "#e8f0ff" };
  const charts = {};
  const year = Number(params.get("year")) || new Date().getFullYear();

  function chart(id) {
    charts[id] = charts[id] || window.echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }

  function number(value) { return Number(value || 0).toLocaleString(LANG === "en" ? "en-US" : "zh-CN"); }
  function percent(value) { return value === null || value === undefined ? "–" : (value * 100).toFixed(1) + "%"; }

  function setupHeader() {
    const select = document.getElementById("year");
    for (let y = year - 4; y <= year + 1; y++) select.appendChild(el("option", { value: String(y), text: String(y) }));
    select.value = String(year);
    select.onchange = () => { params.set("year", select.value); window.location.search = params.toString(); };
    const report = "/api/v1/analytics/fit-report?year=" + year + "&lang=" + LANG;
    document.getElementById("report-html").href = report + "&format=html";
    document.getElementById("report-csv").href = report + "&format=csv";
    document.getElementById("report-json").href = report + "&format=json";
    document.getElementById("to-portal").href = window.TM.withLang("/");
    document.getElementById("switch-lang").href = window.TM.langSwitchHref();
  }

  function kpis(o) {
    const set = (id, text) => { document.getElementById(id).textContent = text; };
    set("kpi-open-demands", number(o.open_demands));
    set("kpi-open-headcount", number(o.open_headcount));
    set("kpi-available", number(o.available_graduates));
    set("kpi-reported-rate", percent(o.reported_rate));
    set("kpi-placement-rate", percent(o.placement_rate));
    set("kpi-red", number(o.warnings.red));
    set("kpi-amber", number(o.warnings.amber));
  }

  function bars(id, items, horizontal) {
    const labels = items.map((i) => i.label);
    const category = { type: "category", data: labels, axisLabel: { color: TEXT.color, interval: 0,
      rotate: horizontal ? 0 : 35, fontSize: 11 } };
    const value = { type: "value", axisLabel: { color: TEXT.color }, splitLine: { lineStyle: { color: "#25497d" } } };
    chart(id).setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: [t("demand"), t("supply")], textStyle: TEXT },
      grid: { left: horizontal ? 90 : 70, right: 20, top: 36, bottom: horizontal ? 30 : 100 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: [
        { name: t("demand"), type: "bar", data: items.map((i) => i.demand), itemStyle: { color: COLORS.demand } },
        { name: t("supply"), type: "bar", data: items.map((i) => i.supply), itemStyle: { color: COLORS.supply } },
      ],
    });
  }

  function trend(o) {
    chart("chart-trend").setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: [t("demand"), t("supply")], textStyle: TEXT },
      grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: "category", data: o.trend.years.map(String), axisLabel: { color: TEXT.color } },
      yAxis: { type: "value", axisLabel: { color: TEXT.color }, splitLine: { lineStyle: { color: "#25497d" } } },
      series: [
        { name: t("demand"), type: "line", data: o.trend.demand, itemStyle: { color: COLORS.demand } },
        { name: t("supply"), type: "line", data: o.trend.supply, itemStyle: { color: COLORS.supply } },
      ],
    });
  }

  function warningPie(summary) {
    const levels = ["red", "amber", "green", "low_confidence"];
    chart("chart-warnings").setOption({
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText" },
      legend: { bottom: 0, textStyle: TEXT },
      series: [{
        type: "pie", radius: ["35%", "65%"], label: { color: TEXT.color, formatter: "{b}: {c}" },
        data: levels.map((lv) => ({ name: t(lv), value: summary[lv], itemStyle: { color: COLORS[lv] } })),
      }],
    });
  }

  function warningTable(items) {
    const body = document.querySelector("#warnings-table tbody");
    body.replaceChildren();
    const shown = items.filter((i) => i.level === "red" || i.level === "amber").slice(0, 10);
    if (!shown.length) body.appendChild(el("tr", {}, [el("td", { colspan: "5", text: t("none") })]));
    shown.forEach((i) => {
      body.appendChild(el("tr", { "data-major": i.major_code, "data-region": i.region_code || "" }, [
        el("td", { text: i.major_name }), el("td", { text: i.region_name }),
        el("td", {}, [el("span", { class: "badge " + i.level, text: t(i.level) })]),
        el("td", { text: i.ratio === null ? "∞" : i.ratio.toFixed(2) }),
        el("td", { text: i.reasons.map((r) => r.message).join("；") }),
      ]));
    });
  }

  function list(id, entries) {
    const node = document.getElementById(id);
    node.replaceChildren();
    if (!entries.length) node.appendChild(el("li", { text: t("none") }));
    entries.slice(0, 8).forEach((e) => {
      const ratio = e.ratio === null ? "∞" : e.ratio.toFixed(2);
      node.appendChild(el("li", { "data-key": e.key || "" },
        [e.label + "  " + t("ratio") + " " + ratio + "（" + t("demand") + " " + e.demand + " / " + t("supply") + " " + e.supply + "）"]));
    });
  }

  async function load() {
    const q = { year };
    const [overview, industry, region, warnings, imbalances] = await Promise.all([
      api("/api/v1/analytics/overview", q),
      api("/api/v1/analytics/supply-demand", { year, dimension: "industry" }),
      api("/api/v1/analytics/supply-demand", { year, dimension: "region" }),
      api("/api/v1/analytics/warnings", q),
      api("/api/v1/analytics/imbalances", { year, dimension: "major" }),
    ]);
    kpis(overview);
    bars("chart-industry", industry.items, false);
    bars("chart-region", region.items.slice(0, 15), true);
    trend(overview);
    warningPie(warnings.summary);
    warningTable(warnings.items);
    list("shortage-list", imbalances.shortage);
    list("surplus-list", imbalances.surplus);
    window.TM_DASHBOARD = { year, charts, data: { overview, industry, region, warnings, imbalances } };
    document.getElementById("status").classList.add("hidden");
    document.body.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", async () => {
    applyLabels();
    setupHeader();
    window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
    try {
      await window.TM.ready();
      await load();
    } catch (err) {
      const status = document.getElementById("status");
      status.textContent = t("error") + ": " + err.message;
      status.classList.add("error");
      document.body.dataset.ready = "error";
    }
  });
})();
