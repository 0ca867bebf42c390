// The organization tree: ▸ opens a node (htmx loads its children once), ▾ closes it again.
(function () {
  if (window.dangjianTree) return;
  window.dangjianTree = true;
  document.addEventListener("click", function (e) {
    const btn = e.target.closest(".tree-toggle");
    if (!btn) return;
    const open = btn.getAttribute("aria-expanded") !== "true";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    btn.textContent = open ? "▾" : "▸";
    btn.setAttribute("aria-label", open ? btn.dataset.collapse : btn.dataset.expand);
    const kids = btn.parentElement.querySelector(":scope > .kids");
    if (kids) kids.hidden = !open;
  });
})();
