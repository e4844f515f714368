function value(td) { return td.dataset.v === undefined ? td.textContent : td.dataset.v; }
document.querySelectorAll("th[data-sort]").forEach(function (th) {
  th.tabIndex = 0;
  th.title = "sort";
  function sort() {
    var body = th.closest("table").tBodies[0], i = th.cellIndex, numeric = th.dataset.sort === "num";
    var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    th.parentNode.querySelectorAll("th").forEach(function (o) { o.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = value(x.cells[i]), b = value(y.cells[i]);
      var r = numeric ? Number(a) - Number(b) : a.localeCompare(b);
      return dir === "ascending" ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  th.addEventListener("click", sort);
  th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
});
