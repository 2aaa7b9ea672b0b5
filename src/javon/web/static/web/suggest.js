// Titles and authors as the reader types, from /api/v1/suggest, offered through the search
// box's <datalist>: the browser draws the list and keyboard use comes for free. Without
// JavaScript the search box simply works as a plain form.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggest");
  if (!input || !list || !window.fetch) return;
  var timer = 0, last = "", controller = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value;
      if (text.length < 2 || text === last) return;
      last = text;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), controller ? {signal: controller.signal} : {})
        .then(function (r) { return r.ok ? r.json() : {works: [], authors: []}; })
        .then(function (data) {
          list.textContent = "";
          data.authors.concat(data.works).forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.title || item.name;
            if (item.creators && item.creators.length) option.label = item.creators.join("; ");
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
