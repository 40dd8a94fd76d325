// Draws the report's node table from the JSON in #data: 200 rows at a time, filtered
// by text, status or a node picked in the graph; a row opens its details. Sets
// data-ready on <body> when drawn, and data-error if any script error happens; a wide
// graph is scrolled to its first failed box (data-failed-in-view on the wrap).
(function () {
  'use strict';
  window.addEventListener('error', function (e) {
    document.body.setAttribute('data-error', String(e.message || e));
  });
  var data = JSON.parse(document.getElementById('data').textContent);
  var nodes = data.nodes;
  var PAGE = 200;
  var page = 0;
  var within = '';
  var shown = nodes;
  var span = data.duration;
  nodes.forEach(function (n) { span = Math.max(span, n.o + n.d); });
  span = span || 1;
  var tbody = document.querySelector('#nodes tbody');
  var filter = document.getElementById('filter');
  var status = document.getElementById('status');

  function fmt(s) {
    if (s < 0.001) return Math.round(s * 1e6) + 'µs';
    if (s < 1) return (s * 1e3).toFixed(1) + 'ms';
    if (s < 60) return s.toFixed(2) + 's';
    var m = Math.floor(s / 60);
    return m + 'm ' + Math.round(s - 60 * m) + 's';
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function inside(path, node) {
    if (path.indexOf(node) !== 0) return false;
    var rest = path.charAt(node.length);
    return rest === '' || rest === '[' || rest === '/';
  }
  function apply() {
    var text = filter.value.toLowerCase();
    var st = status.value;
    shown = nodes.filter(function (n) {
      return (!st || n.s === st) &&
        (!within || inside(n.p, within)) &&
        (!text || n.p.toLowerCase().indexOf(text) >= 0 || n.t.toLowerCase().indexOf(text) >= 0);
    });
    page = 0;
    draw();
  }
  function bar(n) {
    var cell = el('td', 'tl');
    var track = el('div', 'track');
    var b = el('div', 'bar st-' + n.s);
    b.style.left = (100 * n.o / span) + '%';
    b.style.width = Math.max(0.3, 100 * n.d / span) + '%';
    b.title = n.p + ': ' + fmt(n.o) + ' → ' + fmt(n.o + n.d);
    (n.at || []).forEach(function (a) {
      var seg = el('span', 'attempt ' + a[3]);
      seg.style.left = (n.d ? 100 * a[1] / n.d : 0) + '%';
      seg.style.width = (n.d ? Math.max(2, 100 * a[2] / n.d) : 100) + '%';
      seg.title = 'attempt ' + a[0] + ' ' + a[3];
      b.appendChild(seg);
    });
    track.appendChild(b);
    cell.appendChild(track);
    return cell;
  }
  function valuesTable(title, values) {
    var box = el('div', 'vals');
    box.appendChild(el('h4', '', title));
    var t = el('table');
    // [name, value] pairs, in the order the task declares them.
    values.forEach(function (pair) {
      var tr = el('tr');
      tr.appendChild(el('th', '', pair[0]));
      var td = el('td');
      td.appendChild(el('pre', '', pair[1]));
      tr.appendChild(td);
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }
  function decks(list) {
    var box = el('div', 'decks');
    var tabs = el('div', 'tabs');
    var panel = el('div', 'deck-panel');
    list.forEach(function (d, i) {
      var b = el('button', i ? '' : 'on', d[0]);
      b.type = 'button';
      b.addEventListener('click', function () {
        tabs.querySelectorAll('button').forEach(function (x) { x.className = ''; });
        b.className = 'on';
        panel.innerHTML = d[1];
      });
      tabs.appendChild(b);
    });
    panel.innerHTML = list[0][1];
    box.appendChild(tabs);
    box.appendChild(panel);
    return box;
  }
  function details(n) {
    var tr = el('tr', 'details');
    var td = el('td');
    td.colSpan = 6;
    if (n.r) td.appendChild(el('pre', 'error', n.r));
    if (n.at) {
      var ol = el('ol', 'attempts');
      n.at.forEach(function (a) {
        ol.appendChild(el('li', a[3], 'attempt ' + a[0] + ': ' + a[3] + ' after ' + fmt(a[2]) +
          ' (began at +' + fmt(a[1]) + ')' + (a[4] ? ': ' + a[4] : '')));
      });
      td.appendChild(ol);
    }
    if (n.i) td.appendChild(valuesTable('inputs', n.i));
    if (n.u) td.appendChild(valuesTable('outputs', n.u));
    if (n.dk) td.appendChild(decks(n.dk));
    if (!td.childNodes.length) td.appendChild(el('p', 'note', 'Nothing more is known of this node.'));
    tr.appendChild(td);
    return tr;
  }
  function row(n) {
    var tr = el('tr', 'node st-' + n.s);
    tr.setAttribute('data-path', n.p);
    tr.appendChild(el('td', 'status', n.s));
    tr.appendChild(el('td', 'path', n.p));
    tr.appendChild(el('td', '', n.t + (n.dk ? ' 📄' : '')));
    tr.appendChild(el('td', 'num', String(n.a)));
    tr.appendChild(el('td', 'num', fmt(n.d)));
    tr.appendChild(bar(n));
    tr.addEventListener('click', function () {
      var next = tr.nextSibling;
      if (next && next.className === 'details') {
        tbody.removeChild(next);
      } else {
        tbody.insertBefore(details(n), next);
      }
    });
    return tr;
  }
  function draw() {
    tbody.textContent = '';
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var frag = document.createDocumentFragment();
    shown.slice(page * PAGE, page * PAGE + PAGE).forEach(function (n) { frag.appendChild(row(n)); });
    tbody.appendChild(frag);
    document.getElementById('page').textContent = (within ? 'in ' + within + ': ' : '') +
      shown.length + ' of ' + nodes.length + ' nodes · page ' + (page + 1) + '/' + pages;
  }
  filter.addEventListener('input', function () { within = ''; apply(); });
  status.addEventListener('change', apply);
  document.getElementById('prev').addEventListener('click', function () { page -= 1; draw(); });
  document.getElementById('next').addEventListener('click', function () { page += 1; draw(); });
  document.querySelectorAll('#graph g.node').forEach(function (g) {
    g.addEventListener('click', function () {
      within = g.getAttribute('data-path');
      filter.value = '';
      apply();
      document.getElementById('nodes-section').scrollIntoView();
    });
  });
  // A graph wider than the window scrolls; bring the first failed box into view, so
  // what went wrong is not hidden past the right edge.
  var wrap = document.querySelector('.graph-wrap');
  var failed = document.querySelector('#graph g.node.st-failed rect');
  if (wrap && failed && wrap.scrollWidth > wrap.clientWidth) {
    var box = failed.getBoundingClientRect();
    var view = wrap.getBoundingClientRect();
    if (box.right > view.right || box.left < view.left) {
      wrap.scrollLeft += box.left - view.left - (view.width - box.width) / 2;
    }
    var seen = failed.getBoundingClientRect();
    if (seen.left >= view.left && seen.right <= view.right) {
      wrap.setAttribute('data-failed-in-view', failed.parentNode.getAttribute('data-path'));
    }
  }
  apply();
  document.body.setAttribute('data-ready', String(nodes.length));
})();
