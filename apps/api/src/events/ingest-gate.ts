interface Organization {
  /** Events of this organization being ingested now. */
  inFlight: number;
  /** Requests waiting their turn, in arrival order. */
  queue: { events: number; admit: () => void }[];
}

/** How recently another organization must have published for the bound to apply. */
export const OTHERS_WINDOW_MS = 1000;

/**
 * Fair ingestion in one API process (issue #11): while another organization
 * is publishing, one organization has at most `maxEvents` events being
 * ingested at once; its further requests wait their turn, in order, and are
 * never refused. Alone, an organization is not held back. A burst published by
 * many parallel batch requests otherwise fills PostgreSQL and the event loop,
 * and everyone else's 202 waits behind all of them. A request larger than the
 * bound runs when none of its organization's is running. And an organization
 * with requests waiting rests after each ingest for as long as it took before
 * the next is let in: a burst has at most half of the API's time (and
 * PostgreSQL's) while others publish: beside a 50 000-event burst, with no
 * worker running, the quiet organization's 202 p50 8-11 ms against 22-23 and
 * p99 33-60 against 60-90 (docs/performance.md, 2026-12-04).
 */
export class IngestGate {
  private readonly orgs = new Map<number, Organization>();
  /** When each organization last asked to ingest, kept for OTHERS_WINDOW_MS. */
  private readonly lastSeen = new Map<number, number>();

  constructor(
    readonly maxEvents: number,
    /** Called for each request that has to wait its turn. */
    private readonly onWait: () => void = () => undefined,
    private readonly now: () => number = Date.now,
    private readonly later: (run: () => void, ms: number) => void = (run, ms) => void setTimeout(run, ms).unref(),
  ) {}

  async run<T>(organizationId: number, events: number, work: () => Promise<T>): Promise<T> {
    await this.enter(organizationId, events);
    const start = this.now();
    try {
      return await work();
    } finally {
      this.leaveAfterRest(organizationId, events, this.now() - start);
    }
  }

  /** The caller has its answer at once; only the organization's own waiting requests wait for the rest. */
  private leaveAfterRest(organizationId: number, events: number, tookMs: number): void {
    const org = this.orgs.get(organizationId)!;
    if (tookMs > 0 && org.queue.length && this.othersActive(organizationId)) this.later(() => this.leave(organizationId, events), tookMs);
    else this.leave(organizationId, events);
  }

  private enter(organizationId: number, events: number): Promise<void> {
    this.lastSeen.delete(organizationId); // re-inserted last: the map stays in order of last ask
    this.lastSeen.set(organizationId, this.now());
    let org = this.orgs.get(organizationId);
    if (!org) this.orgs.set(organizationId, (org = { inFlight: 0, queue: [] }));
    if (!org.queue.length && this.fits(organizationId, org, events)) {
      org.inFlight += events;
      return Promise.resolve();
    }
    this.onWait();
    return new Promise((admit) => org.queue.push({ events, admit }));
  }

  private leave(organizationId: number, events: number): void {
    const org = this.orgs.get(organizationId)!;
    org.inFlight -= events;
    while (org.queue.length && this.fits(organizationId, org, org.queue[0].events)) {
      const next = org.queue.shift()!;
      org.inFlight += next.events;
      next.admit();
    }
    if (!org.inFlight && !org.queue.length) this.orgs.delete(organizationId);
  }

  private fits(organizationId: number, org: Organization, events: number): boolean {
    return org.inFlight === 0 || org.inFlight + events <= this.maxEvents || !this.othersActive(organizationId);
  }

  /** Another organization asked within the window (those that asked before it are forgotten here). */
  private othersActive(organizationId: number): boolean {
    const since = this.now() - OTHERS_WINDOW_MS;
    for (const [id, at] of this.lastSeen) {
      if (at < since) this.lastSeen.delete(id);
      else if (id !== organizationId) return true;
    }
    return false;
  }
}
