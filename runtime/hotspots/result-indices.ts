/**
 * The OpenSearch indices the hot-spot job's results go to: each result carries its index
 * name (flink-sql.ts writes it into the results stream), and the search indexer files it
 * there. The job names them; search (runtime/search/indices.ts) gives them their mappings.
 */
export const HOTSPOT_INDEX = "hotspots";
export const AIRPORT_INDEX = "airport-trip-durations";
