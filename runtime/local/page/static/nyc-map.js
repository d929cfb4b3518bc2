// The hot-spot map: New York's five boroughs from an embedded outline (nyc-boroughs.json,
// see nyc-boroughs.md for where it comes from), drawn as SVG, no tiles from the internet.
// Hot spots are circles at their cell's centre, sized and coloured by their pickup count.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  // The map's own extent: the five boroughs with a little margin.
  const WEST = -74.26;
  const EAST = -73.69;
  const SOUTH = 40.49;
  const NORTH = 40.92;
  const WIDTH = 600;
  // Equirectangular, shrunk east-west by cos(mean latitude): true shapes at this size.
  const SHRINK = Math.cos((((NORTH + SOUTH) / 2) * Math.PI) / 180);
  const SCALE = WIDTH / ((EAST - WEST) * SHRINK);
  const HEIGHT = Math.round((NORTH - SOUTH) * SCALE);

  const x = (lon) => (lon - WEST) * SCALE * SHRINK;
  const y = (lat) => (NORTH - lat) * SCALE;

  function element(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (parent) parent.appendChild(node);
    return node;
  }

  // Light yellow to dark red: `share` is a spot's count over the window's largest.
  function colour(share) {
    const hue = 50 - 50 * share;
    const lightness = 62 - 30 * share;
    return `hsl(${hue.toFixed(0)}, 95%, ${lightness.toFixed(0)}%)`;
  }

  function create(container, outline) {
    const svg = element("svg", {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: "img",
      "aria-labelledby": "map-svg-title map-svg-desc",
    });
    const title = element("title", { id: "map-svg-title" }, svg);
    title.textContent = "Map of New York City's five boroughs with the taxi pickup hot spots of the newest window";
    const desc = element("desc", { id: "map-svg-desc" }, svg);
    desc.textContent = "No hot spots yet.";
    const land = element("g", { class: "boroughs" }, svg);
    for (const borough of outline.boroughs) {
      const d = borough.polygons
        .map((ring) => "M" + ring.map(([lon, lat]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join("L") + "Z")
        .join("");
      const path = element("path", { class: "borough", d }, land);
      element("title", {}, path).textContent = borough.name;
      // The label sits at the middle of the borough's largest ring's bounding box.
      const ring = borough.polygons.reduce((a, b) => (b.length > a.length ? b : a));
      const lons = ring.map((p) => p[0]);
      const lats = ring.map((p) => p[1]);
      const label = element(
        "text",
        {
          class: "borough-label",
          x: x((Math.min(...lons) + Math.max(...lons)) / 2).toFixed(1),
          y: y((Math.min(...lats) + Math.max(...lats)) / 2).toFixed(1),
          "text-anchor": "middle",
          "aria-hidden": "true",
        },
        svg,
      );
      label.textContent = borough.name;
    }
    const spots = element("g", { class: "hotspots" }, svg);
    // The shoreline is OpenStreetMap data (ODbL): its attribution goes wherever the map is shown.
    const credit = element("text", { class: "credit", x: WIDTH - 6, y: HEIGHT - 6, "text-anchor": "end" }, svg);
    credit.textContent = "Shoreline © OpenStreetMap contributors; borough lines US Census TIGER/Line";
    const legend = element("g", { class: "legend", transform: `translate(10, ${HEIGHT - 36})` }, svg);
    container.appendChild(svg);

    function setHotspots(list) {
      spots.replaceChildren();
      legend.replaceChildren();
      if (list.length === 0) {
        desc.textContent = "No hot spots in the newest window yet.";
        return;
      }
      const max = Math.max(...list.map((s) => s.count));
      const min = Math.min(...list.map((s) => s.count));
      // Quietest first, so the busiest are drawn on top.
      for (const spot of [...list].sort((a, b) => a.count - b.count)) {
        const share = max === min ? 1 : (spot.count - min) / (max - min);
        const circle = element(
          "circle",
          {
            class: "hotspot",
            cx: x(spot.lon).toFixed(1),
            cy: y(spot.lat).toFixed(1),
            r: (4 + 10 * Math.sqrt(spot.count / max)).toFixed(1),
            fill: colour(share),
            "data-cell": spot.cell,
            "data-count": spot.count,
          },
          spots,
        );
        element("title", {}, circle).textContent = `${spot.cell}: ${spot.count} pickups`;
      }
      element("circle", { cx: 6, cy: 6, r: 5, fill: colour(0), class: "hotspot" }, legend);
      element("text", { x: 16, y: 9 }, legend).textContent = `${min} pickups`;
      element("circle", { cx: 6, cy: 24, r: 8, fill: colour(1), class: "hotspot" }, legend);
      element("text", { x: 16, y: 27 }, legend).textContent = `${max} pickups`;
      desc.textContent =
        `${list.length} hot spots; the busiest, ${list[0].cell}, had ${list[0].count} pickups. ` +
        "The table beside the map lists them all.";
    }

    return { setHotspots };
  }

  window.NycMap = { create };
})();
