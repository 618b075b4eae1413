import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ScanImage } from '@/api/review';
import { PhotoGrid } from './PhotoGrid';

const image = (imageType: ScanImage['imageType'], issues: string[] = []): ScanImage => ({
  id: imageType, imageType, status: 'processed', qualityScore: 70, qualityIssues: issues, retakeReasons: [], width: 1600, height: 1200,
  capturedAt: null, urls: { thumbnail: `/b/${imageType}/t`, display: `/b/${imageType}/d`, full: `/b/${imageType}/f`, expiresAt: '2099-01-01T00:00:00Z' },
});

describe('PhotoGrid', () => {
  it('asks again for a photo whose download failed, instead of leaving a hole', async () => {
    render(<PhotoGrid sessionId="s1" images={[image('frontal', ['underexposed'])]} alignerNumber={3} onOpen={vi.fn()} />);
    const photo = screen.getByRole('img', { name: 'Front, aligner 3' });
    expect(photo).toHaveAttribute('src', '/b/frontal/d');
    expect(screen.getByRole('button', { name: 'Front: open full screen' })).toHaveTextContent('Too dark');

    fireEvent.error(photo);
    for (let retry = 1; retry <= 3; retry++) {
      await waitFor(() => expect(screen.getByRole('img', { name: 'Front, aligner 3' })).toHaveAttribute('src', `/b/frontal/d?retry=${retry}`));
      fireEvent.error(screen.getByRole('img', { name: 'Front, aligner 3' }));
    }
    // Every retry failed too: the tile says so in words.
    expect(await screen.findByText('This photo did not load.')).toBeInTheDocument();
  });
});
