// Counts the words of an answer as it is typed, toward the program's minimum (data-min-words). The server
// counts again when the post is saved; this only shows how far along the writer is.
(function () {
  "use strict";
  var WORD = /[\p{L}\p{N}][\p{L}\p{N}_'\u2019-]*/gu;
  function count(text) { return (text.match(WORD) || []).length; }
  document.querySelectorAll("textarea[data-min-words]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("aria-describedby"));
    var min = parseInt(area.getAttribute("data-min-words"), 10) || 0;
    if (!out) { return; }
    function update() {
      var n = count(area.value);
      var words = n + " word" + (n === 1 ? "" : "s");
      if (!min) { out.textContent = words + "."; return; }
      out.textContent = n >= min ? words + ": you have reached the minimum of " + min + "."
        : words + " of at least " + min + ": " + (min - n) + " to go.";
      out.classList.toggle("reached", n >= min);
    }
    area.addEventListener("input", update);
    update();
  });
})();
