import { WebhookStats } from './api';

const W = 720;
const H = 120;
const HOUR = 3600_000;

/** Attempts per minute (bars, failures in red) over the window, as SVG: no chart library for two pictures. */
function AttemptsChart({ stats }: { stats: WebhookStats }) {
  const span = stats.to - stats.from;
  const peak = Math.max(1, ...stats.minutes.map((m) => m.attempts));
  const x = (t: number) => ((t - stats.from) / span) * W;
  const barWidth = Math.max(1, (60_000 / span) * W);
  return (
    <svg viewBox={`0 0 ${W} ${H + 16}`} preserveAspectRatio="none" role="img" aria-label={`Attempts per minute over ${Math.round(span / HOUR)} hours, at most ${peak} in a minute`}>
      <line x1={0} y1={H} x2={W} y2={H} className="axis" />
      {stats.minutes.map((m) => {
        const h = (m.attempts / peak) * H;
        const ok = (m.succeeded / peak) * H;
        return (
          <g key={m.minute}>
            <rect x={x(m.minute)} y={H - h} width={barWidth} height={h - ok} className="failed" />
            <rect x={x(m.minute)} y={H - ok} width={barWidth} height={ok} className="succeeded" />
          </g>
        );
      })}
      <text x={0} y={H + 14}>{`${Math.round(span / HOUR)} h ago`}</text>
      <text x={W} y={H + 14} textAnchor="end">
        now
      </text>
    </svg>
  );
}

/** Attempt duration per minute: p50 and p95 as two lines on a scale up to the window's highest p95. */
function LatencyChart({ stats }: { stats: WebhookStats }) {
  const span = stats.to - stats.from;
  const top = Math.max(1, ...stats.minutes.map((m) => m.p95Ms));
  const x = (t: number) => ((t + 30_000 - stats.from) / span) * W;
  const y = (v: number) => H - (v / top) * H;
  const line = (pick: (m: WebhookStats['minutes'][number]) => number) => stats.minutes.map((m) => `${x(m.minute).toFixed(1)},${y(pick(m)).toFixed(1)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H + 16}`} preserveAspectRatio="none" role="img" aria-label={`Attempt duration per minute, p50 and p95, up to ${Math.round(top)} ms`}>
      <line x1={0} y1={H} x2={W} y2={H} className="axis" />
      <polyline points={line((m) => m.p95Ms)} className="p95" />
      <polyline points={line((m) => m.p50Ms)} className="p50" />
      {stats.minutes.map((m) => (
        <circle key={m.minute} cx={x(m.minute)} cy={y(m.p95Ms)} r={2} className="p95" />
      ))}
      <text x={0} y={12}>{`${Math.round(top)} ms`}</text>
      <text x={W} y={H + 14} textAnchor="end">
        p50 (dark), p95 (light)
      </text>
    </svg>
  );
}

const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)} ms`);
const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 1000) / 10} %`);

/** The webhook's last 24 hours: attempts per minute with the failures, success rate, and duration p50/p95. */
export function StatsCharts({ stats }: { stats: WebhookStats }) {
  return (
    <figure className="stats" aria-label="Last 24 hours">
      <figcaption>
        Last 24 h: <strong data-stat="attempts">{stats.attempts}</strong> attempts, success rate <strong data-stat="successRate">{pct(stats.successRate)}</strong>, duration p50{' '}
        <strong data-stat="p50">{ms(stats.p50Ms)}</strong>, p95 <strong data-stat="p95">{ms(stats.p95Ms)}</strong>
      </figcaption>
      <AttemptsChart stats={stats} />
      <LatencyChart stats={stats} />
    </figure>
  );
}
