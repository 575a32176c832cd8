// Kiln dashboard: the campaign list and a campaign's page, drawn from the REST API
// (/api/openapi.yaml). Every value from the server is put in the page as text (textContent),
// never as HTML. The access token is kept in this tab's sessionStorage only.
(function () {
  "use strict";
  var TOKEN = "kiln-token";

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function fmt(x, digits) { return typeof x === "number" ? x.toFixed(digits) : (x == null ? "" : String(x)); }
  function headers(extra) {
    var h = extra || {}, t = sessionStorage.getItem(TOKEN);
    if (t) h.Authorization = "Bearer " + t;
    return h;
  }
  function api(path, options) {
    options = options || {};
    options.headers = headers(options.headers);
    return fetch(path, options).then(function (r) {
      return r.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
        if (!r.ok) throw new Error((body && body.error) || (r.status + " " + r.statusText));
        return body;
      });
    });
  }
  // Form controls by name (a control named "method" or "value" would otherwise clash with the form's own properties).
  function field(form, name) { return form.elements.namedItem(name); }
  function tokenField(form) {
    var input = form.querySelector("input[name=token]");
    input.value = sessionStorage.getItem(TOKEN) || "";
    input.addEventListener("change", function () { sessionStorage.setItem(TOKEN, input.value.trim()); });
  }

  // ---- the campaign list ----
  function campaignsPage() {
    var body = document.querySelector("#campaigns tbody");
    function load() {
      api("/api/campaigns").then(function (list) {
        clear(body);
        document.getElementById("campaigns-empty").hidden = list.length > 0;
        list.slice().reverse().forEach(function (c) {
          var s = c.summary || {}, relaxed = (s.funnel || []).filter(function (f) { return f.stage === "relaxed"; })[0];
          body.appendChild(el("tr", { "class": "row", "data-id": c.id }, [
            el("td", {}, [el("a", { href: "/ui/campaign?id=" + encodeURIComponent(c.id) }, [c.id])]),
            el("td", {}, [c.name]), el("td", { "class": "state " + c.state }, [c.state + (c.error ? ": " + c.error : "")]),
            el("td", {}, [new Date(c.submitted).toLocaleString()]),
            el("td", { "class": "num" }, [relaxed ? String(relaxed.count) : ""]),
            el("td", { "class": "num" }, [s.stableUnique != null ? String(s.stableUnique) : ""]),
            el("td", { "class": "num" }, [s.sun != null ? String(s.sun) : ""])
          ]));
        });
      }).catch(function (e) { document.getElementById("campaigns-empty").hidden = false; document.getElementById("campaigns-empty").textContent = e.message; });
    }
    var form = document.getElementById("submit");
    tokenField(form);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN, field(form, "token").value.trim());
      var out = document.getElementById("submit-result");
      api("/api/campaigns", { method: "POST", headers: { "Content-Type": "application/toml" }, body: field(form, "campaign").value })
        .then(function (c) { out.textContent = "queued as " + c.id; load(); })
        .catch(function (e) { out.textContent = e.message; });
    });
    load();
    setInterval(load, 5000);
  }

  // ---- one campaign ----
  function campaignPage() {
    var id = new URLSearchParams(location.search).get("id") || "";
    if (!/^c[0-9]{5}$/.test(id)) { showError("no campaign id in the address"); return; }
    var base = "/api/campaigns/" + id, candidates = [], sortKey = "rank", sortDir = 1, selected = null, redraw = null;

    function showError(m) { var e = document.getElementById("error"); e.textContent = m; e.hidden = false; }
    function info() {
      return api(base).then(function (c) {
        document.title = "Kiln — " + c.name;
        document.getElementById("name").textContent = c.name + " (" + c.id + ")";
        var st = document.getElementById("state");
        st.textContent = c.state + (c.error ? ": " + c.error : "");
        st.className = "state " + c.state;
        var done = c.state === "finished";
        [["report", base + "/report"], ["csv", base + "/candidates.csv"]].forEach(function (p) {
          var a = document.getElementById(p[0]); a.href = p[1]; a.hidden = !done;
        });
        var f = clear(document.querySelector("#funnel tbody")), stages = (c.summary || {}).funnel || [];
        var top = Math.max.apply(null, stages.map(function (s) { return s.count; }).concat([1]));
        stages.forEach(function (s) {
          var bar = el("span", { "class": "bar" });
          bar.style.width = Math.round(300 * s.count / top) + "px";  // CSSOM: allowed by the page's content-security policy
          f.appendChild(el("tr", {}, [el("td", {}, [s.stage]), el("td", { "class": "num" }, [String(s.count)]), el("td", {}, [bar])]));
        });
        return c;
      });
    }
    function plots() {
      api(base + "/plots").then(function (names) {
        var box = clear(document.getElementById("plots"));
        document.getElementById("plots-empty").hidden = names.length > 0;
        names.forEach(function (n) { box.appendChild(el("img", { src: base + "/plots/" + encodeURIComponent(n), alt: n, title: n })); });
      });
    }
    function table() {
      var rankedOnly = document.getElementById("ranked-only").checked;
      return api(base + "/candidates?limit=1000&sort=ordinal" + (rankedOnly ? "&ranked=true" : "&status=relaxed")).then(function (page) {
        candidates = page.candidates;
        document.getElementById("count").textContent = "(" + page.total + ")";
        render();
      });
    }
    function value(c, key) { return key === "rank" && c.rank == null ? Infinity : c[key]; }
    function render() {
      var ths = document.querySelectorAll("#candidates th[data-key]"), numeric = false;
      ths.forEach(function (th) {
        var on = th.dataset.key === sortKey;
        if (on) numeric = th.dataset.type === "number";
        if (on) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending"); else th.removeAttribute("aria-sort");
      });
      var rows = candidates.slice().sort(function (a, b) {
        var x = value(a, sortKey), y = value(b, sortKey);
        if (x == null && y == null) return 0;
        if (x == null) return 1;
        if (y == null) return -1;
        return sortDir * (numeric ? x - y : String(x).localeCompare(String(y)));
      });
      var body = clear(document.querySelector("#candidates tbody"));
      rows.forEach(function (c) {
        var tr = el("tr", { "class": "row" + (c.id === selected ? " selected" : ""), "data-id": c.id }, [
          el("td", { "class": "num" }, [c.rank == null ? "" : String(c.rank)]), el("td", {}, [c.id]), el("td", {}, [c.formula]),
          el("td", { "class": "num" }, [fmt(c.energyAboveHull, 3)]), el("td", { "class": "num" }, [fmt(c.formationEnergyPerAtom, 3)]),
          el("td", {}, [c.stability || ""]), el("td", {}, [c.novelty || ""]), el("td", {}, [c.spaceGroup || ""]),
          el("td", c.synthesis === "failed" ? { "class": "synthesis-failed" } : {}, [(c.synthesis || "") + (c.dftEnergyPerAtom != null ? " DFT" : "")])
        ]);
        tr.addEventListener("click", function () { select(c.id); });
        body.appendChild(tr);
      });
    }
    function select(cid) {
      selected = cid;
      render();
      var c = base + "/candidates/" + encodeURIComponent(cid);
      document.getElementById("detail").hidden = false;
      document.getElementById("detail-id").textContent = cid;
      [["dl-cif", "/structure?format=cif"], ["dl-poscar", "/structure?format=poscar"], ["dl-json", "/structure?format=json"], ["dl-record", ""]]
        .forEach(function (p) { document.getElementById(p[0]).href = c + p[1]; });
      api(c).then(function (r) {
        document.getElementById("detail-formula").textContent = r.formula;
        var facts = clear(document.querySelector("#facts tbody"));
        [["status", r.status], ["E_hull (eV/atom)", fmt(r.energyAboveHull, 4)], ["decomposition", r.decomposition],
         ["energy (eV/atom)", fmt(r.finalEnergyPerAtom, 4) + (r.model ? " (" + r.model + ")" : "")], ["DFT energy (eV/atom)", fmt(r.dftEnergyPerAtom, 4)],
         ["space group", r.spaceGroupAfter], ["novelty match", r.noveltyMatch], ["generator", r.generator + (r.parent ? " from " + r.parent : "")],
         ["violations", r.violations]].forEach(function (f) {
          if (f[1] != null && f[1] !== "") facts.appendChild(el("tr", {}, [el("th", {}, [f[0]]), el("td", {}, [String(f[1])])]));
        });
      });
      api(c + "/scene").then(function (scene) { redraw = KilnViewer(document.getElementById("viewer"), scene); })
        .catch(function (e) { showError("viewer: " + e.message); });
      outcomes(c);
    }
    function outcomes(c) {
      api(c + "/outcomes").then(function (list) {
        var ul = clear(document.getElementById("outcomes"));
        if (!list.length) ul.appendChild(el("li", { "class": "muted" }, ["none recorded"]));
        list.forEach(function (o) {
          var what = o.kind === "synthesis" ? (o.succeeded ? (o.phasePure ? "synthesised, phase-pure" : "synthesised") : "synthesis failed")
            : o.kind === "dft" ? "DFT energy " + fmt(o.energyPerAtom, 4) + " eV/atom" : o.property + " = " + o.value + (o.sigma ? " ± " + o.sigma : "");
          ul.appendChild(el("li", {}, [el("b", {}, [what]), " — " + o.author + ", " + o.method + (o.performedOn ? " (" + o.performedOn + ")" : "")
            + (o.notes ? "; " + o.notes : "") + " · recorded " + new Date(o.recordedAt).toLocaleString()]));
        });
      });
    }
    // Progress: the event stream (read with fetch, so the token header goes along), resumed after the last id.
    var lastEvent = 0;
    function follow() {
      fetch(base + "/events?after=" + lastEvent, { headers: headers() }).then(function (r) {
        if (!r.ok || !r.body) return;
        var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) return;
            buffer += decoder.decode(chunk.value, { stream: true });
            var blocks = buffer.split("\n\n");
            buffer = blocks.pop();
            blocks.forEach(function (b) {
              var line = b.split("\n").filter(function (l) { return l.indexOf("data: ") === 0; })[0];
              if (!line) return;
              var e = JSON.parse(line.slice(6));
              lastEvent = e.seq;
              var bar = document.getElementById("progress");
              if (e.kind === "progress") { bar.hidden = false; bar.max = e.total; bar.value = e.done; }
              if (e.kind === "log" || e.message) document.getElementById("last-log").textContent = e.message || "";
              if (e.kind === "state") {
                info();
                if (e.state === "finished") { bar.hidden = true; table().then(function () { if (selected) select(selected); }); plots(); }
              }
            });
            return pump();
          });
        }
        return pump();
      }).then(function () { setTimeout(follow, 2000); }, function () { setTimeout(follow, 5000); });
    }

    document.querySelectorAll("#candidates th[data-key]").forEach(function (th) {
      th.addEventListener("click", function () {
        sortDir = th.dataset.key === sortKey ? -sortDir : 1;
        sortKey = th.dataset.key;
        render();
      });
    });
    document.getElementById("ranked-only").addEventListener("change", table);
    var form = document.getElementById("outcome");
    tokenField(form);
    field(form, "kind").addEventListener("change", function () {
      ["synthesis", "property", "dft"].forEach(function (k) { form.querySelector(".kind-" + k).hidden = field(form, "kind").value !== k; });
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN, field(form, "token").value.trim());
      var o = { kind: field(form, "kind").value, author: field(form, "author").value, method: field(form, "method").value }, out = document.getElementById("outcome-result");
      if (field(form, "performed_on").value) o.performed_on = field(form, "performed_on").value;
      if (field(form, "notes").value) o.notes = field(form, "notes").value;
      if (o.kind === "synthesis") { o.succeeded = field(form, "succeeded").checked; if (field(form, "succeeded").checked) o.phase_pure = field(form, "phase_pure").checked; }
      if (o.kind === "property") { o.property = field(form, "property").value; o.value = Number(field(form, "value").value); if (field(form, "sigma").value) o.sigma = Number(field(form, "sigma").value); }
      if (o.kind === "dft") o.energy_per_atom = Number(field(form, "energy_per_atom").value);
      var c = base + "/candidates/" + encodeURIComponent(selected);
      api(c + "/outcomes", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(o) })
        .then(function () { out.textContent = "recorded; the campaign is scored again"; outcomes(c); })
        .catch(function (e) { out.textContent = e.message; });
    });
    info().then(function () { plots(); return table(); }).catch(function (e) { showError(e.message); });
    follow();
  }

  if (document.body.dataset.page === "campaigns") campaignsPage();
  if (document.body.dataset.page === "campaign") campaignPage();
})();
