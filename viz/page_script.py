"""The stylesheet and script of a view page (:mod:`ikg.viz.html` inlines them, allowed by hash).

The script draws the labels itself (the most important nodes first, at 13 px whatever the
zoom, each where it overlaps no other label and no node), moves a visible keyboard focus between
nodes (Tab into the network, arrow keys, Enter opens the profile panel, Escape closes it), fills
the panel with ``textContent`` only, recolours the actors by type, town or working group, and
keeps the search box, filters and physics switch. It exposes ``window.network`` and
``window.ikg`` (``firstDraw``, ``nodes``, ``edges``, ``labels`` as drawn, ``focused``, ``mode``,
``search``, ``colorBy``, ``focusNode``, ``openPanel``).
"""

__all__ = ["SCRIPT", "STYLE"]

STYLE = """
*{box-sizing:border-box}
html,body{margin:0;font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#222;background:#fff}
header{padding:.4em .8em;border-bottom:1px solid #ddd;display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center}
h1{font-size:1.15em;margin:0;flex:1 1 20em;overflow-wrap:anywhere}
.ikg-tools{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;font-size:.9em}
.ikg-tools input[type=search]{width:14em;padding:.2em .4em}
.ikg-tools select{padding:.15em .3em}
#ikg-status{color:#555;min-width:6em}
.ikg-row{display:flex;height:max(26em,calc(100vh - 6em))}
.ikg-canvas{flex:1 1 auto;min-width:0;position:relative}
#ikg-network{position:absolute;top:0;left:0;right:0;bottom:0}
#ikg-network .vis-network:focus{outline:none}
#ikg-network .vis-network:focus-visible{outline:3px solid #000;outline-offset:-3px}
#ikg-focus{position:absolute;left:.5em;bottom:.5em;max-width:30em;background:#fffff4;border:1px solid #555;
padding:.3em .5em;font-size:.85em;white-space:pre-line;overflow-wrap:anywhere;z-index:4}
#ikg-focus:empty{display:none}
.ikg-side{flex:0 0 auto;width:20em;overflow:auto;border-left:1px solid #ddd;font-size:.85em}
.ikg-side>aside{padding:.4em .7em}
aside h2{font-size:1em;margin:.2em 0 .3em}
aside h3{font-size:.9em;margin:.6em 0 .2em;color:#444}
aside ul{list-style:none;margin:0;padding:0}
aside li{margin:.15em 0}
aside label{display:flex;align-items:center;gap:.4em;cursor:pointer}
#ikg-panel{border-bottom:2px solid #222;background:#f7f7f7}
#ikg-panel h2:focus{outline:2px solid #000;outline-offset:2px}
#ikg-panel dl{margin:.3em 0}
#ikg-panel dt{font-weight:bold;margin-top:.4em}
#ikg-panel dd{margin:0 0 0 .8em}
#ikg-panel dd ul{list-style:disc;padding-left:1em}
#ikg-panel-close{float:right}
.n{color:#555}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
details.ikg-table{padding:.4em .8em;border-top:1px solid #ddd;font-size:.9em}
details.ikg-table summary{cursor:pointer;font-weight:bold}
details.ikg-table table{border-collapse:collapse;margin:.5em 0}
details.ikg-table caption{text-align:left;font-weight:bold;margin:.3em 0}
details.ikg-table th,details.ikg-table td{border:1px solid #ccc;padding:.2em .4em;text-align:left;vertical-align:top}
details.ikg-table td.num{text-align:right}
details.ikg-table td.pre{white-space:pre-line}
button.ikg-node{background:none;border:0;padding:0;font:inherit;color:#0050a0;text-decoration:underline;
cursor:pointer;text-align:left}
button:focus-visible,select:focus-visible,input:focus-visible,summary:focus-visible{
outline:3px solid #000;outline-offset:1px}
div.vis-tooltip{position:absolute;visibility:hidden;padding:5px 7px;white-space:pre-wrap;max-width:28em;
font-size:13px;background:#fffff4;border:1px solid #888;border-radius:3px;box-shadow:2px 2px 8px rgba(0,0,0,.2);
pointer-events:none;z-index:5;color:#000;overflow-wrap:anywhere}
@media (max-width:50em){.ikg-row{flex-direction:column;height:auto}.ikg-canvas{height:70vh}
.ikg-side{width:auto;border-left:0}}
""".strip()

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ikg-data").textContent);
  var state = {firstDraw: null, nodes: null, edges: null, search: null, labels: [], focused: null,
               mode: data.mode, colorBy: null, focusNode: null, openPanel: null};
  window.ikg = state;
  var FONT_PX = 13, FONT = FONT_PX + "px \"DejaVu Sans\", Verdana, Arial, sans-serif", MAX_CHARS = 28;
  function tip(text) {
    if (!text) { return undefined; }
    var el = document.createElement("div");
    el.className = "ikg-tip";
    el.textContent = text;
    return el;
  }
  var kinds = data.kinds, edgeStyles = data.edgeStyles;
  var haystack = [];
  function look(n) {
    var k = kinds[n[0]];
    var cat = n[8].length && state.mode ? data.cats[state.mode][n[8][data.modes.indexOf(state.mode)]] : null;
    var fill = cat ? cat.color : (state.mode ? data.neutral[0] : k.color);
    var border = cat ? cat.border : (state.mode ? data.neutral[1] : k.border);
    return {shape: cat ? cat.shape : k.shape,
            color: {background: fill, border: border,
                    highlight: {background: fill, border: "#000000"}, hover: {background: fill, border: "#000000"}}};
  }
  var nodeList = data.nodes.map(function (n, i) {
    var k = kinds[n[0]];
    haystack.push((n[1] + "\n" + n[3] + "\n" + k.text).toLowerCase());
    var node = {id: i, key: n[7], kind: k.kind, title: tip(n[2]), x: n[4], y: n[5], size: n[6]};
    var st = look(n);
    node.shape = st.shape;
    node.color = st.color;
    return node;
  });
  var edgeList = data.edges.map(function (e, i) {
    var st = edgeStyles[e[2]];
    return {
      id: i, from: e[0], to: e[1], kind: st.kind, title: tip(e[3]), width: e[4],
      color: {color: st.color, highlight: "#000000", hover: "#000000", inherit: false},
      dashes: st.dashes.length ? st.dashes : false
    };
  });
  var nodes = new vis.DataSet(nodeList);
  var edges = new vis.DataSet(edgeList);
  state.nodes = nodes;
  state.edges = edges;
  var big = nodeList.length > 1000;
  var options = {
    autoResize: true,
    layout: {improvedLayout: false, randomSeed: 1},
    physics: {enabled: data.physics, solver: "barnesHut",
              barnesHut: {springLength: data.spacing, avoidOverlap: 0.2},
              stabilization: {enabled: false}},
    interaction: {hover: !big, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                  keyboard: false, navigationButtons: false, multiselect: true},
    nodes: {borderWidth: 1.5},
    edges: {smooth: false, selectionWidth: 1.5, hoverWidth: 1}
  };
  var container = document.getElementById("ikg-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  window.network = network;
  var frame = container.querySelector(".vis-network") || container;
  frame.setAttribute("role", "application");
  frame.setAttribute("aria-label", data.networkLabel);
  frame.setAttribute("aria-describedby", "ikg-keys");
  var card = document.getElementById("ikg-focus");

  // --- labels: drawn by us, the most important first, none over another label or a node -------
  var rank = data.rank;
  function short(text) {
    return text.length > MAX_CHARS ? text.slice(0, MAX_CHARS - 1).trim() + "\u2026" : text;
  }
  function hits(grid, cell, box) {
    for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
      for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
        var list = grid[gx + ":" + gy];
        if (!list) { continue; }
        for (var i = 0; i < list.length; i++) {
          var o = list[i];
          if (o[4] !== box[4] && box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) { return true; }
        }
      }
    }
    return false;
  }
  function put(grid, cell, box) {
    for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
      for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
        (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(box);
      }
    }
  }
  function placeLabels(ctx) {
    var width = container.clientWidth, height = container.clientHeight;
    var scale = network.getScale(), pos = network.getPositions(), cell = 48;
    var nodeGrid = {}, labelGrid = {}, screen = {};
    nodes.forEach(function (n) {
      if (n.hidden) { return; }
      var p = network.canvasToDOM(pos[n.id]), r = Math.max(3, n.size * scale);
      screen[n.id] = [p.x, p.y, r];
      put(nodeGrid, cell, [p.x - r, p.y - r, p.x + r, p.y + r, n.id]);
    });
    ctx.font = FONT;
    var order = rank.slice(0, 600);
    if (state.focused !== null) { order = [state.focused].concat(order); }
    var placed = [], done = {};
    for (var k = 0; k < order.length; k++) {
      var id = order[k];
      if (done[id] || !screen[id]) { continue; }
      done[id] = true;
      var s = screen[id], text = short(data.nodes[id][1]);
      var w = ctx.measureText(text).width + 4, h = FONT_PX + 4, gap = s[2] + 2;
      var spots = [[s[0] - w / 2, s[1] + gap], [s[0] - w / 2, s[1] - gap - h],
                   [s[0] + gap, s[1] - h / 2], [s[0] - gap - w, s[1] - h / 2]];
      for (var j = 0; j < spots.length; j++) {
        var box = [spots[j][0], spots[j][1], spots[j][0] + w, spots[j][1] + h, id];
        if (box[0] < 0 || box[1] < 0 || box[2] > width || box[3] > height) { continue; }
        if (id !== state.focused && (hits(labelGrid, cell, box) || hits(nodeGrid, cell, box))) { continue; }
        put(labelGrid, cell, box);
        placed.push({id: id, text: text, x: box[0], y: box[1], w: w, h: h, font: FONT});
        break;
      }
    }
    return placed;
  }
  // the placement is kept while the view, the nodes and the focus stay the same
  var version = 0, cacheKey = null, cached = [];
  nodes.on("*", function () { version++; });
  network.on("dragging", function () { version++; });
  function currentLabels(ctx) {
    var view = network.getViewPosition();
    var key = [network.getScale(), view.x, view.y, state.focused, version,
               container.clientWidth, container.clientHeight].join(",");
    if (key !== cacheKey || network.physics.options.enabled) {
      cached = placeLabels(ctx);
      cacheKey = key;
    }
    return cached;
  }
  network.on("afterDrawing", function (ctx) {
    var ratio = ctx.canvas.width / Math.max(1, ctx.canvas.clientWidth);
    var placed = currentLabels(ctx);
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = FONT;
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    placed.forEach(function (l) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(l.text, l.x + 2, l.y + 2);
      ctx.fillStyle = "#1a1a1a";
      ctx.fillText(l.text, l.x + 2, l.y + 2);
    });
    if (state.focused !== null && !nodes.get(state.focused).hidden) {
      var p = network.canvasToDOM(network.getPositions([state.focused])[state.focused]);
      var r = Math.max(3, nodes.get(state.focused).size * network.getScale()) + 5;
      ctx.beginPath(); ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.lineWidth = 4; ctx.strokeStyle = "#ffffff"; ctx.stroke();
      ctx.lineWidth = 2.5; ctx.strokeStyle = "#000000"; ctx.stroke();
    }
    ctx.restore();
    state.labels = placed;
    if (state.firstDraw === null) { state.firstDraw = performance.now(); }
  });
  network.fit({animation: false});
  var touched = false;
  network.on("zoom", function () { touched = true; });
  network.on("dragStart", function () { touched = true; });
  if (window.ResizeObserver) {
    new ResizeObserver(function () { if (!touched) { network.fit({animation: false}); } }).observe(container);
  }

  // --- the side panel: the node's profile, built with textContent ---------------------------------
  var panel = document.getElementById("ikg-panel");
  var panelTitle = document.getElementById("ikg-panel-title");
  var panelBody = document.getElementById("ikg-panel-body");
  function openPanel(id) {
    if (!panel) { return; }
    var n = data.nodes[id];
    panelTitle.textContent = n[1];
    while (panelBody.firstChild) { panelBody.removeChild(panelBody.firstChild); }
    var facts = data.facts[id];
    facts.forEach(function (fact) {
      var dt = document.createElement("dt");
      dt.textContent = fact[0];
      var dd = document.createElement("dd");
      if (!fact[1].length) {
        dd.textContent = "\u2013";
      } else if (fact[1].length === 1) {
        dd.textContent = fact[1][0];
      } else {
        var ul = document.createElement("ul");
        fact[1].forEach(function (item) {
          var li = document.createElement("li");
          li.textContent = item;
          ul.appendChild(li);
        });
        dd.appendChild(ul);
      }
      panelBody.appendChild(dt);
      panelBody.appendChild(dd);
    });
    panel.hidden = false;
    network.selectNodes([id], false);
    panelTitle.focus();
  }
  state.openPanel = openPanel;
  var closeButton = document.getElementById("ikg-panel-close");
  function closePanel() {
    panel.hidden = true;
    frame.focus();
  }
  if (closeButton) { closeButton.addEventListener("click", closePanel); }
  if (panel) {
    panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { closePanel(); } });
  }
  network.on("click", function (params) {
    if (params.nodes.length) { state.focused = params.nodes[0]; openPanel(params.nodes[0]); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-node]"), function (b) {
    b.addEventListener("click", function () {
      var id = Number(b.getAttribute("data-node"));
      focusNode(id);
      openPanel(id);
    });
  });

  // --- keyboard: Tab into the network, arrows move between nodes, Enter opens the panel ----------
  function focusNode(id) {
    state.focused = id;
    if (card) { card.textContent = data.nodes[id][2]; }
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    if (p.x < 0 || p.y < 0 || p.x > container.clientWidth || p.y > container.clientHeight) {
      network.moveTo({position: network.getPositions([id])[id], animation: false});
    }
    network.redraw();
  }
  state.focusNode = focusNode;
  function visible(id) { return !nodes.get(id).hidden; }
  function step(dx, dy) {
    var pos = network.getPositions(), from = pos[state.focused], best = null, bestScore = Infinity;
    Object.keys(pos).forEach(function (key) {
      var id = Number(key);
      if (id === state.focused || !visible(id)) { return; }
      var vx = pos[key].x - from.x, vy = pos[key].y - from.y;
      var along = vx * dx + vy * dy, across = Math.abs(vx * dy - vy * dx);
      if (along <= 0) { return; }
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = id; }
    });
    return best;
  }
  function firstVisible() {
    for (var i = 0; i < rank.length; i++) { if (visible(rank[i])) { return rank[i]; } }
    return null;
  }
  frame.addEventListener("focus", function () {
    if (state.focused === null || !visible(state.focused)) {
      var first = firstVisible();
      if (first !== null) { focusNode(first); }
    } else if (card) {
      card.textContent = data.nodes[state.focused][2];
    }
  });
  frame.addEventListener("blur", function () { if (card) { card.textContent = ""; } });
  var moves = {ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1]};
  frame.addEventListener("keydown", function (ev) {
    if (state.focused === null) { return; }
    var next = null;
    if (moves[ev.key]) {
      next = step(moves[ev.key][0], moves[ev.key][1]);
    } else if (ev.key === "Home") {
      next = firstVisible();
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      openPanel(state.focused);
      return;
    } else if (ev.key === "Escape") {
      network.unselectAll();
      return;
    } else {
      return;
    }
    ev.preventDefault();
    if (next !== null) { focusNode(next); }
  });

  // --- search, physics, colour by, filters ---------------------------------------------------------
  var status = document.getElementById("ikg-status");
  var found = [];
  function search(text) {
    var q = String(text).trim().toLowerCase();
    found = [];
    if (q) {
      for (var i = 0; i < haystack.length; i++) {
        if (haystack[i].indexOf(q) >= 0 && !nodes.get(i).hidden) { found.push(i); }
      }
    }
    network.selectNodes(found, false);
    if (status) {
      var words = found.length === 1 ? data.match : data.matches;
      status.textContent = q ? words.split("{n}").join(found.length.toLocaleString(data.lang)) : "";
    }
    return found.slice();
  }
  state.search = search;
  var input = document.getElementById("ikg-search");
  if (input) {
    input.addEventListener("input", function () { search(input.value); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && found.length) { network.fit({nodes: found, animation: false}); }
    });
  }
  var physics = document.getElementById("ikg-physics");
  if (physics) {
    physics.checked = data.physics;
    physics.addEventListener("change", function () {
      network.setOptions({physics: {enabled: physics.checked}});
    });
  }
  function colorBy(mode) {
    state.mode = mode;
    nodes.update(data.nodes.map(function (n, i) {
      var st = look(n);
      return {id: i, shape: st.shape, color: st.color, hidden: false};
    }));
    Array.prototype.forEach.call(document.querySelectorAll("ul[data-mode]"), function (ul) {
      ul.hidden = ul.getAttribute("data-mode") !== mode;
    });
    Array.prototype.forEach.call(document.querySelectorAll("input[data-cat], input[data-kind]"), function (box) {
      if (box.getAttribute("data-set") !== "edge") { box.checked = true; }
    });
  }
  state.colorBy = colorBy;
  var select = document.getElementById("ikg-color-by");
  if (select) {
    select.value = data.mode;
    select.addEventListener("change", function () { colorBy(select.value); });
  }
  function setHidden(set, test, hidden) {
    var changes = [];
    set.forEach(function (item) { if (test(item)) { changes.push({id: item.id, hidden: hidden}); } });
    set.update(changes);
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kind]"), function (box) {
    box.addEventListener("change", function () {
      var set = box.getAttribute("data-set") === "edge" ? edges : nodes, kind = box.getAttribute("data-kind");
      setHidden(set, function (item) { return item.kind === kind; }, !box.checked);
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-cat]"), function (box) {
    box.addEventListener("change", function () {
      var k = data.modes.indexOf(box.getAttribute("data-mode-of"));
      var cat = Number(box.getAttribute("data-cat"));
      setHidden(nodes, function (item) {
        var c = data.nodes[item.id][8];
        return c.length > 0 && c[k] === cat;
      }, !box.checked);
    });
  });
}());
""".strip()
