/* Javon readers: progressive enhancement only; every reader page works without this file.
   PDF: continuous scroll, lazy page images, a selectable transparent text layer, highlights.
   All kinds: the reading position is kept in localStorage. No framework, no dependencies. */
(function () {
  "use strict";
  var root = document.getElementById("reader");
  if (!root) return;
  var kind = root.dataset.kind;
  var key = root.dataset.positionKey;
  var q = root.dataset.q || "";

  function load() {
    var local;
    try { local = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { local = null; }
    return sync ? sync.newer(local) : local;  // a signed-in reader's later place on another device
  }
  function save(value) {
    value.at = Date.now();
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: no memory */ }
    if (sync) sync.push(value);
  }
  function pageUrl(page) {
    var url = new URL(window.location.href);
    url.searchParams.set("page", page);
    url.searchParams.delete("viewer");
    return url.pathname + url.search;
  }

  function paged() {
    var page = +root.dataset.page;
    var saved = load();
    if (!root.dataset.explicit && saved && saved.page && saved.page !== page && saved.page <= +root.dataset.count) {
      window.location.replace(pageUrl(saved.page));
      return;
    }
    save({ page: page });
    var mark = root.querySelector("article mark");
    if (mark) mark.scrollIntoView({ block: "center" });
  }

  function media() {
    var player = root.querySelector("audio, video");
    if (!player) return;
    var saved = load();
    player.addEventListener("loadedmetadata", function () {
      if (saved && saved.time > 0 && saved.time < player.duration - 5) player.currentTime = saved.time;
    });
    var last = 0;
    player.addEventListener("timeupdate", function () {
      if (Math.abs(player.currentTime - last) >= 5) { last = player.currentTime; save({ time: last }); }
    });
  }

  function pdf() {
    var holder = root.querySelector(".pdf-pages");
    var sizesNode = document.getElementById("reader-sizes");
    if (!holder || !sizesNode || !("IntersectionObserver" in window)) return;
    var sizes = JSON.parse(sizesNode.textContent);
    var base = holder.dataset.base;
    var widths = holder.dataset.widths.split(",").map(Number);
    var width = +holder.dataset.defaultWidth;
    var count = sizes.length;
    var current = +root.dataset.page;
    var saved = load();
    if (!root.dataset.explicit && saved && saved.page >= 1 && saved.page <= count) current = saved.page;
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = "100px sans-serif";

    holder.textContent = "";
    root.classList.add("continuous");
    var figures = [];
    for (var n = 1; n <= count; n++) {
      var figure = document.createElement("figure");
      figure.className = "pdf-page";
      figure.id = "page-" + n;
      figure.dataset.page = n;
      figure.style.aspectRatio = sizes[n - 1][0] + " / " + sizes[n - 1][1];
      holder.appendChild(figure);
      figures.push(figure);
    }

    function fill(figure) {
      var n = +figure.dataset.page;
      var size = sizes[n - 1];
      var img = document.createElement("img");
      img.alt = holder.dataset.alt.replace("%N", n);
      img.width = width;
      img.height = Math.round(width * size[1] / size[0]);
      img.decoding = "async";
      img.sizes = "(max-width: 52rem) 100vw, 50rem";
      img.srcset = widths.map(function (w) { return base + n + ".webp?w=" + w + " " + w + "w"; }).join(", ");
      img.src = base + n + ".webp?w=" + width;
      figure.appendChild(img);
      fetch(base + n + ".json" + (q ? "?q=" + encodeURIComponent(q) : ""), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (layer) { if (layer) textLayer(figure, layer); })
        .catch(function () { /* no text layer: the image still reads */ });
    }

    function textLayer(figure, layer) {
      var div = document.createElement("div");
      div.className = "text-layer";
      var aspect = layer.width / layer.height;
      layer.words.forEach(function (word) {
        var span = document.createElement("span");
        var h = word[4];
        span.textContent = word[0] + " ";
        span.style.left = word[1] * 100 + "%";
        span.style.top = word[2] * 100 + "%";
        // Font size in container units (figure height); the horizontal stretch that makes the
        // word as wide as its box does not change with zoom, so it is computed once.
        span.style.fontSize = "calc(" + (h * 0.87).toFixed(5) + " * 100cqh)";
        var natural = measure.measureText(word[0]).width / 100;
        if (natural > 0 && h > 0) span.style.transform = "scaleX(" + ((word[3] / h) * aspect / (0.87 * natural)).toFixed(4) + ")";
        div.appendChild(span);
      });
      layer.hits.forEach(function (box) {
        var mark = document.createElement("mark");
        mark.className = "hit";
        mark.style.left = box[0] * 100 + "%";
        mark.style.top = box[1] * 100 + "%";
        mark.style.width = box[2] * 100 + "%";
        mark.style.height = box[3] * 100 + "%";
        div.appendChild(mark);
      });
      figure.appendChild(div);
    }

    var loader = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { loader.unobserve(entry.target); fill(entry.target); }
      });
    }, { rootMargin: "100% 0px" });

    var visible = {};
    var inputs = root.querySelectorAll(".goto");
    var tracker = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { visible[entry.target.dataset.page] = entry.intersectionRatio; });
      var best = current, ratio = -1;
      Object.keys(visible).forEach(function (p) { if (visible[p] > ratio) { ratio = visible[p]; best = +p; } });
      if (ratio > 0 && best !== current) {
        current = best;
        save({ page: current });
        history.replaceState(null, "", pageUrl(current));
        inputs.forEach(function (input) { input.value = current; });
      }
    }, { threshold: [0, 0.25, 0.5, 0.75, 1] });

    figures.forEach(function (f) { loader.observe(f); tracker.observe(f); });

    function go(page) {
      page = Math.min(Math.max(page, 1), count);
      figures[page - 1].scrollIntoView();
    }
    root.querySelectorAll(".reader-pager").forEach(function (nav) {
      var prev = nav.querySelector("[rel=prev]"), next = nav.querySelector("[rel=next]");
      if (prev) prev.addEventListener("click", function (e) { e.preventDefault(); go(current - 1); });
      if (next) next.addEventListener("click", function (e) { e.preventDefault(); go(current + 1); });
      var form = nav.querySelector("form");
      if (form) form.addEventListener("submit", function (e) { e.preventDefault(); go(+form.elements.page.value); });
    });
    save({ page: current });
    go(current);
  }

  /* --- Signed-in readers: the reading position across devices (javon.shelf) ---------------
     The page carries the server's position (#reader-progress); load() prefers it when it is
     later than this browser's. Turns are sent to PUT /api/v1/me/progress/{work} (debounced,
     flushed when the page is left); when the page is shown again (back, another tab) the
     position is asked with GET and followed if another device has moved on since. */
  var sync = (function () {
    var node = document.getElementById("reader-sync");
    if (!node || !window.fetch) return null;
    var fileId = +node.dataset.file, unit = node.dataset.unit, url = node.dataset.url;
    var server = null, pending = null, timer = 0;
    try { server = JSON.parse(document.getElementById("reader-progress").textContent); } catch (e) { server = null; }

    function serverPlace(record) {
      if (!record || record.file_id !== fileId || kind === "audio" || kind === "video") return null;
      var number = record.page || record.chapter;
      return number ? { page: number, at: Date.parse(record.updated) } : null;
    }
    function newer(local) {
      var there = serverPlace(server);
      return there && (!local || !local.at || local.at < there.at) ? there : local;
    }
    function body(value) {
      var data = { file_id: fileId, updated: new Date(value.at).toISOString() };
      var count = +root.dataset.count, player = root.querySelector("audio, video");
      if (value.time !== undefined) {
        data.page = 1;
        if (player && player.duration) data.fraction = Math.min(value.time / player.duration, 1);
      } else {
        data[unit === "chapter" ? "chapter" : "page"] = value.page;
        if (count) data.fraction = Math.min(value.page / count, 1);
      }
      return JSON.stringify(data);
    }
    function send() {
      clearTimeout(timer);
      if (!pending) return;
      var data = body(pending);
      pending = null;
      fetch(url, {
        method: "PUT", body: data, keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": node.dataset.csrf }
      }).catch(function () { /* offline: this browser still remembers */ });
    }
    function push(value) {
      var mark = document.getElementById("bookmark-page");
      if (mark && value.page) mark.value = value.page;  // the bookmark form marks the page in view
      pending = value;
      clearTimeout(timer);
      timer = setTimeout(send, 2000);
    }
    function follow() {
      if (document.visibilityState !== "visible") return;
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (record) {
          var there = serverPlace(record), local = null;
          try { local = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { local = null; }
          if (!there || (local && local.at >= there.at)) return;
          server = record;
          var figure = document.getElementById("page-" + there.page);
          if (figure) figure.scrollIntoView();
          else if (there.page !== +root.dataset.page) window.location.replace(pageUrl(there.page));
        })
        .catch(function () { /* offline: stay where we are */ });
    }
    window.addEventListener("pagehide", send);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") send(); else follow(); });
    window.addEventListener("pageshow", function (e) { if (e.persisted) follow(); });
    return { newer: newer, push: push };
  })();

  if (kind === "pdf") pdf();
  else if (kind === "audio" || kind === "video") media();
  else paged();
})();
