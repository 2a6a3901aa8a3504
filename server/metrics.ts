import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A delivery's final outcome, as counted in `dwp_deliveries_total`. */
export type DeliveryOutcomeLabel = 'sent' | 'failed' | 'gone' | 'unsent';

/** What the broadcast engine reports as it works; `ServerMetrics` counts it. */
export interface DeliveryMetrics {
  /** One request to a push service: its status, or the error code when there was no answer. */
  pushRequest(pushService: string, seconds: number, status: number | string): void;
  /** A delivery became final. */
  delivery(pushService: string, outcome: DeliveryOutcomeLabel): void;
  /** A delivery will be attempted again. */
  retry(pushService: string): void;
}

/** Gauges read from the store when scraped. */
export interface MetricsSources {
  /** Deliveries not yet final in unfinished broadcasts. */
  queueDepth(): number | Promise<number>;
  subscriptions(): number | Promise<number>;
}

/**
 * The server's Prometheus metrics (README.md#metrics), one registry per server (never
 * prom-client's global one, so two servers in one process keep apart). `push_service` is a
 * subscription's origin, which the SSRF guard limits to the known push services: the label's
 * values are few.
 */
export class ServerMetrics implements DeliveryMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'dwp_push_requests_total', help: 'Requests to push services, by answer (HTTP status, or the error code when none came).',
    labelNames: ['push_service', 'status'] as const, registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'dwp_push_request_duration_seconds', help: 'Time from sending a push request to its answer (or failure).',
    labelNames: ['push_service'] as const, buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'dwp_deliveries_total', help: 'Deliveries that became final, by outcome (sent, failed, gone, unsent) and push service.',
    labelNames: ['push_service', 'outcome'] as const, registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'dwp_delivery_retries_total', help: 'Deliveries scheduled for another attempt (429, 5xx, timeouts, broken connections).',
    labelNames: ['push_service'] as const, registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'dwp_rate_limited_total', help: 'Requests refused with 429 by the client rate limit, by route.',
    labelNames: ['route'] as const, registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    new Gauge({
      name: 'dwp_queue_depth', help: 'Deliveries waiting to be sent (or retried) in unfinished broadcasts.', registers: [this.registry],
      async collect() {
        this.set(await sources.queueDepth());
      },
    });
    new Gauge({
      name: 'dwp_subscriptions', help: 'Stored subscriptions.', registers: [this.registry],
      async collect() {
        this.set(await sources.subscriptions());
      },
    });
  }

  pushRequest(pushService: string, seconds: number, status: number | string): void {
    this.requests.inc({ push_service: pushService, status: String(status) });
    this.latency.observe({ push_service: pushService }, seconds);
  }

  delivery(pushService: string, outcome: DeliveryOutcomeLabel): void {
    this.deliveries.inc({ push_service: pushService, outcome });
  }

  retry(pushService: string): void {
    this.retries.inc({ push_service: pushService });
  }

  rateLimited(route: string): void {
    this.refusals.inc({ route });
  }

  /** The text exposition format, for `GET /metrics`. */
  async text(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
