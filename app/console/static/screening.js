// Live criteria: as the coordinator types, post the screening form to the console's criteria
// endpoint (it judges and never writes) and swap in the returned panel. Without this script
// the page works the same through its "Check criteria" and "Save" buttons.
(function () {
  "use strict";
  var form = document.getElementById("screening-form");
  var panel = document.getElementById("criteria");
  if (!form || !panel || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-criteria-url");
  var timer = null;
  var latest = 0;

  function refresh() {
    var mine = ++latest;
    fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && mine === latest) { panel.innerHTML = html; }
      })
      .catch(function () { /* offline or signed out: the buttons still work */ });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 350);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
