/* The compose page: the letter as a form laid out like the letter, lists that grow, checked
   against the server's validation as the clerk types (debounced), previewed, downloaded. */
"use strict";
(function () {
  var T = JSON.parse(document.getElementById("texts").textContent);
  var f = wfh.format, el = wfh.el;
  var form = document.getElementById("letter-form");
  var KINDS = JSON.parse(document.getElementById("kinds").textContent);
  var LISTS = { recipients: "recipient", cc: "cc", bases: "basis" };
  var model = { recipients: [""], cc: [], bases: [""], body: [""], appendices: [] };
  var base = {};
  var touched = {};
  var showAll = false;
  var problems = [];
  var sequence = 0;
  var timer = null;

  function clone(value) { return JSON.parse(JSON.stringify(value)); }
  function get(obj, path) {
    return path.split(".").reduce(function (node, key) {
      return node && typeof node === "object" ? node[key] : undefined;
    }, obj);
  }
  function set(obj, path, value) {
    var keys = path.split("."), node = obj;
    keys.slice(0, -1).forEach(function (key) {
      if (!node[key] || typeof node[key] !== "object") node[key] = {};
      node = node[key];
    });
    node[keys[keys.length - 1]] = value;
  }
  function del(obj, path) {
    var keys = path.split("."), node = get(obj, keys.slice(0, -1).join(".")) ;
    if (keys.length === 1) node = obj;
    if (node && typeof node === "object") delete node[keys[keys.length - 1]];
  }
  function list(value, fallback) { return Array.isArray(value) ? clone(value) : fallback; }
  function shownDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : value;
  }
  function scalars() { return form.querySelectorAll("[data-path]"); }

  // --- the kind of document: the fields it has shown, the others hidden and left out ---------

  function kindId() { return document.getElementById("f-type").value || "cong-van"; }
  function kind() { return KINDS[kindId()] || KINDS["cong-van"]; }
  function applyKind() {
    var k = kind(), tokens = [kindId(), k.layout, k.subject ? "subject" : ""];
    form.querySelectorAll("[data-kinds]").forEach(function (box) {
      box.hidden = !box.getAttribute("data-kinds").split(" ").some(function (t) { return tokens.indexOf(t) >= 0; });
    });
    var vv = k.layout === "cong-van";
    document.querySelector('label[for="f-subject"]').textContent = vv ? T.subject_vv : T.subject_named;
    document.getElementById("f-subject-hint").textContent = vv ? T.subject_vv_hint : T.subject_named_hint;
  }
  function visible(node) {
    var box = node.closest("[data-kinds]"), copy = node.closest("[data-copy]");
    return (!box || !box.hidden) && (!copy || !copy.hidden);
  }
  function applyCopy() { document.querySelector("[data-copy]").hidden = !document.getElementById("f-copy-form").value; }

  // --- the letter in and out of the form ---------------------------------------------------

  function load(letter) {
    letter = letter && typeof letter === "object" ? letter : {};
    base = clone(letter);
    scalars().forEach(function (input) {
      var value = get(letter, input.getAttribute("data-path"));
      var path = input.getAttribute("data-path");
      if (path === "date" || path === "copy.date") value = shownDate(value);
      if (path === "copy.cc" && Array.isArray(value)) value = value.join("\n");
      value = value === undefined || value === null ? "" : String(value);
      if (input.tagName === "SELECT" && value && !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) {
        input.appendChild(el("option", { value: value, text: value }));  // as written: the server names a wrong one
      }
      input.value = value === "cong-van" && input.getAttribute("data-path") === "type" ? "" : value;
    });
    model.bases = list(letter.bases, [""]);
    model.recipients = list(letter.recipients, [""]);
    model.cc = list(letter.cc, []);
    model.body = list(letter.body, [""]);
    model.appendices = list(letter.appendices, []);
    renderAll();
    applyKind();
    applyCopy();
    sample();
  }

  function serialize() {
    var out = clone(base);
    ["recipients", "cc", "bases", "body", "appendices"].forEach(function (key) { delete out[key]; });
    scalars().forEach(function (input) {
      var path = input.getAttribute("data-path");
      del(out, path);
      if (!visible(input)) return;  // a part this kind has not
      var value = input.value.trim();
      if (value === "") return;
      if (input.getAttribute("data-kind") === "int" && /^[0-9]+$/.test(value)) value = parseInt(value, 10);
      if (path === "copy.cc") value = value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
      set(out, path, value);
    });
    var k = kind(), id = kindId();
    if (k.layout !== "minutes") delete out.secretary;
    if (!out.copy || !out.copy.form) delete out.copy;  // a copy is told by its hình thức sao
    if (id !== "quyet-dinh") delete out.attachment;
    if (id !== "giay-nghi-phep") delete out.confirmation;
    ["archive", "drafter", "secretary"].forEach(function (key) {
      if (out[key] && Object.keys(out[key]).length === 0) delete out[key];
    });
    if (!out.issuer) out.issuer = {};
    if (!out.signer) out.signer = {};
    var anyRecipient = model.recipients.some(function (r) { return r.trim() !== ""; });
    var needRecipients = k.layout === "cong-van" || k.layout === "telegram";
    if (visible(document.getElementById("recipients")) && (needRecipients || anyRecipient)) out.recipients = model.recipients.slice();
    if (visible(document.getElementById("bases")) && model.bases.some(function (b) { return b.trim() !== ""; })) out.bases = model.bases.slice();
    if (model.cc.length) out.cc = model.cc.slice();
    out.body = clone(model.body);
    if (model.appendices.length) out.appendices = clone(model.appendices);
    return out;
  }

  function sample() {
    var n = document.getElementById("f-number").value.trim();
    var a = document.getElementById("f-issuer-abbreviation").value.trim();
    var u = document.getElementById("f-issuer-unit").value.trim();
    if (/^[0-9]+$/.test(n) && n.length < 2) n = "0" + n;
    var abbr = kind().abbreviation;  // QĐ-UBND for a quyết định, SCT-VP for a công văn
    document.getElementById("number-sample").textContent = (n || "    ") + "/" + (abbr ? abbr + "-" + a : a + (u ? "-" + u : ""));
  }

  // --- lists that grow -----------------------------------------------------------------------

  function errBox(id, path) { return el("p", { class: "problem", id: id + "-err", "data-err": path }); }

  function removeButton(what, onClick) {
    return el("button", {
      type: "button", class: "small", text: T.remove,
      "aria-label": f(T.remove_item, { what: what }), on: { click: onClick },
    });
  }

  function renderStrings(key, textKey) {
    var box = document.getElementById(key);
    box.textContent = "";
    model[key].forEach(function (value, i) {
      var id = "f-" + key + "-" + i, path = "$." + key + "[" + i + "]";
      var name = f(T[textKey], { n: i + 1 });
      var input = el("input", {
        id: id, type: "text", value: value, autocomplete: "off", "aria-describedby": id + "-err",
        on: { input: function () { model[key][i] = input.value; touch(path); } },
      });
      var remove = removeButton(name, function () {
        model[key].splice(i, 1);
        renderStrings(key, textKey);
        changed();
        var next = document.getElementById("f-" + key + "-" + Math.min(i, model[key].length - 1));
        (next || document.querySelector('[data-add="' + key + '"]')).focus();
      });
      box.appendChild(el("div", { class: "item" }, [
        el("label", { for: id, text: name }), el("div", { class: "inline" }, [input, remove]), errBox(id, path),
      ]));
    });
  }

  function cellValue(text) { return /^-?(0|[1-9][0-9]{0,14})$/.test(text) ? parseInt(text, 10) : text; }

  function tableEditor(table, path, id, rerender) {
    table.columns = Array.isArray(table.columns) ? table.columns : [""];
    table.rows = Array.isArray(table.rows) ? table.rows : [];
    var head = el("tr", {}, [el("th", { scope: "col", text: "#" })]);
    table.columns.forEach(function (col, c) {
      var cid = id + "-col-" + c;
      var input = el("input", {
        id: cid, type: "text", value: col, autocomplete: "off",
        on: { input: function () { table.columns[c] = input.value; touch(path); } },
      });
      head.appendChild(el("th", { scope: "col" }, [el("label", { for: cid, id: cid + "-label", text: f(T.column, { c: c + 1 }) }), input]));
    });
    var body = el("tbody");
    table.rows.forEach(function (row, r) {
      var rowHead = el("th", { scope: "row", id: id + "-row-" + r, text: String(r + 1) });
      var tr = el("tr", {}, [rowHead]);
      table.columns.forEach(function (col, c) {
        var value = row[c] === undefined || row[c] === null ? "" : String(row[c]);
        var input = el("input", {
          id: id + "-" + r + "-" + c, type: "text", value: value, autocomplete: "off",
          "aria-labelledby": id + "-col-" + c + "-label " + rowHead.id,
          title: f(T.cell, { r: r + 1, c: c + 1 }),
          on: { input: function () { row[c] = cellValue(input.value); touch(path); } },
        });
        tr.appendChild(el("td", {}, [input]));
      });
      body.appendChild(tr);
    });
    function action(text, fn) {
      return el("button", { type: "button", class: "small", text: text, on: { click: function () { fn(); rerender(); changed(); } } });
    }
    return el("div", { class: "table-editor" }, [
      el("div", { class: "scroll" }, [el("table", {}, [el("thead", {}, [head]), body])]),
      el("p", {}, [
        action(T.add_row, function () { table.rows.push(table.columns.map(function () { return ""; })); }),
        action(T.add_column, function () {
          table.columns.push(T.new_column);
          table.rows.forEach(function (row) { row.push(""); });
          if (Array.isArray(table.widths)) table.widths.push(1);
        }),
        table.rows.length ? action(T.remove_row, function () { table.rows.pop(); }) : null,
        table.columns.length > 1 ? action(T.remove_column, function () {
          table.columns.pop();
          table.rows.forEach(function (row) { row.pop(); });
          if (Array.isArray(table.widths)) table.widths.pop();
        }) : null,
      ]),
    ]);
  }

  function renderBlocks(box, blocks, prefix, idPrefix) {
    box.textContent = "";
    function again() { renderBlocks(box, blocks, prefix, idPrefix); }
    blocks.forEach(function (block, i) {
      var id = idPrefix + "-" + i, path = prefix + "[" + i + "]";
      var item = el("div", { class: "item block" });
      var name;
      if (typeof block === "string") {
        name = f(T.paragraph, { n: i + 1 });
        var area = el("textarea", {
          id: id, rows: 3, "aria-describedby": id + "-err",
          on: { input: function () { blocks[i] = area.value; touch(path); } },
        });
        area.value = block;
        item.appendChild(el("label", { for: id, text: name }));
        item.appendChild(area);
      } else if (block && typeof block === "object" && "heading" in block) {
        name = f(T.heading, { n: i + 1 });
        var input = el("input", {
          id: id, type: "text", value: block.heading, autocomplete: "off", "aria-describedby": id + "-err",
          on: { input: function () { block.heading = input.value; touch(path); } },
        });
        var level = el("select", { id: id + "-level", on: { change: function () { block.level = parseInt(level.value, 10); touch(path); } } },
          [1, 2, 3].map(function (n) { return el("option", { value: String(n), text: T["level" + n] }); }));
        level.value = String(block.level || 1);
        item.appendChild(el("div", { class: "row" }, [
          el("div", { class: "field grow" }, [el("label", { for: id, text: name }), input]),
          el("div", { class: "field" }, [el("label", { for: id + "-level", text: f(T.level, { n: i + 1 }) }), level]),
        ]));
      } else if (block && typeof block === "object" && "table" in block) {
        name = f(T.table, { n: i + 1 });
        item.appendChild(el("p", { class: "block-title", text: name }));
        item.appendChild(tableEditor(block.table, path + ".table", id, again));
        item.appendChild(errBox(id + "-table", path + ".table"));
      } else {
        name = f(T.paragraph, { n: i + 1 });
        item.appendChild(el("p", { class: "block-title", text: name + ": " + JSON.stringify(block) }));
      }
      item.appendChild(errBox(id, path));
      item.appendChild(el("p", {}, [removeButton(name, function () { blocks.splice(i, 1); again(); changed(); })]));
      box.appendChild(item);
    });
    function add(text, make) {
      return el("button", {
        type: "button", text: text,
        on: { click: function () {
          blocks.push(make()); again(); changed();
          var added = document.getElementById(idPrefix + "-" + (blocks.length - 1)) ||
            document.getElementById(idPrefix + "-" + (blocks.length - 1) + "-col-0");
          if (added) added.focus();
        } },
      });
    }
    box.appendChild(el("p", { class: "adders" }, [
      add(T.add_paragraph, function () { return ""; }),
      add(T.add_heading, function () { return { heading: "", level: 1 }; }),
      add(T.add_table, function () { return { table: { columns: ["STT", T.new_column], rows: [["", ""]] } }; }),
    ]));
  }

  function renderAppendices() {
    var box = document.getElementById("appendices");
    box.textContent = "";
    model.appendices.forEach(function (appendix, i) {
      var id = "f-appendices-" + i, path = "$.appendices[" + i + "]";
      if (!Array.isArray(appendix.content)) appendix.content = [""];
      var title = el("textarea", {
        id: id + "-title", rows: 2, "aria-describedby": id + "-title-err",
        on: { input: function () { appendix.title = title.value; touch(path + ".title"); } },
      });
      title.value = appendix.title || "";
      var landscape = el("input", {
        id: id + "-landscape", type: "checkbox",
        on: { change: function () { if (landscape.checked) appendix.landscape = true; else delete appendix.landscape; touch(path); } },
      });
      landscape.checked = appendix.landscape === true;
      var content = el("div", { class: "blocks" });
      renderBlocks(content, appendix.content, path + ".content", id + "-content");
      box.appendChild(el("fieldset", { class: "appendix" }, [
        el("legend", { text: f(T.appendix, { n: i + 1 }) }),
        errBox(id, path),
        el("label", { for: id + "-title", text: f(T.appendix_title, { n: i + 1 }) }), title, errBox(id + "-title", path + ".title"),
        el("p", { class: "check" }, [landscape, el("label", { for: id + "-landscape", text: T.landscape })]),
        el("p", { class: "block-title", text: f(T.content, { n: i + 1 }) }),
        content, errBox(id + "-content", path + ".content"),
        el("p", {}, [el("button", { type: "button", class: "small", text: f(T.remove_appendix, { n: i + 1 }), on: { click: function () {
          model.appendices.splice(i, 1); renderAppendices(); changed(); document.getElementById("add-appendix").focus();
        } } })]),
      ]));
    });
  }

  function renderAll() {
    renderStrings("recipients", "recipient");
    renderStrings("cc", "cc");
    renderStrings("bases", "basis");
    renderBlocks(document.getElementById("body"), model.body, "$.body", "f-body");
    renderAppendices();
  }

  // --- checking as the clerk types -------------------------------------------------------

  function touch(path) { touched[path] = true; changed(); }
  function changed() {
    sample();
    clearTimeout(timer);
    timer = setTimeout(validate, 450);
  }
  function parentPath(path) {
    var up = path.replace(/(\.[^.\[\]]+|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/, "");
    return up === path ? null : up || "$";
  }
  function boxFor(path) {
    for (var p = path || "$"; p; p = parentPath(p)) {
      var box = document.querySelector('[data-err="' + CSS.escape(p) + '"]');
      if (box) return box;
    }
    return document.getElementById("err-top");
  }
  function isTouched(key) {
    if (showAll) return true;
    return Object.keys(touched).some(function (k) { return k === key || k.indexOf(key + ".") === 0 || k.indexOf(key + "[") === 0 || key === "$"; });
  }
  function show(list, warnings) {
    problems = list || [];
    document.querySelectorAll("[data-err]").forEach(function (box) { box.textContent = ""; });
    document.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
    var shown = 0;
    problems.forEach(function (p) {
      var box = boxFor(p.path);
      if (!isTouched(box.getAttribute("data-err"))) return;
      shown += 1;
      var text = p.message + (p.hint ? " (" + p.hint + ")" : "");
      if (box.id === "err-top" && p.path && p.path !== "$") text = p.path + ": " + text;
      box.appendChild(el("span", { text: text }));
      var input = box.id && document.getElementById(box.id.replace(/-err$/, ""));
      if (input && input !== box) input.setAttribute("aria-invalid", "true");
    });
    var status = document.getElementById("check-status");
    status.textContent = problems.length ? f(T.problems, { n: problems.length }) : T.ok;
    status.className = "status " + (problems.length ? "bad" : "good");
    var ul = document.getElementById("warnings");
    ul.textContent = "";
    (warnings || []).forEach(function (w) { ul.appendChild(el("li", { text: w })); });
    return shown;
  }
  function validate() {
    var mine = ++sequence;
    document.getElementById("check-status").textContent = T.checking;
    fetch("/api/kiem-tra-du-lieu", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": wfh.csrf() },
      body: JSON.stringify(serialize()),
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (mine === sequence) show(data.problems, data.warnings);
    }).catch(function () {
      if (mine === sequence) document.getElementById("check-status").textContent = T.network;
    });
  }

  // --- start, open, save, preview, make ---------------------------------------------------

  function opened(letter, name) {
    touched = {};
    showAll = true;
    load(letter);
    validate();
    document.getElementById("open-status").textContent = f(T.opened, { name: name });
  }
  document.getElementById("use-example").addEventListener("click", function () {
    var select = document.getElementById("example");
    fetch("/api/vi-du/" + encodeURIComponent(select.value)).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (letter) {
      opened(letter, select.options[select.selectedIndex].text);
    }).catch(function (e) {
      document.getElementById("open-status").textContent = f(T.failed, { reason: e.message });
    });
  });
  document.getElementById("open-file").addEventListener("change", function (ev) {
    var file = ev.target.files[0];
    if (!file) return;
    var data = new FormData();
    data.append("csrf", wfh.csrf());
    data.append("file", file);
    fetch("/soan/mo", { method: "POST", body: data }).then(function (r) { return r.json(); }).then(function (answer) {
      if (answer.error) document.getElementById("open-status").textContent = f(T.failed, { reason: answer.error });
      else opened(answer.letter, answer.name);
    }).catch(function () { document.getElementById("open-status").textContent = T.network; });
    ev.target.value = "";
  });
  document.getElementById("new-letter").addEventListener("click", function () {
    touched = {};
    showAll = false;
    load({});
    validate();
    document.getElementById("f-issuer-parent").focus();
  });
  document.getElementById("save-json").addEventListener("click", function () {
    var letter = serialize();
    var stem = ((letter.number || "chua-so") + "-" + (letter.issuer.abbreviation || "") + "-" + (letter.issuer.unit || ""))
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    wfh.download((stem || "cong-van") + ".json", new Blob([JSON.stringify(letter, null, 2) + "\n"], { type: "application/json" }));
  });
  document.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-add");
      model[key].push("");
      renderStrings(key, LISTS[key]);
      document.getElementById("f-" + key + "-" + (model[key].length - 1)).focus();
      changed();
    });
  });
  document.getElementById("add-appendix").addEventListener("click", function () {
    model.appendices.push({ title: "", content: [""] });
    renderAppendices();
    document.getElementById("f-appendices-" + (model.appendices.length - 1) + "-title").focus();
    changed();
  });
  scalars().forEach(function (input) {
    var path = "$." + input.getAttribute("data-path");
    input.addEventListener("input", function () { touch(path); });
    input.addEventListener("change", function () { touch(path); });
  });
  document.getElementById("f-type").addEventListener("change", function () { applyKind(); sample(); });
  document.getElementById("f-copy-form").addEventListener("change", applyCopy);
  form.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target.tagName === "INPUT" && ev.target.type !== "submit") ev.preventDefault();
  });
  form.addEventListener("submit", function () {
    document.getElementById("letter-json").value = JSON.stringify(serialize());
    showAll = true;
    show(problems);
  });
  document.getElementById("preview-button").addEventListener("click", function () {
    document.getElementById("letter-json").value = JSON.stringify(serialize());
    showAll = true;
    var section = document.getElementById("preview"), status = document.getElementById("preview-status");
    var pages = document.getElementById("pages");
    section.hidden = false;
    section.removeAttribute("data-done");
    pages.textContent = "";
    status.textContent = T.previewing;
    fetch("/soan/xem-truoc", { method: "POST", body: new FormData(form) }).then(function (r) { return r.json(); }).then(function (answer) {
      section.setAttribute("data-done", "1");
      if (answer.problems) show(answer.problems, answer.warnings);
      if (answer.error) { status.textContent = answer.error; return; }
      status.textContent = answer.message || (answer.pages.length ? "" : T.no_pages);
      answer.pages.forEach(function (src, i) {
        pages.appendChild(el("figure", {}, [el("img", { src: src, alt: f(T.page, { n: i + 1 }) }), el("figcaption", { text: f(T.page, { n: i + 1 }) })]));
      });
    }).catch(function () { section.setAttribute("data-done", "1"); status.textContent = T.network; });
  });

  var initial = JSON.parse(document.getElementById("initial-letter").textContent);
  var initialProblems = JSON.parse(document.getElementById("initial-problems").textContent);
  if (initial) {
    showAll = true;
    load(initial);
    if (initialProblems && initialProblems.problems) show(initialProblems.problems, initialProblems.warnings);
    else validate();
  } else {
    load({});
  }
})();
