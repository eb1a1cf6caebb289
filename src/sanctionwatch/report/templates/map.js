/* sanctionwatch report map: hands the JSON in #map-data to Leaflet (inlined above).
   No tiles: the land is a vector layer from the package's own coastline. Popup HTML
   comes escaped from Python (report/describe.py); names are set with textContent. */
(function () {
  'use strict';
  var el = document.getElementById('map');
  var source = document.getElementById('map-data');
  if (!el || !source || typeof L === 'undefined') { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 15, zoomSnap: 0.5 });
  map.createPane('land').style.zIndex = 250;
  map.createPane('areas').style.zIndex = 300;
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Land: Natural Earth · Ports: NGA WPI');

  L.geoJSON(data.land, {
    pane: 'land', interactive: false,
    style: { stroke: true, color: '#b9b09a', weight: 0.5, fillColor: '#f2efe6', fillOpacity: 1 }
  }).addTo(map);

  var overlays = {};
  var AREA_STYLE = {
    dprk_waters: { color: '#b00020', weight: 1.5, fillColor: '#b00020', fillOpacity: 0.08, dashArray: '4 3' },
    sts_hotspot: { color: '#8e44ad', weight: 1.2, fillColor: '#8e44ad', fillOpacity: 0.06 },
    user: { color: '#16a085', weight: 1.5, fillColor: '#16a085', fillOpacity: 0.08 }
  };
  var AREA_TITLE = { dprk_waters: 'DPRK waters (approx.)', sts_hotspot: 'STS transfer areas', user: 'User geofences' };
  ['dprk_waters', 'sts_hotspot', 'user'].forEach(function (kind) {
    var features = data.areas.filter(function (f) { return f.properties.kind === kind; });
    if (!features.length) { return; }
    var layer = L.geoJSON({ type: 'FeatureCollection', features: features }, {
      pane: 'areas', style: AREA_STYLE[kind],
      onEachFeature: function (f, lyr) { lyr.bindPopup(f.properties.popup); }
    });
    layer.addTo(map);
    overlays[AREA_TITLE[kind]] = layer;
  });

  // Tracks, one layer; each vessel's parts are a group so a vessel can be highlighted.
  var TRACK_STYLE = {
    high: { color: '#c0392b', weight: 2, opacity: 0.85 },
    medium: { color: '#e67e22', weight: 1.6, opacity: 0.8 },
    low: { color: '#5b7fa6', weight: 1.2, opacity: 0.6 }
  };
  var tracks = L.layerGroup();
  var byVessel = {};
  data.tracks.forEach(function (t) {
    var style = TRACK_STYLE[t.level] || TRACK_STYLE.low;
    var group = L.featureGroup();
    t.parts.forEach(function (p) {
      var line;
      if (p.latlon.length === 1) {
        line = L.circleMarker(p.latlon[0], { radius: 1.5, color: style.color, weight: 1, opacity: style.opacity });
      } else {
        line = L.polyline(p.latlon, L.extend({}, style, p.dashed ? { dashArray: '5 6', weight: style.weight * 0.8 } : {}));
      }
      line.addTo(group);
    });
    var label = document.createElement('div');
    var link = document.createElement('a');
    link.href = t.section ? '#vessel-' + t.mmsi : '#vessel-row-' + t.mmsi;
    link.textContent = (t.name || 'unnamed vessel') + ' (MMSI ' + t.mmsi + ')';
    label.appendChild(link);
    var note = document.createElement('div');
    note.className = 'muted';
    note.textContent = t.level + ' risk';
    label.appendChild(note);
    group.bindPopup(label);
    group.bindTooltip(link.textContent, { sticky: true });
    group.addTo(tracks);
    byVessel[t.mmsi] = { group: group, style: style };
  });
  tracks.addTo(map);
  overlays['Vessel tracks'] = tracks;

  // Ports: a dot and a name each, names placed so that they do not overlap (placeLabels).
  var ports = L.layerGroup();
  var labels = [];
  data.ports.forEach(function (p) {
    var dot = L.circleMarker([p.lat, p.lon], {
      radius: p.curated ? 3.5 : 2, color: p.dprk ? '#900' : '#333', weight: 1, fillOpacity: 0.9,
      fillColor: p.dprk ? '#b00' : '#fff'
    });
    dot.bindTooltip(p.name + ' (' + p.country.toUpperCase() + ')');
    dot.addTo(ports);
    var text = document.createElement('span');
    text.textContent = p.name;  // a DOM node, not HTML: the name is never parsed as markup
    var icon = L.divIcon({ className: 'port-label' + (p.dprk ? ' dprk' : ''), html: text, iconSize: null });
    var m = L.marker([p.lat, p.lon], { icon: icon, interactive: false, keyboard: false });
    m.addTo(ports);
    labels.push({ marker: m, name: p.name, curated: p.curated });
  });
  ports.addTo(map);
  overlays['Ports'] = ports;

  var MINOR_LABEL_ZOOM = 8;
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
  // Greedy placement in priority order (DPRK ports first): right, left, above, below the dot,
  // else hidden. Re-run at every zoom, since what collides depends on the scale.
  function placeLabels() {
    if (!map.hasLayer(ports)) { return; }
    var placed = [];
    var size = map.getSize();
    labels.forEach(function (l) {
      var e = l.marker.getElement();
      if (!e) { return; }
      e.style.visibility = 'hidden';
      // Curated ports are named at every zoom; the World Port Index's thousands only once zoomed in.
      if (!l.curated && map.getZoom() < MINOR_LABEL_ZOOM) { return; }
      var pt = map.latLngToContainerPoint(l.marker.getLatLng());
      if (pt.x < -50 || pt.y < -50 || pt.x > size.x + 50 || pt.y > size.y + 50) { return; }
      // Rendered size rounded up plus a pixel of air: offsetWidth rounds down fractional text widths.
      var box = e.getBoundingClientRect();
      var w = Math.ceil(box.width) + 2, h = Math.ceil(box.height) || 13;
      var options = [[6, -h / 2], [-6 - w, -h / 2], [-w / 2, -h - 5], [-w / 2, 5]];
      for (var i = 0; i < options.length; i++) {
        var r = { x: pt.x + options[i][0], y: pt.y + options[i][1], w: w, h: h };
        if (!placed.some(function (q) { return overlaps(r, q); })) {
          e.style.marginLeft = options[i][0] + 'px';
          e.style.marginTop = options[i][1] + 'px';
          e.style.visibility = 'visible';
          placed.push(r);
          return;
        }
      }
    });
  }
  // idle: no zoom or pan under way and the labels placed for the view (tests and scripts wait for it).
  var idle = false;
  map.on('zoomstart movestart', function () { idle = false; });
  map.on('zoomend moveend overlayadd', function () { placeLabels(); idle = !map._animatingZoom; });

  // Events: one layer per type (routine port calls and transit-area entries apart, off at first).
  var markers = {};
  var eventLayers = {};
  var LAYER_TITLE = {
    encounter: 'Encounters (STS candidates)', loitering: 'Loitering', gap: 'AIS gaps',
    port_visit: 'DPRK port calls', geofence: 'DPRK waters / geofence entries',
    identity_change: 'Identity changes', spoofing: 'Spoofing', routine: 'Other port calls and area entries'
  };
  data.events.forEach(function (ev) {
    if (!eventLayers[ev.layer]) { eventLayers[ev.layer] = L.featureGroup(); }
    var m = L.circleMarker([ev.lat, ev.lon], {
      radius: ev.layer === 'routine' ? 4 : 6.5, color: '#fff', weight: 1.2, fillColor: ev.colour, fillOpacity: 0.9,
      className: 'event-marker event-' + ev.type
    });
    m.bindPopup(ev.popup, { maxWidth: 380 });
    m.eventId = ev.id;
    m.addTo(eventLayers[ev.layer]);
    markers[ev.id] = m;
  });
  // Added last-first so that encounters, the events that matter most, are drawn on top.
  var order = Object.keys(LAYER_TITLE);
  order.slice().reverse().forEach(function (key) {
    if (eventLayers[key] && key !== 'routine') { eventLayers[key].addTo(map); }
  });
  order.forEach(function (key) {
    var layer = eventLayers[key];
    if (layer) { overlays[LAYER_TITLE[key] + ' (' + layer.getLayers().length + ')'] = layer; }
  });

  L.control.layers(null, overlays, { collapsed: false, position: 'topright' }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  if (data.bounds) { map.fitBounds(data.bounds); } else { map.setView([20, 0], 2); }
  placeLabels();
  idle = true;

  var highlighted = null;
  function highlight(mmsi) {
    if (highlighted) { highlighted.group.setStyle(highlighted.style); }
    highlighted = byVessel[mmsi] || null;
    if (highlighted) {
      highlighted.group.setStyle({ color: '#000', weight: 3.5, opacity: 1 });
      highlighted.group.bringToFront();
    }
    return highlighted;
  }
  function showVessel(mmsi) {
    var t = highlight(mmsi);
    el.scrollIntoView({ block: 'center' });
    if (t) { map.fitBounds(t.group.getBounds(), { maxZoom: 10, padding: [30, 30] }); }
    return !!t;
  }
  function showEvent(id) {
    var m = markers[id];
    if (!m) { return false; }
    Object.keys(eventLayers).forEach(function (k) {
      if (eventLayers[k].hasLayer(m) && !map.hasLayer(eventLayers[k])) { eventLayers[k].addTo(map); }
    });
    el.scrollIntoView({ block: 'center' });
    map.setView(m.getLatLng(), Math.max(map.getZoom(), 9));
    m.openPopup();
    return true;
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button.show-event, button.show-track');
    if (!b) { return; }
    if (b.classList.contains('show-event')) { showEvent(b.getAttribute('data-event')); }
    else { showVessel(Number(b.getAttribute('data-mmsi'))); }
  });
  document.querySelectorAll('#vessel-table tbody tr').forEach(function (row) {
    row.addEventListener('click', function (e) {
      if (e.target.closest('a')) { return; }
      showVessel(Number(row.getAttribute('data-mmsi')));
    });
  });
  function filter(inputId, tableId) {
    var box = document.getElementById(inputId);
    if (!box) { return; }
    var rows = document.querySelectorAll('#' + tableId + ' tbody tr');
    box.addEventListener('input', function () {
      var q = box.value.toLowerCase();
      rows.forEach(function (r) { r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none'; });
    });
  }
  filter('vessel-filter', 'vessel-table');
  filter('event-filter', 'event-table');
  // For tests and for analysts at the console: the map and how to reach things on it.
  window.sanctionwatchMap = {
    map: map, markers: markers, showEvent: showEvent, showVessel: showVessel, highlight: highlight,
    isIdle: function () { return idle; }
  };
})();
