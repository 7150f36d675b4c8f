// Draws a network of reports and shared indicators as SVG, laid out by a small force
// simulation. The data comes from a <script type="application/json"> block; every text is set
// with textContent, never as HTML.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }

  // A seeded random source, so the same network is drawn the same way every time.
  function random(seed) {
    let state = seed >>> 0 || 1;
    return () => {
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      return ((state >>> 0) % 100000) / 100000;
    };
  }

  function layout(nodes, links, width, height) {
    const rand = random(nodes.length * 7919 + links.length);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    for (const n of nodes) {
      n.x = width / 2 + (rand() - 0.5) * width * 0.8;
      n.y = height / 2 + (rand() - 0.5) * height * 0.8;
      n.vx = 0; n.vy = 0;
    }
    const edges = links
      .map((l) => [index.get(l.source), index.get(l.target)])
      .filter(([a, b]) => a !== undefined && b !== undefined);
    const area = width * height;
    const k = Math.min(Math.sqrt(area / Math.max(nodes.length, 1)) * 0.6, 110);
    const rounds = nodes.length > 250 ? 180 : 300;
    for (let round = 0; round < rounds; round++) {
      const cooling = 1 - round / rounds;
      for (let i = 0; i < nodes.length; i++) {
        const a = nodes[i];
        for (let j = i + 1; j < nodes.length; j++) {
          const b = nodes[j];
          let dx = a.x - b.x, dy = a.y - b.y;
          let d2 = dx * dx + dy * dy;
          if (d2 < 0.01) { dx = rand() - 0.5; dy = rand() - 0.5; d2 = 0.25; }
          const force = (k * k) / d2;
          a.vx += dx * force; a.vy += dy * force;
          b.vx -= dx * force; b.vy -= dy * force;
        }
      }
      for (const [i, j] of edges) {
        const a = nodes[i], b = nodes[j];
        const dx = a.x - b.x, dy = a.y - b.y;
        const d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        const force = (d - k * 0.8) / d * 0.5;
        a.vx -= dx * force; a.vy -= dy * force;
        b.vx += dx * force; b.vy += dy * force;
      }
      for (const n of nodes) {
        n.vx += (width / 2 - n.x) * 0.03;
        n.vy += (height / 2 - n.y) * 0.03;
        const speed = Math.sqrt(n.vx * n.vx + n.vy * n.vy) || 1;
        const step = Math.min(speed, 12 * cooling + 0.5);
        n.x += (n.vx / speed) * step;
        n.y += (n.vy / speed) * step;
        n.vx *= 0.5; n.vy *= 0.5;
      }
    }
    fit(nodes, width, height);
    return edges;
  }

  // Scales and moves the layout (same factor on both axes) into the drawing, leaving room on
  // the right for labels; a small network is not blown up beyond twice its natural size.
  function fit(nodes, width, height) {
    const pad = 24, labelRoom = 170;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const n of nodes) {
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    }
    const spanX = Math.max(maxX - minX, 1), spanY = Math.max(maxY - minY, 1);
    const scale = Math.min((width - 2 * pad - labelRoom) / spanX, (height - 2 * pad) / spanY, 2);
    const offsetX = pad + (width - 2 * pad - labelRoom - spanX * scale) / 2;
    const offsetY = pad + (height - 2 * pad - spanY * scale) / 2;
    for (const n of nodes) {
      n.x = offsetX + (n.x - minX) * scale;
      n.y = offsetY + (n.y - minY) * scale;
    }
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  function draw(container, data) {
    // One drawing unit per CSS pixel, so labels keep their size on a tablet.
    const width = Math.max(container.clientWidth || 1000, 320);
    const height = Math.max(container.clientHeight || 500, 240);
    const nodes = data.nodes.map((n) => Object.assign({}, n));
    const edges = layout(nodes, data.links, width, height);
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, "aria-hidden": "false" });
    const lines = el("g", { class: "links" });
    for (const [i, j] of edges) {
      lines.appendChild(el("line", { x1: nodes[i].x, y1: nodes[i].y, x2: nodes[j].x, y2: nodes[j].y }));
    }
    svg.appendChild(lines);
    const group = el("g", { class: "nodes" });
    const showLabels = nodes.length <= 120;
    for (const n of nodes) {
      const link = el("a", {
        href: n.url,
        class: n.type === "report" ? "node-report" + (n.seed ? " seed" : "") : "node-indicator",
        "data-node": n.type === "report" ? n.reference : n.kind + ":" + n.label,
      });
      const title = el("title");
      title.textContent = n.type === "report"
        ? `${n.reference} · ${n.scam_type} · ${n.status}${n.country ? " · " + n.country : ""}`
        : `${n.kind}: ${n.label}`;
      link.appendChild(title);
      if (n.type === "report") {
        link.appendChild(el("circle", { cx: n.x, cy: n.y, r: n.seed ? 10 : 7 }));
      } else {
        link.appendChild(el("rect", { x: n.x - 6, y: n.y - 6, width: 12, height: 12, rx: 2 }));
      }
      if (showLabels) {
        const label = el("text", { x: n.x + 12, y: n.y + 4 });
        label.textContent = shorten(n.type === "report" ? n.reference : n.label, 28);
        link.appendChild(label);
      }
      group.appendChild(link);
    }
    svg.appendChild(group);
    container.replaceChildren(svg);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const container of document.querySelectorAll("[data-graph]")) {
      const source = document.getElementById(container.dataset.graph);
      if (!source) continue;
      let data;
      try { data = JSON.parse(source.textContent); } catch (error) { continue; }
      if (!data || !Array.isArray(data.nodes) || data.nodes.length === 0) continue;
      draw(container, data);
      container.dataset.drawn = String(data.nodes.length);
    }
  });
})();
