/**
 * The OpenSearch Dashboards objects that show the job's results: an index pattern per
 * index, a map of hot spots, a chart of trip durations to the airports, and a dashboard
 * holding both. Saved with fixed ids and `overwrite`, so running the setup again (every
 * `pulumi up` that changes it) updates them instead of adding copies.
 *
 * The map is a coordinate map (`tile_map`), which every OpenSearch Dashboards release
 * ships; the newer Maps plugin is not on every Amazon OpenSearch Service version.
 */
import { AIRPORT_INDEX, HOTSPOT_INDEX } from "./indices";

export interface SavedObject {
  type: "index-pattern" | "visualization" | "dashboard";
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

export const DASHBOARD_ID = "taxi-hotspots";
const HOTSPOT_MAP_ID = "taxi-hotspot-map";
const AIRPORT_CHART_ID = "taxi-airport-durations";

/** The reference name Dashboards expects for a visualization's index pattern. */
const INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index";

function indexPattern(index: string): SavedObject {
  // The window start is the time field: the time picker selects windows.
  return {
    type: "index-pattern",
    id: index,
    attributes: { title: index, timeFieldName: "windowStart" },
    references: [],
  };
}

function visualization(id: string, index: string, visState: object): SavedObject {
  return {
    type: "visualization",
    id,
    attributes: {
      title: (visState as { title: string }).title,
      visState: JSON.stringify(visState),
      uiStateJSON: "{}",
      description: "",
      version: 1,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({
          query: { query: "", language: "kuery" },
          filter: [],
          indexRefName: INDEX_REF,
        }),
      },
    },
    references: [{ name: INDEX_REF, type: "index-pattern", id: index }],
  };
}

/** Pickups per geohash cell: the sum of the hot spots' counts, drawn as scaled circles. */
function hotspotMap(precision: number): SavedObject {
  return visualization(HOTSPOT_MAP_ID, HOTSPOT_INDEX, {
    title: "Taxi pickup hot spots",
    type: "tile_map",
    params: {
      mapType: "Scaled Circle Markers",
      colorSchema: "Yellow to Red",
      isDesaturated: true,
      addTooltip: true,
      heatClusterSize: 1.5,
      legendPosition: "bottomright",
      // Manhattan, zoomed to the five boroughs.
      mapCenter: [40.73, -73.93],
      mapZoom: 11,
      wms: { enabled: false },
    },
    aggs: [
      { id: "1", enabled: true, type: "sum", schema: "metric", params: { field: "count", customLabel: "pickups" } },
      {
        id: "2",
        enabled: true,
        type: "geohash_grid",
        schema: "segment",
        // The job's own cell size, so one circle is one hot spot.
        params: { field: "location", autoPrecision: false, precision, useGeocentroid: true, isFilteredByCollar: true },
      },
    ],
  });
}

/** Average trip duration to each airport per window, one line per airport. */
function airportChart(): SavedObject {
  return visualization(AIRPORT_CHART_ID, AIRPORT_INDEX, {
    title: "Average trip duration to JFK and LaGuardia (seconds)",
    type: "line",
    params: { type: "line", addTooltip: true, addLegend: true, legendPosition: "right" },
    aggs: [
      {
        id: "1",
        enabled: true,
        type: "avg",
        schema: "metric",
        params: { field: "averageSeconds", customLabel: "seconds" },
      },
      {
        id: "2",
        enabled: true,
        type: "date_histogram",
        schema: "segment",
        params: { field: "windowStart", interval: "auto", min_doc_count: 1, extended_bounds: {} },
      },
      {
        id: "3",
        enabled: true,
        type: "terms",
        schema: "group",
        params: { field: "airport", size: 5, order: "desc", orderBy: "1" },
      },
    ],
  });
}

function dashboard(): SavedObject {
  const panels = [HOTSPOT_MAP_ID, AIRPORT_CHART_ID].map((_id, i) => ({
    version: "2.0.0",
    panelIndex: String(i + 1),
    gridData: { x: 0, y: i * 20, w: 48, h: i === 0 ? 20 : 12, i: String(i + 1) },
    embeddableConfig: {},
    panelRefName: `panel_${i}`,
  }));
  return {
    type: "dashboard",
    id: DASHBOARD_ID,
    attributes: {
      title: "NYC taxi hot spots",
      description: "Pickup hot spots and airport trip durations from the Flink job",
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ useMargins: true, hidePanelTitles: false }),
      // Replayed trips keep their 2009 times (a looped replay moves them on a month per
      // pass), so the dashboard opens on everything from the sample's start until now.
      timeRestore: true,
      timeFrom: "2009-01-01T00:00:00.000Z",
      timeTo: "now",
      refreshInterval: { pause: false, value: 60_000 },
      version: 1,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { query: "", language: "kuery" }, filter: [] }),
      },
    },
    references: [
      { name: "panel_0", type: "visualization", id: HOTSPOT_MAP_ID },
      { name: "panel_1", type: "visualization", id: AIRPORT_CHART_ID },
    ],
  };
}

/** Every object, index patterns first (the others refer to them). */
export function dashboardsObjects(geohashPrecision: number): SavedObject[] {
  return [
    indexPattern(HOTSPOT_INDEX),
    indexPattern(AIRPORT_INDEX),
    hotspotMap(geohashPrecision),
    airportChart(),
    dashboard(),
  ];
}
