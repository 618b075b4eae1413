'use client';

import type { ReactNode } from 'react';
import { api } from '@/api/client';
import type { AiAcceptance, AiModel, ModelCard } from '@/api/types';
import { Card, ErrorState, Notice, Skeleton } from '@/components/ui';
import { formatCount, formatRate } from '@/lib/analytics';
import { formatDateTime } from '@/lib/format';
import { useResource } from '@/lib/useResource';

const suggesterWords: Record<string, string> = {
  mlnet: 'The local ML.NET model (photos never leave OrthoScan)',
  openai: 'GPT-4o on Azure OpenAI (your practice turned external AI processing on)',
  none: 'None: no suggestions are made',
};

const attributeWords: Record<string, string> = {
  overall_tracking: 'Tracking',
  aligner_fit: 'Aligner fit',
  oral_hygiene: 'Hygiene',
  detail_tags: 'Detail tags',
};
const attributeLabel = (attribute: string) => attributeWords[attribute] ?? attribute;
const valueLabel = (value: string) => (value === 'not_applicable' ? 'N/A' : value);
const decimal = (value: number) => value.toFixed(2);

function Table({ caption, head, rows, testId }: { caption: string; head: string[]; rows: ReactNode[][]; testId: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm tabular-nums" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="text-xs font-medium uppercase tracking-wide text-slate-500">
          <tr>{head.map((h, i) => <th key={`${h}-${i}`} scope="col" className={i > 0 ? 'py-1.5 pr-3 text-right' : 'py-1.5 pr-3'}>{h}</th>)}</tr>
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

/** Rows are one axis, columns the other, both in the order of `labels`. */
function Confusion({ title, rowsAre, columnsAre, labels, counts, testId }: {
  title: string; rowsAre: string; columnsAre: string; labels: string[]; counts: number[][]; testId: string;
}) {
  return (
    <div className="flex flex-col gap-1">
      <h4 className="text-sm font-semibold text-slate-900">{title}</h4>
      <p className="text-xs text-slate-500">Rows: {rowsAre}; columns: {columnsAre}.</p>
      <Table caption={`${title}: ${rowsAre} by ${columnsAre}`} head={['', ...labels.map(valueLabel)]} testId={testId}
        rows={labels.map((label, i) => [valueLabel(label), ...(counts[i] ?? []).map(formatCount)])} />
    </div>
  );
}

function Evaluation({ card }: { card: ModelCard }) {
  return (
    <Card title="Evaluation on the test split">
      <div className="flex flex-col gap-6">
        <Table
          caption="Accuracy and macro-F1 of each score's model beside the majority-class baseline"
          head={['Score', 'Test scans', 'Accuracy', 'Macro-F1', 'Baseline accuracy', 'Baseline macro-F1']}
          testId="model-evaluation"
          rows={card.evaluation.map((e) => [
            attributeLabel(e.attribute), formatCount(e.testRows), decimal(e.accuracy), decimal(e.macroF1), decimal(e.baselineAccuracy), decimal(e.baselineMacroF1),
          ])}
        />
        <div className="grid gap-6 md:grid-cols-3">
          {card.evaluation.map((e) => (
            <Confusion key={e.attribute} title={attributeLabel(e.attribute)} rowsAre="doctor's score" columnsAre="model's score"
              labels={e.labels} counts={e.confusion} testId={`model-confusion-${e.attribute}`} />
          ))}
        </div>
      </div>
    </Card>
  );
}

function Acceptance({ data }: { data: AiAcceptance }) {
  const nothing = data.byAttribute.every((a) => a.suggested === 0);
  return (
    <Card title="How often your doctors keep the suggestions">
      {nothing ? (
        <p className="text-sm text-slate-600" data-testid="acceptance-empty">
          No reviewed scans with suggestions in these weeks: 0 suggested, 0 kept.
        </p>
      ) : (
        <div className="flex flex-col gap-6">
          <div className="grid gap-6 lg:grid-cols-2">
            <Table caption="Suggestions kept per attribute" head={['Attribute', 'Suggested', 'Kept', 'Rate']} testId="acceptance-attribute"
              rows={data.byAttribute.map((a) => [attributeLabel(a.attribute), formatCount(a.suggested), formatCount(a.accepted), formatRate(a.rate)])} />
            <Table caption="Suggestions kept per doctor" head={['Doctor', 'Suggested', 'Kept', 'Rate']} testId="acceptance-doctor"
              rows={data.byDoctor.map((d) => [d.doctorName, formatCount(d.suggested), formatCount(d.accepted), formatRate(d.rate)])} />
          </div>
          <Table caption="Suggestions kept per model version" head={['Model', 'Attribute', 'Suggested', 'Kept', 'Rate']} testId="acceptance-model"
            rows={data.byModel.map((m) => [m.model, attributeLabel(m.attribute), formatCount(m.suggested), formatCount(m.accepted), formatRate(m.rate)])} />
          <div className="grid gap-6 md:grid-cols-3">
            {data.confusion.map((c) => (
              <Confusion key={c.attribute} title={attributeLabel(c.attribute)} rowsAre="suggested" columnsAre="doctor's final score"
                labels={c.values} counts={c.counts} testId={`acceptance-confusion-${c.attribute}`} />
            ))}
          </div>
        </div>
      )}
    </Card>
  );
}

function AcceptanceSection({ weeks }: { weeks: number }) {
  const acceptance = useResource((signal) => api.aiAcceptance(weeks, signal), `ai-acceptance-${weeks}`);
  if (acceptance.loading) return <Skeleton className="h-64 rounded-lg" />;
  if (acceptance.error) return <ErrorState error={acceptance.error} onRetry={acceptance.reload} />;
  return acceptance.data ? <Acceptance data={acceptance.data} /> : null;
}

export function ModelPage({ weeks, showAcceptance }: { weeks: number; showAcceptance: boolean }) {
  const model = useResource((signal) => api.aiModel(signal), 'ai-model');
  if (model.loading) return <Skeleton className="h-64 rounded-lg" />;
  if (model.error) return <ErrorState error={model.error} onRetry={model.reload} />;
  const data: AiModel | null = model.data;
  if (!data) return null;
  const card = data.card;
  return (
    <div className="flex flex-col gap-6">
      <Notice>{data.notice}</Notice>
      <Card title="Suggester">
        <dl className="grid gap-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div><dt className="text-slate-500">Suggests with</dt><dd data-testid="model-suggester">{suggesterWords[data.suggester] ?? data.suggester}</dd></div>
          {card ? (
            <>
              <div><dt className="text-slate-500">Model version</dt><dd data-testid="model-version">{card.name} {card.version}</dd></div>
              <div><dt className="text-slate-500">Trained</dt><dd data-testid="model-trained-at">{formatDateTime(card.trainedAt)}</dd></div>
              <div><dt className="text-slate-500">Training tag sets</dt><dd>{formatCount(card.trainingTagSets)} (taxonomy {card.taxonomyVersion})</dd></div>
            </>
          ) : (
            <div className="sm:col-span-3"><dt className="text-slate-500">Model</dt><dd data-testid="model-none">No local model is loaded.</dd></div>
          )}
        </dl>
      </Card>
      {card && <Evaluation card={card} />}
      {showAcceptance && <AcceptanceSection weeks={weeks} />}
    </div>
  );
}
