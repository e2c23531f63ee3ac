// heavylegs serve: small enhancements of server-rendered pages (no third-party code).
// Reading an answer never needs this file; charts, drag-and-drop and upload progress do.
"use strict";
(function () {
  const SVGNS = "http://www.w3.org/2000/svg";
  const COLORS = ["#2c6fbb", "#d35400", "#27ae60", "#8e44ad"];
  const csrf = document.body.dataset.csrf;

  function el(name, attrs, ns) {
    const e = ns ? document.createElementNS(SVGNS, name) : document.createElement(name);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function fmt(v) { return v == null ? "–" : (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)); }

  // check-in: slider value shown; moving a slider ticks its "record" box
  document.querySelectorAll('input[type=range][data-record]').forEach(function (r) {
    const out = document.getElementById(r.id + "_out");
    const box = document.getElementById(r.dataset.record);
    r.addEventListener("input", function () { out.textContent = r.value; box.checked = true; });
  });

  // confirmations (delete)
  document.querySelectorAll("[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (ev) { if (!window.confirm(b.dataset.confirm)) ev.preventDefault(); });
  });

  // activity charts: hover or arrow keys read the nearest sample
  document.querySelectorAll("section.chart").forEach(function (sec) {
    const data = JSON.parse(sec.querySelector(".chart-data").textContent);
    const svg = sec.querySelector("svg"), readout = sec.querySelector(".readout");
    const cursor = el("line", {y1: 0, y2: 140, stroke: "#888", "stroke-width": 1, "vector-effect": "non-scaling-stroke", visibility: "hidden"}, true);
    svg.appendChild(cursor);
    const pts = data.points, span = (data.x1 - data.x0) || 1;
    function show(i) {
      const p = pts[i], x = (p[0] - data.x0) / span * 720;
      cursor.setAttribute("x1", x); cursor.setAttribute("x2", x); cursor.setAttribute("visibility", "visible");
      const t = Math.round(p[0]), hms = Math.floor(t / 3600) + ":" + String(Math.floor(t % 3600 / 60)).padStart(2, "0") + ":" + String(t % 60).padStart(2, "0");
      let v = p[1];
      const text = data.unit.startsWith("min/") ? Math.floor(v) + ":" + String(Math.round(v % 1 * 60)).padStart(2, "0") + " " + data.unit : fmt(v) + " " + data.unit;
      readout.textContent = hms + "  " + text;
    }
    function nearest(frac) {
      const x = data.x0 + frac * span; let lo = 0, hi = pts.length - 1;
      while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (pts[mid][0] < x) lo = mid; else hi = mid; }
      return (x - pts[lo][0] < pts[hi][0] - x) ? lo : hi;
    }
    svg.addEventListener("mousemove", function (ev) {
      const r = svg.getBoundingClientRect(); show(nearest((ev.clientX - r.left) / r.width));
    });
  });

  // import: drag and drop, upload with progress to /api/import, report shown in place
  const form = document.getElementById("import-form");
  if (form) {
    ["dragenter", "dragover"].forEach(function (t) { form.addEventListener(t, function (ev) { ev.preventDefault(); form.classList.add("over"); }); });
    ["dragleave", "drop"].forEach(function (t) { form.addEventListener(t, function (ev) { ev.preventDefault(); form.classList.remove("over"); }); });
    let dropped = null;
    form.addEventListener("drop", function (ev) { dropped = ev.dataTransfer.files; upload(); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); upload(); });
    function upload() {
      const body = new FormData();
      const files = dropped || [].concat(Array.from(form.querySelector("#files").files), Array.from(form.querySelector("#folder").files));
      dropped = null;
      if (!files.length) { say("Choose one or more files first."); return; }
      for (const f of files) body.append("file", f, f.webkitRelativePath || f.name);
      const bar = document.getElementById("progress"); bar.hidden = false; bar.value = 0;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/import"); xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = 100 * e.loaded / e.total; say("uploading " + Math.round(bar.value) + " %"); } };
      let poll = null;
      xhr.upload.onload = function () {
        bar.removeAttribute("value"); say("importing " + files.length + " file(s)…");
        poll = window.setInterval(function () {
          fetch("/api/import/progress").then(function (r) { return r.json(); }).then(function (p) {
            if (p.running && p.total) { bar.max = p.total; bar.value = p.done; say("importing: " + p.done + " of " + p.total + " files done" + (p.file ? " (" + p.file + ")" : "")); }
          }).catch(function () {});
        }, 400);
      };
      xhr.onload = function () {
        if (poll) window.clearInterval(poll);
        bar.hidden = true;
        let r; try { r = JSON.parse(xhr.responseText); } catch (e) { say("error: the server's answer could not be read"); return; }
        if (r.error) { say(r.error); return; }
        say("");
        report(r);
      };
      xhr.onerror = function () { say("error: the upload did not reach the server"); };
      xhr.send(body);
    }
    function say(t) { document.getElementById("progress-text").textContent = t; }
    function report(r) {
      let sec = document.getElementById("report");
      if (sec) sec.remove();
      sec = el("section", {id: "report", "class": "report"});
      const h = el("h2"); h.textContent = "Report"; sec.appendChild(h);
      const p = el("p");
      p.textContent = "imported " + r.imported + ", unchanged " + r.unchanged + (r.skipped.length ? ", skipped " + r.skipped.length + " (not activities)" : "") + ", failed " + r.failed.length;
      sec.appendChild(p);
      const ul = el("ul", {"class": "failed"});
      r.failed.forEach(function (f) { const li = el("li"); li.textContent = "error: " + f.path + ": " + f.error; ul.appendChild(li); });
      r.skipped.forEach(function (f) { const li = el("li"); li.textContent = "skipped: " + f.path + ": " + f.why; ul.appendChild(li); });
      r.warnings.slice(0, 50).forEach(function (w) { const li = el("li"); li.textContent = "warning: " + w; ul.appendChild(li); });
      sec.appendChild(ul);
      const a = el("a", {href: "/activities", "class": "button"}); a.textContent = "Activities"; sec.appendChild(a);
      form.after(sec);
    }
  }

  // trends: one SVG per chart, one path per series, one listener per chart
  const island = document.getElementById("trend-data");
  if (island) {
    const data = JSON.parse(island.textContent), n = data.date.length;
    document.querySelectorAll(".trend").forEach(function (sec) { drawTrend(sec, data, n); });
  }

  function drawTrend(sec, data, n) {
    const W = 1000, H = 180, plot = sec.querySelector(".plot"), readout = sec.querySelector(".readout");
    const series = JSON.parse(plot.dataset.series);
    const svg = el("svg", {viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", role: "img", "aria-label": sec.querySelector("h2").textContent}, true);
    plot.appendChild(svg);
    const ranges = {};  // one scale per axis: "left", and "right" for a series in other units
    series.forEach(function (s) {
      const a = s.axis || "left", r = ranges[a] = ranges[a] || {lo: Infinity, hi: -Infinity};
      const cols = s.kind === "band" ? [s.col, s.col.replace("_lo", "_hi")] : [s.col];
      cols.forEach(function (c) { (data[c] || []).forEach(function (v) { if (v != null) { r.lo = Math.min(r.lo, v); r.hi = Math.max(r.hi, v); } }); });
      if (s.kind === "bar" && r.lo > 0) r.lo = 0;
    });
    if (!Object.values(ranges).some(function (r) { return r.lo !== Infinity; })) { readout.textContent = "no data in this range"; return; }
    const step = W / Math.max(n, 1);
    const X = function (i) { return (i + 0.5) * step; };
    const Yon = function (a) { const r = ranges[a]; return function (v) { return H - 4 - (v - r.lo) / ((r.hi - r.lo) || 1) * (H - 8); }; };
    const paths = {};
    series.forEach(function (s, k) {
      const v = data[s.col] || [], Y = Yon(s.axis || "left"), lo = ranges[s.axis || "left"].lo;
      let d = "";
      if (s.kind === "bar") {
        const y0 = Y(Math.max(lo, 0)), w = Math.max(step * 0.8, 0.5);
        for (let i = 0; i < n; i++) if (v[i] != null && v[i] !== 0) d += "M" + (X(i) - w / 2).toFixed(1) + "," + y0.toFixed(1) + "V" + Y(v[i]).toFixed(1) + "h" + w.toFixed(2) + "V" + y0.toFixed(1) + "Z";
      } else if (s.kind === "band") {
        const hiv = data[s.col.replace("_lo", "_hi")] || [];
        let up = [], down = [];
        for (let i = 0; i < n; i++) if (v[i] != null && hiv[i] != null) { up.push(X(i).toFixed(1) + "," + Y(hiv[i]).toFixed(1)); down.unshift(X(i).toFixed(1) + "," + Y(v[i]).toFixed(1)); }
        if (up.length) d = "M" + up.join("L") + "L" + down.join("L") + "Z";
      } else {
        let pen = false;
        for (let i = 0; i < n; i++) { if (v[i] == null) { pen = false; continue; } d += (pen ? "L" : "M") + X(i).toFixed(1) + "," + Y(v[i]).toFixed(1); pen = true; }
      }
      const color = COLORS[k % COLORS.length];
      const p = el("path", {d: d, "vector-effect": "non-scaling-stroke", "data-col": s.col}, true);
      if (s.kind === "line") { p.setAttribute("fill", "none"); p.setAttribute("stroke", color); p.setAttribute("stroke-width", "1.5"); }
      else { p.setAttribute("fill", color); p.setAttribute("fill-opacity", s.kind === "band" ? "0.15" : "0.6"); }
      svg.appendChild(p); paths[s.col] = p;
    });
    Object.keys(ranges).forEach(function (a) {
      const r = ranges[a];
      if (r.lo === Infinity) return;
      const axis = el("div", {"class": "axis " + a}), top = el("span"), bottom = el("span");
      top.textContent = fmt(r.hi); bottom.textContent = fmt(r.lo);
      axis.appendChild(top); axis.appendChild(bottom); plot.appendChild(axis);
    });
    const left = ranges.left;
    if (left && left.lo < 0 && left.hi > 0) { const y0 = Yon("left")(0); svg.appendChild(el("line", {x1: 0, x2: W, y1: y0, y2: y0, stroke: "#999", "stroke-dasharray": "4 4", "vector-effect": "non-scaling-stroke"}, true)); }
    const cursor = el("line", {y1: 0, y2: H, stroke: "#555", "vector-effect": "non-scaling-stroke", visibility: "hidden"}, true);
    svg.appendChild(cursor);
    sec.querySelectorAll("input[data-series]").forEach(function (box) {
      box.addEventListener("change", function () { paths[box.dataset.series].setAttribute("visibility", box.checked ? "visible" : "hidden"); });
    });
    const causes = {}, heavyChart = sec.dataset.chart === "heaviness";
    let timer = null;
    if (heavyChart && data.heaviness) {  // heavy days (7+) marked; hovering one names its top causes
      let d = "";
      for (let i = 0; i < n; i++) if (data.heaviness[i] != null && data.heaviness[i] >= 7) d += "M" + X(i).toFixed(1) + "," + (Yon("left")(data.heaviness[i]) - 6).toFixed(1) + "v-6";
      svg.appendChild(el("path", {d: d, stroke: "#c0392b", "stroke-width": 3, "vector-effect": "non-scaling-stroke"}, true));
    }
    function topCauses(i) {
      const day = data.date[i];
      if (causes[day] !== undefined) return causes[day];
      causes[day] = null;
      fetch("/api/why?date=" + day).then(function (r) { return r.json(); }).then(function (a) {
        const flags = (a.triage || []).map(function (t) { return t.title; });
        const top = (a.findings || []).filter(function (f) { return f.role !== "not-shown"; }).slice(0, 2).map(function (f) { return f.title || f.cause; });
        causes[day] = flags.concat(top).join("; ") || "no cause stands out";
        if (current === i) show(i);
      }).catch(function () { causes[day] = ""; });
      return null;
    }
    let current = n - 1;
    function show(i) {
      current = Math.max(0, Math.min(n - 1, i));
      cursor.setAttribute("x1", X(current)); cursor.setAttribute("x2", X(current)); cursor.setAttribute("visibility", "visible");
      const parts = series.filter(function (s) { return s.kind !== "band" && paths[s.col].getAttribute("visibility") !== "hidden"; })
        .map(function (s) { return s.label + " " + fmt((data[s.col] || [])[current]); });
      series.filter(function (s) { return s.kind === "band"; }).forEach(function (s) {
        const a = data[s.col][current], b = data[s.col.replace("_lo", "_hi")][current];
        if (a != null && b != null) parts.push(s.label + " " + fmt(a) + "–" + fmt(b));
      });
      readout.textContent = data.date[current] + ": " + parts.join(", ");
      if (heavyChart && data.heaviness[current] != null) {
        const known = causes[data.date[current]];
        if (known) readout.textContent += " — " + known;
        else if (known === undefined) { window.clearTimeout(timer); const i = current; timer = window.setTimeout(function () { topCauses(i); }, 250); }
      }
    }
    function index(ev) { const r = plot.getBoundingClientRect(); return Math.floor((ev.clientX - r.left) / r.width * n); }
    plot.addEventListener("mousemove", function (ev) { show(index(ev)); });
    plot.addEventListener("click", function (ev) { const i = index(ev); if (i >= 0 && i < n) window.location.href = "/?date=" + data.date[i]; });
    plot.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowLeft") { show(current - 1); ev.preventDefault(); }
      else if (ev.key === "ArrowRight") { show(current + 1); ev.preventDefault(); }
      else if (ev.key === "Enter") window.location.href = "/?date=" + data.date[current];
    });
    plot.addEventListener("focus", function () { show(current); });
  }
})();
