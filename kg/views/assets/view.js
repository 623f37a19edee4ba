// kg graph view: builds the vis-network from the JSON block #kg-data.
// Every piece of article text (names, titles, sentences, URLs) reaches the DOM
// through textContent or a checked href, never through innerHTML, so a name
// like an image tag with an onerror handler shows as text. Tooltips are DOM elements for the same
// reason (vis-network would otherwise take the title string as markup).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var meta = data.meta;
  var byId = {};

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function row(parent, key, value) {
    var r = el("div", null, "kg-row");
    r.appendChild(el("span", key, "kg-key"));
    r.appendChild(el("span", value));
    parent.appendChild(r);
  }
  function safeUrl(u) {
    return typeof u === "string" && /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
  }
  function article(aid, withUrl) {
    var a = data.articles[aid] || {};
    var wrap = el("div", null, "kg-article");
    var name = (a.title || aid) + (a.published ? " (" + a.published + ")" : "");
    var url = safeUrl(a.url);
    if (url) {
      var link = el("a", name);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      wrap.appendChild(link);
      if (withUrl) wrap.appendChild(el("div", url, "kg-url"));
    } else {
      wrap.appendChild(el("span", name));
    }
    return wrap;
  }
  function nodeInfo(n, full) {
    var k = n.kg, box = el("div", null, "kg-tip");
    box.appendChild(el("h3", n.label));
    row(box, "类型 type", k.tzh + " " + k.type);
    if (k.names.length > 1) row(box, "写法 names", k.names.join("、"));
    if (k.aliases.length) row(box, "别名 aliases", k.aliases.join("、"));
    var posts = k.posts.slice(0, full ? k.posts.length : 6);
    posts.forEach(function (p) { row(box, "职务 post", p[0] + (p[1] ? " · " + p[1] : "")); });
    if (k.posts.length > posts.length) row(box, "", "… +" + (k.posts.length - posts.length));
    if (k.dates.length) row(box, "日期 date", k.dates.join("、"));
    row(box, "关联 degree", String(k.degree));
    if (full) {
      box.appendChild(el("h3", "出处 sources (" + k.articles.length + ")"));
      k.articles.forEach(function (aid) { box.appendChild(article(aid, true)); });
    } else {
      row(box, "出处 sources", k.articles.length + " 篇 articles");
    }
    return box;
  }
  function edgeInfo(e, full) {
    var k = e.kg, box = el("div", null, "kg-tip");
    var head = k.zh + (k.title ? " " + k.title : "") + " · " + k.en;
    box.appendChild(el("h3", head));
    var a = byId[e.from], b = byId[e.to];
    row(box, "", (a ? a.label : e.from) + (k.undirected ? " — " : " → ") + (b ? b.label : e.to));
    if (k.events) {
      row(box, "次数 events", String(k.weight));
      k.events.forEach(function (v) { row(box, "活动 event", v[0] + (v[1] ? " (" + v[1] + ")" : "")); });
    }
    var evs = k.ev.slice(0, full ? k.ev.length : 3);
    evs.forEach(function (v) {
      var d = el("div", null, "kg-ev");
      d.appendChild(article(v[0], true));
      if (v[1]) d.appendChild(el("div", "「" + v[1] + "」", "kg-sentence"));
      box.appendChild(d);
    });
    if (k.ev.length > evs.length) row(box, "", "… +" + (k.ev.length - evs.length) + " 篇 more articles");
    return box;
  }

  data.nodes.forEach(function (n) { byId[n.id] = n; n.title = nodeInfo(n, false); });
  data.edges.forEach(function (e) { e.title = edgeInfo(e, false); });

  var top = document.getElementById("kg-top");
  document.documentElement.style.setProperty("--kg-top", top.offsetHeight + "px");
  var container = document.getElementById("kg-network");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var details = document.getElementById("kg-details");
  var status = document.getElementById("kg-search-status");

  function show(box) {
    details.replaceChildren(box);
  }
  function showNode(id) { if (byId[id]) show(nodeInfo(byId[id], true)); }
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    showNode(id);
  }

  function norm(s) {
    var t = String(s).normalize("NFKC").toLowerCase().replace(/\s+/g, ""), out = "";
    for (var i = 0; i < t.length; i++) out += data.fold[t[i]] || t[i];
    return out;
  }
  function search(q) {
    var k = norm(q);
    if (!k) return null;
    var best = null, bestRank = 9;
    data.nodes.forEach(function (n) {
      var rank = 9;
      n.kg.keys.forEach(function (key) {
        var r = key === k ? 0 : key.indexOf(k) === 0 ? 1 : key.indexOf(k) > 0 ? 2 : 9;
        if (r < rank) rank = r;
      });
      if (rank < bestRank || (rank === bestRank && rank < 9 && n.kg.degree > best.kg.degree)) {
        best = n; bestRank = rank;
      }
    });
    if (!best || bestRank === 9) {
      status.textContent = "未找到 not found: " + q;
      return null;
    }
    status.textContent = "找到 found: " + best.label;
    focusNode(best.id);
    return best.id;
  }

  var list = document.getElementById("kg-names");
  var frag = document.createDocumentFragment();
  var seen = {};
  data.nodes.slice().sort(function (a, b) { return b.kg.degree - a.kg.degree; }).slice(0, 5000).forEach(function (n) {
    [n.label].concat(n.kg.aliases).forEach(function (name) {
      if (seen[name]) return;
      seen[name] = 1;
      var o = document.createElement("option");
      o.value = name;
      frag.appendChild(o);
    });
  });
  list.appendChild(frag);
  document.getElementById("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("kg-search").value);
  });

  // topic filter: the keywords (schema:keywords) of the articles on the page, most common first; choosing one
  // hides every entity and relation that no article with that keyword states
  var kwSelect = document.getElementById("kg-keyword");
  var kwCount = {};
  Object.keys(data.articles).forEach(function (aid) {
    (data.articles[aid].keywords || []).forEach(function (k) { kwCount[k] = (kwCount[k] || 0) + 1; });
  });
  Object.keys(kwCount).sort(function (a, b) {
    return kwCount[b] - kwCount[a] || (a < b ? -1 : a > b ? 1 : 0);
  }).forEach(function (k) {
    var o = el("option", k + " (" + kwCount[k] + ")");
    o.value = k;
    kwSelect.appendChild(o);
  });
  function filterKeyword(k) {
    var arts = {}, shown = {}, count = 0;
    Object.keys(data.articles).forEach(function (aid) {
      if (!k || (data.articles[aid].keywords || []).indexOf(k) >= 0) arts[aid] = 1;
    });
    nodes.update(data.nodes.map(function (n) {
      var on = !k || n.kg.articles.some(function (a) { return arts[a]; });
      if (on) { shown[n.id] = 1; count++; }
      return { id: n.id, hidden: !on };
    }));
    edges.update(data.edges.map(function (e) {
      var on = !k || (shown[e.from] && shown[e.to] && e.kg.ev.some(function (v) { return arts[v[0]]; }));
      return { id: e.id, hidden: !on };
    }));
    status.textContent = k ? "主题 topic " + k + ": " + count + " / " + data.nodes.length : "";
    return count;
  }
  kwSelect.addEventListener("change", function () { filterKeyword(kwSelect.value); });

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) {
      var e = edges.get(p.edges[0]);
      if (e) show(edgeInfo(e, true));
    }
  });

  var view = {
    network: network, nodes: nodes, edges: edges, meta: meta, data: data,
    stable: false, stableAt: null, search: search, focusNode: focusNode, filterKeyword: filterKeyword
  };
  window.kgView = view;

  function done() {
    if (view.stable) return;
    view.stable = true;
    view.stableAt = performance.now();
    document.body.setAttribute("data-stable", "1");
    if (meta.focus.length) {
      network.selectNodes(meta.focus);
      if (meta.focus.length === 1) showNode(meta.focus[0]);
    }
  }
  if (meta.physics && data.nodes.length) {
    network.on("stabilizationProgress", function (p) {
      status.textContent = "布局中 laying out " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      // stop the simulation, or the page keeps a CPU core busy for ever
      network.setOptions({ physics: { enabled: false } });
      status.textContent = "";
      network.fit();
      done();
    });
  } else {
    network.once("afterDrawing", done);
    if (!data.nodes.length) done();
  }
})();
