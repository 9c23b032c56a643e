// The interactive map, an enhancement of the "where is it?" page where tiles are configured
// (FLAGSTONE_MAP_TILES). It fills the same latitude and longitude fields the page's own form
// posts, so the server checks the point exactly as it checks a typed one. If the tiles do not
// load, the server-drawn map (which needs no JavaScript) is shown again.
import * as L from '/assets/leaflet/leaflet-src.esm.js';

/** Leaflet zoom for the server map's zoom: the server's zoom 0 shows about a county. */
const LEAFLET_ZOOM_OF_SERVER_ZOOM_0 = 9;
const CHOSEN_ZOOM = 17;
/** How long tiles may take before the server-drawn map is shown instead. */
const TILES_WAIT_MS = 10_000;

const escapeHtml = (text) => {
  const span = document.createElement('span');
  span.textContent = text;
  return span.innerHTML;
};

function start(block) {
  const serverMap = document.querySelector('[data-flagstone-server-map]');
  const canvas = block.querySelector('[data-flagstone-map-canvas]');
  const status = block.querySelector('[data-flagstone-map-status]');
  const latField = block.querySelector('input[name="lat"]');
  const lonField = block.querySelector('input[name="lon"]');
  const { tiles, attribution, service } = block.dataset;
  const pin = block.dataset.pinLat
    ? L.latLng(Number(block.dataset.pinLat), Number(block.dataset.pinLon))
    : null;
  const centre = pin ?? L.latLng(Number(block.dataset.lat), Number(block.dataset.lon));
  const zoom = pin ? CHOSEN_ZOOM : LEAFLET_ZOOM_OF_SERVER_ZOOM_0 + Number(block.dataset.zoom);

  block.hidden = false;
  if (serverMap) serverMap.hidden = true;
  L.Icon.Default.imagePath = '/assets/leaflet/images/';
  const map = L.map(canvas, { center: centre, zoom, maxZoom: 19 });
  map.attributionControl.setPrefix(false);
  const layer = L.tileLayer(tiles, { attribution: escapeHtml(attribution), maxZoom: 19 }).addTo(map);

  // No tile at all, or only errors: back to the server-drawn map, which needs none.
  let loaded = false;
  const fallBack = () => {
    if (loaded) return;
    map.remove();
    block.hidden = true;
    block.dataset.fellBack = 'true';
    if (serverMap) serverMap.hidden = false;
  };
  layer.on('tileload', () => {
    loaded = true;
    block.dataset.tilesLoaded = 'true';
  });
  // 'load' comes once every tile in view is done, loaded or failed.
  layer.on('load', fallBack);
  setTimeout(fallBack, TILES_WAIT_MS);

  let marker = null;
  const choose = (latlng, how) => {
    const point = L.latLng(Number(latlng.lat.toFixed(6)), Number(latlng.lng.toFixed(6)));
    if (marker) marker.setLatLng(point);
    else {
      marker = L.marker(point, { draggable: true, alt: 'The place chosen', keyboard: true }).addTo(map);
      marker.on('dragend', () => choose(marker.getLatLng(), 'moved'));
    }
    latField.value = String(point.lat);
    lonField.value = String(point.lng);
    status.textContent = `Place ${how}: ${point.lat}, ${point.lng}. Select "Use this place" to continue.`;
  };
  if (pin) choose(pin, 'chosen');
  map.on('click', (event) => choose(event.latlng, 'chosen'));

  // Open reports of this service near the middle of the map, so as not to report one twice.
  const reports = L.layerGroup().addTo(map);
  const showReports = async () => {
    if (!service || map.getZoom() < 14) return reports.clearLayers();
    const middle = map.getCenter();
    const query = new URLSearchParams({ service, lat: String(middle.lat), lon: String(middle.lng) });
    const answer = await fetch(`/map/reports.json?${query}`, { headers: { accept: 'application/json' } });
    if (!answer.ok) return;
    const { reports: open } = await answer.json();
    reports.clearLayers();
    for (const report of open) {
      L.circleMarker([report.lat, report.lon], {
        radius: 8,
        color: '#0b0c0c',
        weight: 1,
        fillColor: '#f47738',
        fillOpacity: 0.9,
        className: 'flagstone-open-report',
      })
        .bindTooltip(`Already reported: ${escapeHtml(report.service)}`)
        .addTo(reports);
    }
  };
  map.on('moveend', showReports);
  showReports();

  // Without a pointer: the map moves with the arrow keys, and the pin goes to its middle.
  block
    .querySelector('[data-flagstone-centre]')
    .addEventListener('click', () => choose(map.getCenter(), 'put in the middle of the map'));

  const locate = block.querySelector('[data-flagstone-locate]');
  if (!('geolocation' in navigator)) locate.hidden = true;
  locate.addEventListener('click', () => {
    status.textContent = 'Finding your location…';
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const here = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, CHOSEN_ZOOM);
        choose(here, 'set to your location');
      },
      () => {
        status.textContent = 'We could not find your location. Select the place on the map instead.';
      },
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  });
}

for (const block of document.querySelectorAll('[data-flagstone-map]')) start(block);
