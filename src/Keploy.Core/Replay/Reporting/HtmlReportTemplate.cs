namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// The page <see cref="HtmlReportWriter"/> fills: <c>{{TITLE}}</c> (HTML-encoded) and <c>{{DATA}}</c> (the run as JSON, with
/// <c>&lt;</c> escaped). Element ids the browser test relies on: <c>filter</c>, <c>status</c>, <c>set</c>, <c>tests</c>,
/// <c>shown</c>, <c>more</c>; each test row is <c>.t[data-i]</c> with a <c>.row</c> button, and its details <c>.d</c> hold
/// <c>.diff</c> (Keploy's diff text) and <c>table.sbs</c> (side by side, cells <c>.f</c> failing, <c>.n</c> noise, <c>.a</c> accepted).
/// </summary>
internal static class HtmlReportTemplate
{
    /// <summary>The page text.</summary>
    public const string Page = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<link rel="icon" href="data:,">
<style>
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:12px 20px}
header h1{margin:0;font-size:18px}
header .sub{color:#c9d1d9;font-size:12px;word-break:break-all}
main{padding:16px 20px;max-width:1500px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 16px;min-width:110px}
.card b{display:block;font-size:22px}
.card.pass b{color:#1a7f37}.card.fail b{color:#cf222e}.card.ign b{color:#9a6700}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin-bottom:16px;padding:10px 14px}
h2{font-size:15px;margin:4px 0 8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
tr.setrow{cursor:pointer}tr.setrow:hover{background:#f3f4f6}
.badge{display:inline-block;min-width:64px;text-align:center;border-radius:10px;padding:0 8px;font-size:11px;font-weight:700;color:#fff}
.PASSED{background:#1a7f37}.FAILED,.OBSOLETE{background:#cf222e}.IGNORED{background:#9a6700}.OTHER{background:#6e7781}
.controls{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
.controls input{flex:1;min-width:240px;padding:5px 8px;border:1px solid #d0d7de;border-radius:6px}
.controls select{padding:5px;border:1px solid #d0d7de;border-radius:6px}
.t{border-bottom:1px solid #eaeef2}
.row{display:flex;gap:10px;width:100%;background:none;border:0;padding:5px 4px;text-align:left;cursor:pointer;font:inherit;color:inherit;align-items:center}
.row:hover{background:#f3f4f6}
.row .name{font-weight:600;min-width:180px}
.row .url{color:#57606a;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.row .ms{color:#57606a;font-size:12px}
.tag{background:#fff8c5;border:1px solid #d4a72c;border-radius:10px;padding:0 6px;font-size:11px}
.d{padding:6px 10px 14px 24px}
.d h3{font-size:13px;margin:10px 0 4px}
pre{margin:0;background:#f6f8fa;border:1px solid #eaeef2;border-radius:4px;padding:6px 8px;font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all;max-height:480px;overflow:auto}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:10px}
table.sbs{font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,monospace;table-layout:fixed}
table.sbs td{border:0;padding:0 6px;white-space:pre-wrap;word-break:break-all;width:50%}
table.sbs th{width:50%}
td.f.l,tr.hf td.l{background:#ffebe9;color:#82071e}
td.f.r,tr.hf td.r{background:#dafbe1;color:#116329}
td.n,tr.hn td{background:#eaeef2;color:#6e7781;text-decoration:line-through}
td.a{background:#fff8c5}
td.e{background:#f6f8fa}
.legend span{display:inline-block;padding:0 6px;margin-right:6px;font-size:11px;border-radius:3px}
.note{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:4px 8px;margin:3px 0}
.miss{background:#ffebe9;border:1px solid #ff8182;border-radius:4px;padding:4px 8px;margin:3px 0}
.muted{color:#57606a}
button.more{margin:8px 0;padding:5px 12px;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;cursor:pointer}
a{color:#0969da}
</style>
</head>
<body>
<header><h1 id="title"></h1><div class="sub" id="sub"></div></header>
<main>
<div class="cards" id="cards"></div>
<section id="runs-section"><h2>Runs</h2><div id="runs"></div></section>
<section><h2>Test-sets</h2><table id="sets"><thead><tr><th>Test-set</th><th>Status</th><th>Total</th><th>Passed</th><th>Failed</th><th>Ignored</th><th>Time</th></tr></thead><tbody></tbody></table></section>
<section>
<h2>Tests</h2>
<div class="controls">
<input id="filter" type="search" placeholder="Filter by test case, test-set, method or URL" aria-label="Filter tests">
<select id="status" aria-label="Status"><option value="">All statuses</option><option value="FAILED">Failed</option><option value="PASSED">Passed</option><option value="IGNORED">Ignored</option></select>
<select id="set" aria-label="Test-set"><option value="">All test-sets</option></select>
<span class="muted" id="shown"></span>
</div>
<div id="tests"></div>
<button class="more" id="more" type="button" hidden>Show more</button>
</section>
</main>
<script type="application/json" id="keploy-data">{{DATA}}</script>
<script>
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("keploy-data").textContent);
  var PAGE = 200;
  var limit = PAGE;
  var matches = [];
  var open = {};

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function ms(v) { return v >= 1000 ? (v / 1000).toFixed(2) + " s" : v.toFixed(1) + " ms"; }
  function badge(status) {
    var cls = /^(PASSED|FAILED|IGNORED|OBSOLETE)$/.test(status) ? status : "OTHER";
    return '<span class="badge ' + cls + '">' + esc(status || "?") + "</span>";
  }
  function pretty(text) {
    if (!text) { return ""; }
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }
  function el(id) { return document.getElementById(id); }

  var run = DATA.run, tests = DATA.tests, sets = DATA.sets;
  var total = tests.length, passed = 0, failed = 0, ignored = 0;
  for (var i = 0; i < total; i++) {
    var st = tests[i][2];
    if (st === "PASSED") { passed++; } else if (st === "FAILED" || st === "OBSOLETE") { failed++; } else if (st === "IGNORED") { ignored++; }
  }
  document.title = "Keploy report " + run.id;
  el("title").textContent = "Keploy test report: " + run.id;
  el("sub").textContent = run.dir + (run.created ? " \u00b7 " + run.created : "");
  el("cards").innerHTML =
    '<div class="card"><span>Total</span><b>' + total + "</b></div>" +
    '<div class="card pass"><span>Passed</span><b>' + passed + "</b></div>" +
    '<div class="card fail"><span>Failed</span><b id="failed-count">' + failed + "</b></div>" +
    (ignored ? '<div class="card ign"><span>Ignored</span><b>' + ignored + "</b></div>" : "") +
    '<div class="card"><span>Time</span><b>' + ms(run.ms) + "</b></div>" +
    (run.coverage ? '<div class="card" id="coverage-card"><span>Coverage</span><b><a href="' + esc(run.coverage) + '">' + esc(run.coverageTotal || "details") + "</a></b></div>" : "");

  var runsHtml = [];
  DATA.runs.forEach(function (r) {
    runsHtml.push(r[1] ? '<a href="' + esc(r[1]) + '">' + esc(r[0]) + "</a>" : "<b>" + esc(r[0]) + "</b> (this run)");
  });
  el("runs").innerHTML = runsHtml.join(" \u00b7 ") || '<span class="muted">only this run</span>';

  var setRows = [], setOptions = [];
  sets.forEach(function (s, idx) {
    setRows.push('<tr class="setrow" data-set="' + idx + '"><td>' + esc(s.id) + "</td><td>" + badge(s.status) +
      (s.reason ? ' <span class="muted">' + esc(s.reason) + "</span>" : "") + "</td><td>" + s.total + "</td><td>" + s.passed +
      "</td><td>" + s.failed + "</td><td>" + s.ignored + "</td><td>" + ms(s.ms) + "</td></tr>");
    setOptions.push('<option value="' + idx + '">' + esc(s.id) + "</option>");
  });
  el("sets").tBodies[0].innerHTML = setRows.join("");
  el("set").insertAdjacentHTML("beforeend", setOptions.join(""));
  el("sets").addEventListener("click", function (ev) {
    var tr = ev.target.closest("tr.setrow");
    if (!tr) { return; }
    el("set").value = tr.getAttribute("data-set");
    apply();
  });

  var haystack = tests.map(function (t) {
    return (sets[t[0]].id + "/" + t[1] + " " + t[4] + " " + t[5]).toLowerCase();
  });

  function apply() {
    var q = el("filter").value.trim().toLowerCase();
    var status = el("status").value;
    var set = el("set").value;
    var setIdx = set === "" ? -1 : parseInt(set, 10);
    matches = [];
    for (var i = 0; i < tests.length; i++) {
      var t = tests[i];
      if (setIdx >= 0 && t[0] !== setIdx) { continue; }
      if (status === "FAILED" ? !(t[2] === "FAILED" || t[2] === "OBSOLETE") : (status && t[2] !== status)) { continue; }
      if (q && haystack[i].indexOf(q) < 0) { continue; }
      matches.push(i);
    }
    limit = PAGE;
    render();
  }

  function rowHtml(i) {
    var t = tests[i];
    return '<div class="t" data-i="' + i + '"><button class="row" type="button" aria-expanded="' + (open[i] ? "true" : "false") + '">' +
      badge(t[2]) + '<span class="name">' + esc(sets[t[0]].id + " / " + t[1]) + '</span><span class="url">' + esc(t[4] + " " + t[5]) +
      '</span>' + (t[6] ? '<span class="tag" title="matched with differences">\u2248 ' + t[6] + " note" + (t[6] > 1 ? "s" : "") + "</span>" : "") +
      '<span class="ms">' + ms(t[3]) + '</span></button><div class="d"' + (open[i] ? "" : " hidden") + ">" +
      (open[i] ? details(i) : "") + "</div></div>";
  }

  function render() {
    var n = Math.min(limit, matches.length), html = [];
    for (var k = 0; k < n; k++) { html.push(rowHtml(matches[k])); }
    el("tests").innerHTML = html.join("");
    el("shown").textContent = "showing " + n + " of " + matches.length + " matching (" + tests.length + " tests)";
    var more = el("more");
    more.hidden = matches.length <= n;
    more.textContent = "Show " + Math.min(PAGE, matches.length - n) + " more";
  }

  function kv(rows) {
    if (!rows || !rows.length) { return '<span class="muted">none</span>'; }
    return "<table>" + rows.map(function (h) { return "<tr><td>" + esc(h[0]) + "</td><td>" + esc(h[1]) + "</td></tr>"; }).join("") + "</table>";
  }

  function details(i) {
    var d = DATA.details[i], t = tests[i], h = [];
    if (t[2] === "IGNORED") { h.push('<p class="muted">This test was not replayed (IGNORED).</p>'); }
    if (d.diff) { h.push('<h3>Diff</h3><pre class="diff">' + esc(d.diff) + "</pre>"); }
    if (d.notes) {
      h.push("<h3>Matched with differences</h3>" + d.notes.map(function (n) { return '<div class="note">' + esc(n) + "</div>"; }).join(""));
    }
    if (d.misses) {
      h.push("<h3>Calls that found no mock</h3>" + d.misses.map(function (m) {
        return '<div class="miss"><b>' + esc(m.kind + " " + m.summary) + "</b>" + (m.destination ? " \u2192 " + esc(m.destination) : "") +
          "<br>closest mock: " + esc(m.closest || "none") + (m.diff ? "<pre>" + esc(m.diff) + "</pre>" : "") + "</div>";
      }).join(""));
    }
    h.push("<h3>Response body" + (d.bodyType ? " (" + esc(d.bodyType) + ")" : "") + "</h3>");
    if (d.rows) {
      h.push('<div class="legend"><span style="background:#ffebe9">expected (failing)</span><span style="background:#dafbe1">actual (failing)</span>' +
        '<span style="background:#eaeef2;text-decoration:line-through">noise: ignored</span><span style="background:#fff8c5">differs, accepted</span></div>');
      h.push('<table class="sbs body"><tr><th>Expected</th><th>Actual</th></tr>' + d.rows.map(function (r) {
        return '<tr><td class="l ' + r[1] + '">' + esc(r[0]) + '</td><td class="r ' + r[3] + '">' + esc(r[2]) + "</td></tr>";
      }).join("") + "</table>");
    } else {
      var same = d.ab === undefined;
      h.push('<div class="cols"><div><b>Expected</b><pre>' + esc(pretty(d.eb)) + "</pre></div><div><b>Actual</b>" +
        (same ? '<pre>' + esc(pretty(d.eb)) + '</pre><span class="muted">same as expected</span>' : "<pre>" + esc(pretty(d.ab)) + "</pre>") + "</div></div>");
    }
    if (d.noise) { h.push('<p class="muted">Noise (ignored): ' + esc(d.noise.join(", ")) + "</p>"); }
    h.push("<h3>Status</h3>" + '<table class="sbs"><tr><th>Expected</th><th>Actual</th></tr><tr class="' + (d.es === d.as ? "" : "hf") +
      '"><td class="l">' + d.es + '</td><td class="r">' + (d.as || "no response") + "</td></tr></table>");
    if (d.headers.length) {
      h.push('<h3>Response headers</h3><table class="sbs"><tr><th>Expected</th><th>Actual</th></tr>' + d.headers.map(function (x) {
        var cls = x[3] === "f" ? "hf" : x[3] === "n" ? "hn" : "";
        return '<tr class="' + cls + '"' + (x[3] === "n" ? ' title="noise: ignored"' : "") + '><td class="l">' + esc(x[0] + ": " + x[1]) +
          '</td><td class="r">' + esc(x[2] == null ? "(missing)" : x[0] + ": " + x[2]) + "</td></tr>";
      }).join("") + "</table>");
    }
    h.push("<h3>Request</h3><pre>" + esc(d.req.method + " " + d.req.url) + "</pre>");
    h.push('<div class="cols"><div><h3>Request headers</h3>' + kv(d.req.header) + "</div><div><h3>Request body</h3>" +
      (d.req.body ? "<pre>" + esc(pretty(d.req.body)) + "</pre>" : '<span class="muted">empty</span>') + "</div></div>");
    h.push("<h3>Mocks used</h3>" + (d.mocks ? "<pre>" + esc(d.mocks.join("\n")) + "</pre>" : '<span class="muted">none recorded for this test</span>'));
    return h.join("");
  }

  el("tests").addEventListener("click", function (ev) {
    var btn = ev.target.closest("button.row");
    if (!btn) { return; }
    var box = btn.parentNode, i = parseInt(box.getAttribute("data-i"), 10), d = box.querySelector(".d");
    if (open[i]) {
      delete open[i];
      d.hidden = true;
      d.innerHTML = "";
      btn.setAttribute("aria-expanded", "false");
    } else {
      open[i] = true;
      d.innerHTML = details(i);
      d.hidden = false;
      btn.setAttribute("aria-expanded", "true");
    }
  });
  el("more").addEventListener("click", function () { limit += PAGE; render(); });
  var timer = 0;
  el("filter").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  el("status").addEventListener("change", apply);
  el("set").addEventListener("change", apply);
  if (failed > 0) { el("status").value = "FAILED"; }
  apply();
})();
</script>
</body>
</html>
""";
}
