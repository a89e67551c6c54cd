// SVG charts of the progress dashboard, drawn from the reports JSON. No library, no inline code.
// Text from users (titles) is only ever set with textContent, never parsed as HTML.
"use strict";

window.ReportCharts = (function () {
  const SVG = "http://www.w3.org/2000/svg";
  const BAND_COLOURS = {
    "minimal": "#d7f0dd", "mild": "#f4f1c7", "moderate": "#fde2bf",
    "moderately-severe": "#f9cbb4", "severe": "#f3b5b0",
  };

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function shortDate(iso) {
    return new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }

  function words(code) { return String(code).replace(/-/g, " "); }

  // A measure's scores over time, on its severity bands, with the caseness threshold dashed.
  function measureChart(key, scale, points) {
    const W = 900, H = 300, left = 48, right = 190, top = 14, bottom = 40, pad = 28;
    const plotW = W - left - right, plotH = H - top - bottom;
    const times = points.map((p) => new Date(p.at).getTime());
    const t0 = Math.min(...times), t1 = Math.max(...times);
    const x = (t) => left + pad + (t1 === t0 ? (plotW - 2 * pad) / 2 : (t - t0) / (t1 - t0) * (plotW - 2 * pad));
    const y = (score) => top + plotH - score / scale.max * plotH;
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "data-measure": key,
                               "aria-label": scale.label + " scores over time" });
    chart.append(svg("title", {}, scale.label + " scores over time"));
    scale.bands.forEach((band) => {
      const yTop = y(Math.min(band.high + 0.5, scale.max)), yLow = y(Math.max(band.low - 0.5, 0));
      chart.append(svg("rect", { x: left, y: yTop, width: plotW, height: yLow - yTop, fill: BAND_COLOURS[band.band],
                                 "class": "band", "data-band": band.band }));
      chart.append(svg("text", { x: left + plotW + 8, y: (yTop + yLow) / 2 + 4, "class": "band-label" },
                       words(band.band) + " (" + band.low + "–" + band.high + ")"));
    });
    for (let s = 0; s <= scale.max; s += 5) {
      chart.append(svg("text", { x: left - 8, y: y(s) + 4, "text-anchor": "end", "class": "tick" }, String(s)));
    }
    const threshold = y(scale.caseness - 0.5);
    chart.append(svg("line", { x1: left, x2: left + plotW, y1: threshold, y2: threshold, "class": "caseness" }));
    chart.append(svg("text", { x: left + 4, y: threshold - 4, "class": "caseness-label" }, "caseness ≥ " + scale.caseness));
    chart.append(svg("line", { x1: left, x2: left, y1: top, y2: top + plotH, "class": "axis" }));
    chart.append(svg("line", { x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH, "class": "axis" }));
    chart.append(svg("polyline", { points: points.map((p, i) => x(times[i]) + "," + y(p.score)).join(" "),
                                   "class": "trend" }));
    const every = Math.ceil(points.length / 8);
    points.forEach((p, i) => {
      const alert = key === "phq9" && p.item9 > 0;
      const dot = svg("circle", { cx: x(times[i]), cy: y(p.score), r: 6, "class": "point" + (alert ? " alert" : ""),
                                  "data-score": p.score, "data-band": p.band });
      dot.append(svg("title", {}, shortDate(p.at) + ": " + p.score + " (" + words(p.band) + ")"
                                  + (alert ? " — item 9 above 0" : "")));
      chart.append(dot);
      chart.append(svg("text", { x: x(times[i]), y: y(p.score) - 11, "text-anchor": "middle", "class": "value-label" },
                       String(p.score)));
      if (i % every === 0 || i === points.length - 1) {
        chart.append(svg("text", { x: x(times[i]), y: H - 14, "text-anchor": "middle", "class": "tick" },
                         shortDate(p.at)));
      }
    });
    return chart;
  }

  // Goals set and goals achieved, side by side for each month.
  function monthlyBars(months) {
    const W = 900, H = 260, left = 40, bottom = 46, top = 24, right = 130;
    const plotW = W - left - right, plotH = H - top - bottom;
    const most = Math.max(1, ...months.map((m) => Math.max(m.goals_set, m.goals_achieved)));
    const slot = plotW / months.length, barW = Math.min(26, slot / 2.6);
    const y = (n) => top + plotH - n / most * plotH;
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Goals set and achieved per month" });
    chart.append(svg("line", { x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH, "class": "axis" }));
    months.forEach((m, i) => {
      const cx = left + slot * i + slot / 2;
      [["goals_set", "bar-set", -barW], ["goals_achieved", "bar-achieved", 0]].forEach(([field, css, dx]) => {
        const bar = svg("rect", { x: cx + dx, y: y(m[field]), width: barW, height: top + plotH - y(m[field]),
                                  "class": css, "data-month": m.month });
        bar.append(svg("title", {}, m.month + ": " + m[field] + " " + words(field)));
        chart.append(bar);
        if (m[field]) chart.append(svg("text", { x: cx + dx + barW / 2, y: y(m[field]) - 4, "text-anchor": "middle",
                                                 "class": "value-label" }, String(m[field])));
      });
      const label = new Date(m.month + "-01T00:00:00Z").toLocaleDateString("en-GB", { month: "short", year: "2-digit", timeZone: "UTC" });
      chart.append(svg("text", { x: cx, y: H - 24, "text-anchor": "middle", "class": "tick" }, label));
    });
    [["bar-set", "goals set"], ["bar-achieved", "goals achieved"]].forEach(([css, text], i) => {
      chart.append(svg("rect", { x: left + plotW + 16, y: top + i * 22, width: 14, height: 14, "class": css }));
      chart.append(svg("text", { x: left + plotW + 36, y: top + i * 22 + 12, "class": "tick" }, text));
    });
    return chart;
  }

  // A goal's share of milestones reached, as a thin bar.
  function progressBar(reached, total) {
    const bar = svg("svg", { viewBox: "0 0 100 14", preserveAspectRatio: "none", role: "img",
                             "aria-label": reached + " of " + total });
    bar.append(svg("rect", { x: 0, y: 0, width: total ? reached / total * 100 : 0, height: 14, "class": "fill" }));
    return bar;
  }

  return { el, shortDate, words, measureChart, monthlyBars, progressBar };
})();
