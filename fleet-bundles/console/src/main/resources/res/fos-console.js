/* The fos pages of the web console: draws the charts of recent rates and follows a running upgrade. */
(function () {
  'use strict';
  var page = document.querySelector('.fos-page');
  if (!page) {
    return;
  }
  var root = page.getAttribute('data-root');
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

  function get(url, done) {
    var x = new XMLHttpRequest();
    x.open('GET', url);
    x.onload = function () {
      if (x.status === 200) {
        done(JSON.parse(x.responseText));
      }
    };
    x.send();
  }

  function format(v) {
    return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  function draw(chart, data) {
    var svg = chart.querySelector('svg');
    var legend = chart.querySelector('.fos-chart-legend');
    var prefix = chart.getAttribute('data-prefix');
    var names = Object.keys(data.series).sort();
    var max = 1;
    names.forEach(function (n) {
      data.series[n].forEach(function (v) { max = Math.max(max, v); });
    });
    while (svg.firstChild) {
      svg.removeChild(svg.firstChild);
    }
    legend.textContent = '';
    var points = data.times.length;
    names.forEach(function (n, i) {
      var values = data.series[n];
      var line = document.createElementNS(SVG, 'polyline');
      var coords = values.map(function (v, j) {
        var x = points < 2 ? 0 : (600 * j) / (points - 1);
        var y = 155 - (150 * v) / max;
        return x.toFixed(1) + ',' + y.toFixed(1);
      });
      line.setAttribute('points', coords.join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', COLORS[i % COLORS.length]);
      line.setAttribute('stroke-width', '2');
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      svg.appendChild(line);
      var item = document.createElement('span');
      item.className = 'fos-legend-item';
      item.style.color = COLORS[i % COLORS.length];
      var last = values.length ? values[values.length - 1] : 0;
      item.textContent = n.substring(prefix.length) + ': ' + format(last) + '/s';
      item.setAttribute('data-series', n);
      legend.appendChild(item);
    });
    chart.setAttribute('data-points', String(points));
    chart.setAttribute('data-max', format(max));
    if (!names.length) {
      legend.textContent = 'no data yet';
    }
  }

  function refreshCharts() {
    Array.prototype.forEach.call(document.querySelectorAll('.fos-chart'), function (chart) {
      get(root + '/rates.json?prefix=' + encodeURIComponent(chart.getAttribute('data-prefix')), function (data) {
        draw(chart, data);
      });
    });
  }

  function cell(row, col, text) {
    var td = document.createElement('td');
    td.setAttribute('data-col', col);
    td.textContent = text;
    row.appendChild(td);
  }

  function followUpgrade() {
    var summary = document.getElementById('fos-rolling-summary');
    if (!summary || summary.getAttribute('data-state') !== 'RUNNING') {
      return;
    }
    get(root + '/progress.json', function (p) {
      summary.setAttribute('data-state', p.state);
      var state = summary.querySelector('.fos-state');
      var detail = summary.querySelector('.fos-detail');
      if (state) {
        state.textContent = p.state;
      }
      if (detail) {
        detail.textContent = p.detail;
      }
      var body = document.querySelector('#fos-rolling tbody');
      if (body && p.nodes) {
        body.textContent = '';
        p.nodes.forEach(function (n) {
          var row = document.createElement('tr');
          row.setAttribute('data-key', n.node);
          cell(row, 'node', n.node);
          cell(row, 'before', n.before);
          cell(row, 'version', n.version);
          cell(row, 'status', n.status);
          cell(row, 'step', n.step);
          cell(row, 'pause', n.pauseMillis < 0 ? '' : n.pauseMillis.toFixed(1));
          body.appendChild(row);
        });
      }
      if (p.state !== 'RUNNING') {
        window.location.reload(); // the history now has the new reports
      } else {
        window.setTimeout(followUpgrade, 1000);
      }
    });
  }

  refreshCharts();
  window.setInterval(refreshCharts, 2000);
  followUpgrade();
}());
