/* The check page: files dropped on the form go into its file field. */
"use strict";
(function () {
  var drop = document.getElementById("drop"), input = document.getElementById("files");
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (ev) {
    ev.preventDefault();
    if (ev.dataTransfer && ev.dataTransfer.files.length) input.files = ev.dataTransfer.files;
  });
})();
