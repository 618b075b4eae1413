'use client';

import type { ReactNode } from 'react';
import { api } from '@/api/client';
import { actionLabel, attributeLabel, detailTagLabel, NOT_APPLICABLE, scoreTone, type Taxonomy, type TaxonomyScore } from '@/api/taxonomy';
import type { DashboardAnalytics, ScoreCount, TagAnalytics } from '@/api/types';
import { Card, cx, ErrorState, Notice, Skeleton } from '@/components/ui';
import {
  formatCount,
  formatKappa,
  formatMinutes,
  formatRate,
  formatSeconds,
  formatWeek,
  kappaWord,
  share,
  totals,
  weekChoices,
  type WeekChoice,
} from '@/lib/analytics';
import { formatDate, formatDateTime } from '@/lib/format';
import { useResource } from '@/lib/useResource';
import { useTaxonomy } from '@/lib/useTaxonomy';
import { RankedBars, ScoreBars, WeeklyChart } from './Charts';

export function WeeksPicker({ value, onChange }: { value: WeekChoice; onChange: (weeks: WeekChoice) => void }) {
  return (
    <fieldset className="flex items-center gap-2">
      <legend className="sr-only">Period</legend>
      <span className="text-sm text-slate-600" aria-hidden="true">Last</span>
      <div className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
        {weekChoices.map((weeks) => (
          <label
            key={weeks}
            className={cx(
              'relative cursor-pointer rounded px-3 py-1 text-sm font-medium tabular-nums focus-within:ring-2 focus-within:ring-accent-600',
              value === weeks ? 'bg-accent-700 text-white' : 'text-slate-700 hover:bg-slate-100',
            )}
          >
            <input type="radio" name="weeks" value={weeks} checked={value === weeks} onChange={() => onChange(weeks)} className="absolute inset-0 cursor-pointer opacity-0" />
            {weeks} weeks
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Figure({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>{value}</dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

/** A small numbers table beside each chart, for those who read rather than look (UI.md). */
function NumbersTable({ caption, head, rows, testId, scroll }: {
  caption: string; head: string[]; rows: ReactNode[][]; testId: string; scroll?: boolean;
}) {
  return (
    <div className={cx('overflow-x-auto', scroll && 'max-h-64 overflow-y-auto')}>
      <table className="w-full text-left text-sm tabular-nums" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-white text-xs font-medium uppercase tracking-wide text-slate-500">
          <tr>
            {head.map((h, i) => <th key={h} scope="col" className={cx('py-1.5 pr-3', i > 0 && 'text-right')}>{h}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, r) => (
            <tr key={r} className="border-t border-slate-100">
              {cells.map((cell, i) => i === 0
                ? <th key={i} scope="row" className="py-1.5 pr-3 font-normal text-slate-700">{cell}</th>
                : <td key={i} className="py-1.5 pr-3 text-right text-slate-900">{cell}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One score's distribution in the taxonomy's words: each value with its label, not applicable by its label. */
function ScoreDistribution({ score, counts }: { score: TaxonomyScore; counts: ScoreCount[] }) {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const label = (value: string) => score.values.find((v) => v.value === value)?.label ?? value;
  const bars = counts.map((c) => ({
    label: c.value === NOT_APPLICABLE ? label(c.value) : c.value,
    count: c.count,
    tone: scoreTone(score, c.value),
  }));
  return (
    <div className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold text-slate-900">{score.label}</h3>
      <ScoreBars data={bars} testId={`chart-score-${score.attribute}`} />
      <NumbersTable
        caption={`${score.label} scores`}
        head={['Score', 'Scans', 'Share']}
        testId={`numbers-score-${score.attribute}`}
        rows={counts.map((c) => [
          c.value === NOT_APPLICABLE
            ? <span key="s" className="text-slate-500">{label(c.value)}</span>
            : <span key="s"><span className="tabular-nums">{c.value}</span> <span className="text-slate-500">{label(c.value)}</span></span>,
          formatCount(c.count),
          share(c.count, total),
        ])}
      />
    </div>
  );
}

/** AI acceptance names scores by their keys and the detail tags as one set. */
function aiAttributeLabel(taxonomy: Taxonomy, attribute: string): string {
  return attribute === 'detail_tags' ? 'Detail tags' : attributeLabel(taxonomy, attribute);
}

function LoadingSkeleton() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true" aria-label="Loading analytics">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        {Array.from({ length: 5 }).map((_, i) => <Skeleton key={i} className="h-[84px] rounded-lg" />)}
      </div>
      <Skeleton className="h-72 rounded-lg" />
      <Skeleton className="h-64 rounded-lg" />
    </div>
  );
}

function Overview({ data, taxonomy }: { data: DashboardAnalytics; taxonomy: Taxonomy }) {
  const sum = totals(data);
  return (
    <>
      <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5" aria-label="Key figures">
        <Figure label="Scans received" value={formatCount(sum.received)} hint={`${formatDate(data.from)} – ${formatDate(data.to)}`} testId="figure-received" />
        <Figure label="Scans reviewed" value={formatCount(sum.reviewed)} hint="first reviews in the period" testId="figure-reviewed" />
        <Figure label="Tagging rate" value={formatRate(data.taggingRate)} hint={data.taggingRate === null ? 'no scans received yet' : 'of scans received'} testId="figure-tagging-rate" />
        <Figure label="Time to review" value={formatMinutes(data.medianMinutesToReview)} hint={data.medianMinutesToReview === null ? 'no reviews yet' : 'median, sent → reviewed'} testId="figure-time-to-review" />
        <Figure label="Review duration" value={formatSeconds(data.medianReviewSeconds)} hint={data.medianReviewSeconds === null ? 'no reviews yet' : 'median, opened → tagged'} testId="figure-review-duration" />
      </dl>

      <Card title="Scans per week">
        <div className="grid gap-6 lg:grid-cols-3">
          <div className="lg:col-span-2"><WeeklyChart weeks={data.weeks} /></div>
          <NumbersTable
            caption="Scans received and reviewed per week"
            head={['Week of', 'Received', 'Reviewed']}
            testId="numbers-weekly"
            scroll
            rows={[...data.weeks].reverse().map((w) => [formatWeek(w.weekStart), formatCount(w.received), formatCount(w.reviewed)])}
          />
        </div>
      </Card>

      <Card title="Score distribution">
        <div className="grid gap-6 md:grid-cols-3">
          {data.scores.flatMap((distribution) => {
            const score = taxonomy.scores.find((s) => s.attribute === distribution.attribute);
            return score ? [<ScoreDistribution key={score.attribute} score={score} counts={distribution.values} />] : [];
          })}
        </div>
      </Card>

      <Card title="AI suggestions accepted">
        {data.aiAcceptance.length === 0 || data.aiAcceptance.every((a) => a.suggested === 0) ? (
          <p className="text-sm text-slate-600" data-testid="ai-empty">
            No AI suggestions in these weeks: 0 suggested, 0 accepted. Acceptance appears here once scans with suggestions are reviewed.
          </p>
        ) : (
          <div className="grid gap-6 lg:grid-cols-2">
            <RankedBars
              testId="chart-ai"
              percent
              max={1}
              valueName="Accepted"
              data={data.aiAcceptance.map((a) => ({ label: aiAttributeLabel(taxonomy, a.attribute), count: a.rate ?? 0 }))}
            />
            <NumbersTable
              caption="AI suggestions accepted per attribute"
              head={['Attribute', 'Suggested', 'Accepted', 'Rate']}
              testId="numbers-ai"
              rows={data.aiAcceptance.map((a) => [aiAttributeLabel(taxonomy, a.attribute), formatCount(a.suggested), formatCount(a.accepted), formatRate(a.rate)])}
            />
          </div>
        )}
      </Card>
    </>
  );
}

function TagSection({ weeks, taxonomy }: { weeks: WeekChoice; taxonomy: Taxonomy }) {
  const tags = useResource((signal) => api.tagAnalytics(weeks, signal), `tags-${weeks}`);
  if (tags.loading) return <Skeleton className="h-64 rounded-lg" />;
  if (tags.error) return <ErrorState error={tags.error} onRetry={tags.reload} />;
  const data: TagAnalytics | null = tags.data;
  if (!data) return null;
  const actionsTotal = data.actions.reduce((s, a) => s + a.count, 0);
  return (
    <>
      <Card title="Findings and actions" actions={<span className="text-xs tabular-nums text-slate-500" data-testid="tag-sets">{formatCount(data.tagSets)} reviews</span>}>
        <div className="grid gap-8 lg:grid-cols-2">
          <div className="flex flex-col gap-3">
            <h3 className="text-sm font-semibold text-slate-900">Detail tags</h3>
            {data.detailTags.length === 0 ? (
              <p className="text-sm text-slate-600" data-testid="detail-tags-empty">No findings tagged in these weeks (0 detail tags).</p>
            ) : (
              <>
                <RankedBars testId="chart-detail-tags" valueName="Scans" data={data.detailTags.map((t) => ({ label: detailTagLabel(taxonomy, t.code), count: t.count }))} />
                <NumbersTable
                  caption="Detail tags, most frequent first"
                  head={['Finding', 'Scans', 'Share']}
                  testId="numbers-detail-tags"
                  rows={data.detailTags.map((t) => [detailTagLabel(taxonomy, t.code), formatCount(t.count), share(t.count, data.tagSets)])}
                />
              </>
            )}
          </div>
          <div className="flex flex-col gap-3">
            <h3 className="text-sm font-semibold text-slate-900">Actions</h3>
            {data.actions.length === 0 ? (
              <p className="text-sm text-slate-600" data-testid="actions-empty">No reviews in these weeks (0 actions).</p>
            ) : (
              <>
                <RankedBars testId="chart-actions" valueName="Reviews" data={data.actions.map((a) => ({ label: actionLabel(taxonomy, a.action), count: a.count }))} />
                <NumbersTable
                  caption="Actions taken"
                  head={['Action', 'Reviews', 'Share']}
                  testId="numbers-actions"
                  rows={data.actions.map((a) => [actionLabel(taxonomy, a.action), formatCount(a.count), share(a.count, actionsTotal)])}
                />
              </>
            )}
          </div>
        </div>
      </Card>

      <Card title="Agreement between doctors">
        <p className="mb-3 text-sm text-slate-600">
          Scans reviewed by two doctors, compared on their first two reviews. Cohen&rsquo;s kappa corrects the raw agreement for chance.
        </p>
        <NumbersTable
          caption="Inter-doctor agreement per attribute"
          head={['Attribute', 'Pairs', 'Agreement', 'Kappa']}
          testId="numbers-agreement"
          rows={data.agreement.map((a) => [
            attributeLabel(taxonomy, a.attribute),
            formatCount(a.pairs),
            formatRate(a.observedAgreement),
            <span key="k">{formatKappa(a.kappa)} <span className="text-xs text-slate-500">{kappaWord(a.kappa)}</span></span>,
          ])}
        />
      </Card>
    </>
  );
}

/** The analytics screen's content; tag analytics only for the roles the API lets see them (owner, doctor). */
export function AnalyticsDashboard({ weeks, showTags }: { weeks: WeekChoice; showTags: boolean }) {
  const analytics = useResource((signal) => api.dashboardAnalytics(weeks, signal), `analytics-${weeks}`);
  // Score names, values and labels come from the taxonomy: nothing is drawn until it is here.
  const taxonomy = useTaxonomy();
  return (
    <div className="flex flex-col gap-6">
      {analytics.loading || taxonomy.loading ? (
        <LoadingSkeleton />
      ) : taxonomy.error ? (
        <ErrorState error={taxonomy.error} onRetry={taxonomy.reload} />
      ) : analytics.error ? (
        <ErrorState error={analytics.error} onRetry={analytics.reload} />
      ) : analytics.data && taxonomy.data ? (
        <Overview data={analytics.data} taxonomy={taxonomy.data} />
      ) : null}
      {showTags ? (
        taxonomy.data && <TagSection weeks={weeks} taxonomy={taxonomy.data} />
      ) : (
        <Notice>Finding distributions and agreement between doctors are shown to doctors and the practice owner.</Notice>
      )}
      {analytics.data && (
        <p className="text-center text-xs text-slate-500">Figures as of {formatDateTime(analytics.data.generatedAt)}; they refresh when new reviews arrive.</p>
      )}
    </div>
  );
}
