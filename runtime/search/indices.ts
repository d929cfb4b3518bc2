/**
 * The OpenSearch indices the hot-spot job writes, and the index templates that give their
 * fields types before the first document arrives. Without the template OpenSearch would
 * map `location` ("40.75,-73.98") as text, and no map can draw text.
 *
 * The fields are the sink tables' columns (runtime/hotspots/flink-sql.ts) and the engine's
 * HotSpot / AirportDuration (runtime/hotspots/engine.ts): one name for each everywhere.
 */

import { AIRPORT_INDEX, HOTSPOT_INDEX } from "../hotspots/result-indices";

// Named by the job that fills them; imported from here by search's own modules and tests.
export { AIRPORT_INDEX, HOTSPOT_INDEX };

/**
 * Window bounds as Flink's JSON format writes a TIMESTAMP(3) ("2009-01-24 12:00:00" by
 * default, with a "T" under json.timestamp-format.standard = ISO-8601), or epoch millis as
 * the TypeScript engine has them.
 */
const WINDOW_TIME = {
  type: "date",
  format: "yyyy-MM-dd HH:mm:ss.SSS||yyyy-MM-dd HH:mm:ss||strict_date_optional_time||epoch_millis",
} as const;

export interface IndexTemplate {
  name: string;
  body: {
    index_patterns: string[];
    priority: number;
    template: { settings: Record<string, unknown>; mappings: { dynamic: "strict"; properties: object } };
  };
}

/**
 * One shard and one replica-less copy suit a dev domain of one node (a replica could never
 * be placed, and the index would stay yellow); `replicas` raises it for larger domains.
 * `dynamic: strict`: a document with a field the job does not write is refused, so a
 * mismatch between the SQL and this mapping shows at once instead of as an empty map.
 */
export function indexTemplates(replicas: number): IndexTemplate[] {
  const settings = { number_of_shards: 1, number_of_replicas: replicas };
  const template = (index: string, properties: object): IndexTemplate => ({
    name: index,
    body: {
      index_patterns: [index],
      priority: 100,
      template: { settings, mappings: { dynamic: "strict", properties } },
    },
  });
  return [
    template(HOTSPOT_INDEX, {
      cell: { type: "keyword" },
      location: { type: "geo_point" },
      count: { type: "long" },
      windowStart: WINDOW_TIME,
      windowEnd: WINDOW_TIME,
    }),
    template(AIRPORT_INDEX, {
      airport: { type: "keyword" },
      trips: { type: "long" },
      averageSeconds: { type: "double" },
      windowStart: WINDOW_TIME,
      windowEnd: WINDOW_TIME,
    }),
  ];
}
