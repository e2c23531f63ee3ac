// heavylegs roster: sort by a column (click its heading) and filter rows (type). No network.
(function () {
  var table = document.getElementById("roster");
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  function cell(row, i) { return row.cells[i].textContent; }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a.trim() && String(y) === b.trim()) return x - y;
    if (a === "" && b !== "") return 1;
    if (b === "" && a !== "") return -1;
    return a.localeCompare(b);
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    th.addEventListener("click", function () {
      var i = Number(th.dataset.col), asc = !th.classList.contains("asc");
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.classList.remove("asc", "desc"); });
      th.classList.add(asc ? "asc" : "desc");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (r, s) { var c = compare(cell(r, i), cell(s, i)); return asc ? c : -c; });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  filter.addEventListener("input", function () {
    var q = filter.value.toLowerCase();
    Array.prototype.forEach.call(body.rows, function (r) {
      r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
})();
