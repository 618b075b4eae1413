import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/errors';
import type { ScanSession, Taxonomy } from '@/api/review';
import { otherTaxonomy, taxonomy } from '@/test/taxonomy';
import { TagPanel } from './TagPanel';
import { checkForm, initialForm, scoreForKey, toBody, type AiHints, type TagFormState } from './tagForm';

const session = (aiSuggestions: ScanSession['aiSuggestions'] = []): ScanSession => ({
  id: 's1', patientId: 'p1', alignerNumber: 4, status: 'ready', createdAt: '2026-11-25T08:00:00Z', submittedAt: '2026-11-25T08:00:00Z',
  processedAt: '2026-11-25T08:01:00Z', patientFeedback: null, images: [], previous: null, aiSuggestions,
  aiNotice: aiSuggestions.length > 0 ? 'Suggestions are non-diagnostic aids; a doctor confirms every tag.' : null,
});

function Panel({ served, start, serverError = null, hints = { scores: {}, details: {} } }: {
  served: Taxonomy; start?: TagFormState; serverError?: ApiError | null; hints?: AiHints;
}) {
  const [form, setForm] = useState<TagFormState>(start ?? initialForm(session(), served).form);
  return (
    <TagPanel taxonomy={served} form={form} hints={hints} problems={{}} serverError={serverError} canTag
      onChange={setForm} onSubmit={vi.fn()} onSkip={vi.fn()} onLeaveField={vi.fn()} />
  );
}

/** Each score group's name and its choices' words, as a doctor reads the panel. */
function scoreGroups(served: Taxonomy) {
  return served.scores.map((s) => {
    const group = screen.getByRole('radiogroup', { name: s.label });
    return [s.label, within(group).getAllByRole('radio').map((r) => r.textContent)];
  });
}

describe('TagPanel reads the taxonomy', () => {
  it('shows the served score names, the words for every value, actions and hold limits', async () => {
    render(<Panel served={taxonomy} />);

    expect(scoreGroups(taxonomy)).toEqual([
      ['Tracking', ['1On track', '2Minor deviation', '3Off track']],
      ['Aligner fit', ['1Fully seated', '2Small gaps', '3Unseated', '0Not applicable']],
      ['Hygiene', ['1Good', '2Fair', '3Poor']],
    ]);
    expect(within(screen.getByRole('radiogroup', { name: 'Action' })).getAllByRole('radio').map((r) => r.textContent))
      .toEqual(['AApprove next aligner', 'HHold aligner', 'WSend message', 'SSchedule appointment']);
    expect(within(screen.getByRole('group', { name: /Details/ })).getAllByRole('button').map((b) => b.textContent))
      .toEqual(taxonomy.detailTags.map((t) => t.label));

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Plaque' }));
    expect(within(screen.getByRole('combobox')).getAllByRole('option').map((o) => o.textContent))
      .toEqual(['Not specified', ...taxonomy.locations.map((l) => l.label)]);
    await user.click(screen.getByRole('radio', { name: /Hold aligner/ }));
    expect(screen.getByText('1 to 14 days. Enter submits.')).toBeInTheDocument();
  });

  it('follows a different taxonomy without a code change: other words, another range, not applicable elsewhere', async () => {
    render(<Panel served={otherTaxonomy} />);

    expect(scoreGroups(otherTaxonomy)).toEqual([
      ['Progress', ['1Tracking well', '2Lagging', '3Not tracking']],
      ['Seating', ['1Seated', '2Gaps', '3Lifted', '0No aligner in']],
      ['Plaque control', ['1Excellent', '2Good', '3Fair', '4Poor', '5Very poor', '0Not visible']],
    ]);
    expect(screen.queryByRole('radiogroup', { name: 'Tracking' })).toBeNull();
    expect(within(screen.getByRole('radiogroup', { name: 'Action' })).getAllByRole('radio').map((r) => r.textContent))
      .toEqual(['ANext aligner', 'HKeep aligner', 'WWrite to patient', 'SBook a visit']);
    expect(within(screen.getByRole('group', { name: /Details/ })).getAllByRole('button').map((b) => b.textContent))
      .toEqual(['Plaque build-up', 'Retainer missing']);

    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: /Keep aligner/ }));
    expect(screen.getByText('2 to 10 days. Enter submits.')).toBeInTheDocument();
  });

  it('shows the server\'s error for a score (named by its body field) on that score', () => {
    const error = new ApiError({ status: 422, title: 'The tags do not match the taxonomy.', fieldErrors: { overallTracking: ['Score 1 to 3.'] } });
    render(<Panel served={taxonomy} serverError={error} />);

    expect(screen.getByRole('radiogroup', { name: 'Tracking' })).toHaveAccessibleDescription('Score 1 to 3.');
  });
});

describe('the tag form follows the taxonomy', () => {
  it('takes digits within each score\'s range and 0 only where not applicable is allowed', () => {
    expect(scoreForKey(taxonomy, 'overall_tracking', '3')).toBe(3);
    expect(scoreForKey(taxonomy, 'overall_tracking', '4')).toBeUndefined();
    expect(scoreForKey(taxonomy, 'overall_tracking', '0')).toBeUndefined();
    expect(scoreForKey(taxonomy, 'aligner_fit', '0')).toBe('na');
    expect(scoreForKey(otherTaxonomy, 'oral_hygiene', '5')).toBe(5);
    expect(scoreForKey(otherTaxonomy, 'oral_hygiene', '0')).toBe('na');
  });

  it('pre-fills AI suggestions that are values of the taxonomy and asks for the rest in its words', () => {
    const ai = (attribute: string, value: string) => ({ attribute, value, confidence: 0.8, modelName: 'm', modelVersion: '1' });
    const { form } = initialForm(session([ai('overall_tracking', '2'), ai('aligner_fit', 'not_applicable'), ai('oral_hygiene', '5')]), taxonomy);

    expect(form.scores).toEqual({ overall_tracking: 2, aligner_fit: 'na', oral_hygiene: null });
    expect(checkForm(form, taxonomy).fields).toEqual({ oral_hygiene: 'Choose 1 to 3.', action: 'Choose an action: A, H, M or S.' });
    expect(checkForm({ ...form, action: 'hold_aligner', holdDays: '12' }, otherTaxonomy).fields.holdDays).toBe('Hold for 2 to 10 days.');
    expect(toBody({ ...form, scores: { ...form.scores, oral_hygiene: 1 }, action: 'message' }, taxonomy.version, 'now')).toMatchObject({
      taxonomyVersion: '2026.1', overallTracking: 2, alignerFit: null, oralHygiene: 1,
    });
  });

  it('says beside pre-filled suggestions that they are not a diagnosis, and says nothing without any', () => {
    const { unmount } = render(<Panel served={taxonomy} hints={{ scores: { overall_tracking: { value: '2', confidence: 0.8, model: 'm@1' } }, details: {} }} />);
    expect(screen.getByTestId('ai-notice')).toHaveTextContent('AI suggestion, not a diagnosis: confirm or change.');
    unmount();
    render(<Panel served={taxonomy} />);
    expect(screen.queryByTestId('ai-notice')).not.toBeInTheDocument();
  });
});
