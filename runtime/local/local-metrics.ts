/**
 * How often the local services the live page reads write their EMF metrics: its resolution
 * (the default is a minute, as on AWS). A module of its own so that the children's starters
 * and the page share it without importing each other.
 */
export const LOCAL_METRICS_INTERVAL_MS = 2000;
