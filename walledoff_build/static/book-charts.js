/* Draw the book's charts with the Vega runtime the book serves itself.

   Each figure carries its Vega spec in a <script type="application/json">
   and a static SVG image that stays visible until the live chart is drawn
   (and for good if anything here fails, or for print).

   The Vega bundle (about 300 KB compressed) is fetched only when a chart
   comes near the screen, so a reader who never scrolls to a chart, or a
   phone on a slow network, does not pay for it up front. */
(function () {
  "use strict";

  var script = document.currentScript;
  var bundleUrl = new URL(script.getAttribute("data-vega"), script.src).href;
  var loading = null;

  /* Load the Vega bundle once; resolve with window.vegaEmbed. */
  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve(window.vegaEmbed);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = bundleUrl;
        tag.onload = function () {
          if (window.vegaEmbed) resolve(window.vegaEmbed);
          else reject(new Error("the Vega bundle loaded but defined no vegaEmbed"));
        };
        tag.onerror = function () { reject(new Error("could not load " + bundleUrl)); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  /* Draw one chart over its static image, then swap the two. */
  function drawChart(figure) {
    if (figure.getAttribute("data-chart-state")) return;
    figure.setAttribute("data-chart-state", "loading");
    var specNode = figure.querySelector("script.book-chart-spec");
    var canvas = figure.querySelector(".book-chart-canvas");
    var staticView = figure.querySelector(".book-chart-static");
    loadVega()
      .then(function (vegaEmbed) {
        var live = document.createElement("div");
        live.className = "book-chart-live";
        canvas.appendChild(live);
        var options = {
          mode: "vega",
          renderer: "svg",
          actions: { export: true, source: false, compiled: false, editor: false },
          i18n: { SVG_ACTION: "Save as SVG", PNG_ACTION: "Save as PNG" }
        };
        return vegaEmbed(live, JSON.parse(specNode.textContent), options).then(function () {
          nameChartMenu(figure);
          figure.classList.add("is-live");
          figure.setAttribute("data-chart-state", "live");
          staticView.setAttribute("aria-hidden", "true");
        });
      })
      .catch(function (error) {
        figure.setAttribute("data-chart-state", "static");
        var live = canvas.querySelector(".book-chart-live");
        if (live) live.remove();
        console.error("book chart " + figure.id + " shows its static image: " + error);
      });
  }

  /* Vega-Embed's menu button is an icon only: give it a name (WCAG 4.1.2). */
  function nameChartMenu(figure) {
    var summary = figure.querySelector(".vega-embed details > summary");
    if (summary) {
      var title = figure.querySelector(".book-chart-title");
      summary.setAttribute("aria-label", "Save this chart as an image" +
        (title ? ": " + title.textContent : ""));
    }
  }

  /* A chart inside a closed <details> (a collapsed worked answer) has no
     width yet: draw it when the reader opens it. */
  function drawWhenOpen(figure) {
    var closed = figure.closest("details:not([open])");
    if (!closed) {
      drawChart(figure);
      return;
    }
    closed.addEventListener("toggle", function onToggle() {
      if (closed.open) {
        closed.removeEventListener("toggle", onToggle);
        drawWhenOpen(figure);
      }
    });
  }

  function start() {
    var figures = document.querySelectorAll("[data-book-chart]");
    if (!("IntersectionObserver" in window)) {
      figures.forEach(drawWhenOpen);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          drawWhenOpen(entry.target);
        }
      });
    }, { rootMargin: "400px 0px" });
    figures.forEach(function (figure) { observer.observe(figure); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
