/* Draw every book chart with the Vega bundle the book serves itself.
   Each figure carries its Vega-Lite spec in a <script type="application/json">
   and a static SVG that stays visible if anything here fails. */
(function () {
  "use strict";

  function drawChart(figure) {
    var specNode = figure.querySelector("script.book-chart-spec");
    var canvas = figure.querySelector(".book-chart-canvas");
    var staticView = figure.querySelector(".book-chart-static");
    if (!specNode || !canvas || typeof window.vegaEmbed !== "function") {
      console.error("book chart " + figure.id + ": Vega is not available; showing the static chart");
      return;
    }
    var live = document.createElement("div");
    live.className = "book-chart-live";
    canvas.appendChild(live);
    var options = {
      renderer: "svg",
      actions: { export: true, source: false, compiled: false, editor: false },
      i18n: { SVG_ACTION: "Save as SVG", PNG_ACTION: "Save as PNG" }
    };
    window.vegaEmbed(live, JSON.parse(specNode.textContent), options)
      .then(function () {
        figure.classList.add("is-live");
        staticView.setAttribute("aria-hidden", "true");
      })
      .catch(function (error) {
        live.remove();
        console.error("book chart " + figure.id + " failed to draw: " + error);
      });
  }

  /* A chart inside a closed <details> (a collapsed worked answer) has no
     width yet: draw it when the reader opens it. */
  function drawWhenVisible(figure) {
    var closed = figure.closest("details:not([open])");
    if (!closed) {
      drawChart(figure);
      return;
    }
    closed.addEventListener("toggle", function onToggle() {
      if (closed.open) {
        closed.removeEventListener("toggle", onToggle);
        drawWhenVisible(figure);
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("figure[data-book-chart]").forEach(drawWhenVisible);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
