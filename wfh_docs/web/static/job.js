/* A batch's page: asks the server for the batch's state until it is done. */
"use strict";
(function () {
  var T = JSON.parse(document.getElementById("texts").textContent);
  var box = document.getElementById("job");
  var url = box.getAttribute("data-status");
  function $(id) { return document.getElementById(id); }
  function poll() {
    fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      $("job-state").textContent = s.state_text;
      var progress = $("job-progress");
      progress.max = Math.max(s.total, 1);
      progress.value = s.state === "done" ? progress.max : s.done;
      $("job-count").textContent = s.total ? wfh.format(T.count, { done: s.done, total: s.total }) : "";
      if (s.state === "queued" || s.state === "running") { setTimeout(poll, 700); return; }
      if (s.error) { $("job-error").hidden = false; $("job-error").textContent = s.error; }
      if (s.note) { $("job-note").hidden = false; $("job-note").textContent = s.note; }
      if (s.state === "done") {
        $("job-summary").hidden = false;
        $("job-summary").textContent = wfh.format(T.summary, s.counts);
      }
      if (s.zip) { $("job-download").hidden = false; $("job-zip").href = s.zip; }
      var rows = $("job-rows");
      rows.textContent = "";
      s.failed_rows.forEach(function (row) {
        rows.appendChild(wfh.el("tr", {}, [wfh.el("td", { text: row.source }), wfh.el("td", { text: row.message })]));
      });
      $("job-failed").hidden = s.failed_rows.length === 0;
      s.warnings.forEach(function (w) { $("job-warnings").appendChild(wfh.el("li", { text: w })); });
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
