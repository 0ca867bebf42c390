/* The pickers (web/pickers.py): type a name, a code or pinyin initials; choose with the
   arrow keys and Enter, a click or a tap. The options come from the server (htmx.ajax),
   read through the user's scope; the hidden input carries the chosen key. */
(function () {
  "use strict";
  var timers = new WeakMap();

  function parts(el) {
    var root = el.closest("[data-picker]");
    return root && {root: root, text: root.querySelector(".picker-text"),
                    value: root.querySelector(".picker-value"), list: root.querySelector(".picker-list")};
  }
  function options(p) { return Array.prototype.slice.call(p.list.querySelectorAll(".picker-option")); }
  function open(p, yes) {
    p.list.hidden = !yes;
    p.text.setAttribute("aria-expanded", yes ? "true" : "false");
    if (!yes) { p.text.removeAttribute("aria-activedescendant"); }
  }
  function activate(p, index) {
    var opts = options(p);
    opts.forEach(function (o, i) {
      o.classList.toggle("active", i === index);
      o.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (opts[index]) {
      p.text.setAttribute("aria-activedescendant", opts[index].id);
      opts[index].scrollIntoView({block: "nearest"});
    }
  }
  function current(p) { return options(p).findIndex(function (o) { return o.classList.contains("active"); }); }
  function choose(p, opt) {
    p.value.value = opt.dataset.value;
    p.text.value = opt.dataset.label;
    p.text.classList.remove("is-invalid");
    open(p, false);
    p.value.dispatchEvent(new Event("change", {bubbles: true}));
  }
  function fetchOptions(p) {
    var url = p.root.dataset.url;
    url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(p.text.value.trim());
    htmx.ajax("GET", url, {target: p.list, swap: "innerHTML"}).then(function () {
      options(p).forEach(function (o, i) { o.id = p.list.id + "_" + i; });
      open(p, document.activeElement === p.text);
    });
  }
  function later(p) {
    clearTimeout(timers.get(p.root));
    timers.set(p.root, setTimeout(function () { fetchOptions(p); }, 200));
  }

  document.addEventListener("input", function (e) {
    if (!e.target.classList || !e.target.classList.contains("picker-text")) { return; }
    var p = parts(e.target);
    p.value.value = "";  // typed text is not a choice until one is picked
    later(p);
  });
  document.addEventListener("focusin", function (e) {
    if (!e.target.classList || !e.target.classList.contains("picker-text")) { return; }
    if (!parts(e.target).value.value) {
      later(parts(e.target));
    } else {
      // A name already chosen (a pre-filled branch, the current parent): typing replaces it, not appends.
      e.target.select();
    }
  });
  document.addEventListener("focusout", function (e) {
    if (!e.target.classList || !e.target.classList.contains("picker-text")) { return; }
    var p = parts(e.target);
    setTimeout(function () { if (!p.root.contains(document.activeElement)) { open(p, false); } }, 150);
  });
  document.addEventListener("keydown", function (e) {
    if (!e.target.classList || !e.target.classList.contains("picker-text")) { return; }
    var p = parts(e.target), opts = options(p), i = current(p);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (p.list.hidden) { fetchOptions(p); return; }
      if (!opts.length) { return; }
      i = e.key === "ArrowDown" ? (i + 1) % opts.length : (i <= 0 ? opts.length - 1 : i - 1);
      activate(p, i);
    } else if (e.key === "Enter" && !p.list.hidden && opts[i]) {
      e.preventDefault();  // choose, do not submit the form
      choose(p, opts[i]);
    } else if (e.key === "Escape" && !p.list.hidden) {
      e.preventDefault();
      open(p, false);
    }
  });
  // pointerdown, not click: it comes before the text box loses focus (and the list closes).
  document.addEventListener("pointerdown", function (e) {
    var opt = e.target.closest && e.target.closest(".picker-option");
    if (opt && opt.closest("[data-picker]")) {
      e.preventDefault();
      choose(parts(opt), opt);
    }
  });
  // A quick choice outside the picker (“我的联系点”): data-pick names the text box.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-pick]");
    var box = b && document.getElementById(b.dataset.pick);
    if (box && parts(box)) {
      e.preventDefault();
      choose(parts(box), b);
    }
  });
})();
