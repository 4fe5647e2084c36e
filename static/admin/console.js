// Loyalty console: confirm dialogs, the folding menu, and background-task progress polling.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("sidenav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    document.querySelectorAll("[data-task-url]").forEach(watchTask);
    document.querySelectorAll("img[data-preview-of]").forEach(previewUpload);
  });

  // Show a chosen picture before it is uploaded (as a data: URL, which the CSP allows).
  function previewUpload(img) {
    var input = document.querySelector("input[name=" + img.getAttribute("data-preview-of") + "]");
    if (!input) { return; }
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) { return; }
      var reader = new FileReader();
      reader.onload = function () { img.src = reader.result; img.hidden = false; };
      reader.readAsDataURL(file);
    });
  }

  function watchTask(box) {
    var url = box.getAttribute("data-task-url");
    var bar = box.querySelector(".progress-bar");
    var status = box.querySelector(".task-status");
    var count = box.querySelector(".task-count");
    var error = box.querySelector(".task-error");
    var download = box.querySelector(".task-download");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (t) {
          bar.style.width = (t.percent || 0) + "%";
          status.textContent = t.status_label;
          status.setAttribute("data-status", t.status);
          count.textContent = t.done + (t.total === null ? "" : " / " + t.total);
          if (t.error) { error.textContent = t.error; error.hidden = false; }
          if (t.download_url) { download.href = t.download_url; download.hidden = false; }
          if (t.status === "queued" || t.status === "running") { setTimeout(poll, 700); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    var initial = status.getAttribute("data-status");
    if (initial === "queued" || initial === "running") { poll(); }
  }
})();
