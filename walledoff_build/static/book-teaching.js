/* Teaching and citing (walledoff_build: citebox.py, anchors.py):
   - copy buttons in the cite box (shown only when this script runs);
   - moved anchors: if the page's #anchor no longer exists and the book's
     redirect map (teaching/redirects.yml) names its new anchor, go there. */
(function () {
  "use strict";

  function setUpCopyButtons() {
    document.querySelectorAll(".book-cite-actions").forEach(function (actions) {
      if (!navigator.clipboard) { return; }
      actions.hidden = false;
      var status = actions.querySelector(".book-cite-status");
      actions.querySelectorAll("button.book-cite-copy").forEach(function (button) {
        button.addEventListener("click", function () {
          var source = document.getElementById(button.getAttribute("data-copy"));
          if (!source) { return; }
          navigator.clipboard.writeText(source.textContent.trim()).then(function () {
            status.textContent = button.textContent.replace("Copy ", "") + " copied.";
          }, function () {
            status.textContent = "Could not copy: select the text and copy it by hand.";
          });
        });
      });
    });
  }

  function followMovedAnchor() {
    var node = document.getElementById("book-anchor-redirects");
    var hash = decodeURIComponent(window.location.hash.slice(1));
    if (!node || !hash || document.getElementById(hash)) { return; }
    var moved = JSON.parse(node.textContent)[hash];
    if (moved && document.getElementById(moved)) {
      window.location.replace("#" + moved);
    }
  }

  function start() {
    setUpCopyButtons();
    followMovedAnchor();
    window.addEventListener("hashchange", followMovedAnchor);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
