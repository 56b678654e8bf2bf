/**
 * The API's own time per publish, from its hookline_publish_duration_seconds
 * histogram (202s only): cumulative counts per bucket bound, in seconds, as
 * one scrape of /metrics shows them.
 */
export async function publishBuckets(base: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts = new Map<number, number>();
  for (const m of text.matchAll(/^hookline_publish_duration_seconds_bucket\{le="([^"]+)",status="2xx"\} (\d+)$/gm)) {
    counts.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  }
  return counts;
}

/**
 * The smallest bucket bound, in ms, that at least `q` of the publishes
 * answered between two scrapes ended within: an upper bound on that
 * percentile, as fine as the buckets. Null if there were none.
 */
export function bucketPercentile(before: Map<number, number>, after: Map<number, number>, q: number): number | null {
  const inWindow = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = inWindow(Infinity);
  if (!total) return null;
  const bound = [...after.keys()].sort((a, b) => a - b).find((le) => inWindow(le) >= q * total);
  return bound === undefined ? null : bound * 1000;
}
