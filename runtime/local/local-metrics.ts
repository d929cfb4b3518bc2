/**
 * How often the local services write their EMF metrics: the live page's resolution (the
 * default is a minute, as on AWS). A module of its own: the children's starters and the
 * settings reader all need it, and local-env.ts imports replay-child.ts.
 */
export const LOCAL_METRICS_INTERVAL_MS = 2000;
