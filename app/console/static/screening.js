// Live criteria: as the coordinator types, post the screening form to the console's criteria
// endpoint (it judges and never writes) and swap in the returned panel. Without this script
// the page works the same through its "Check criteria" and "Save" buttons.
(function () {
  "use strict";
  var form = document.getElementById("screening-form");
  var panel = document.getElementById("criteria");
  if (!form || !panel || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-criteria-url");
  var status = document.getElementById("criteria-status");
  var timer = null;
  var latest = 0;

  function refresh() {
    var mine = ++latest;
    fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      // A redirect means the session ended (the login page): keep the panel as it is.
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== latest) { return; }
        panel.innerHTML = html;
        // Announce only the verdict, not the whole table, to screen-reader users.
        var verdict = panel.querySelector(".verdict .badge");
        if (status && verdict) { status.textContent = verdict.textContent; }
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
