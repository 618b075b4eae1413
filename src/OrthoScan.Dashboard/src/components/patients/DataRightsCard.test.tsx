import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/errors';
import { DataRightsCard } from './DataRightsCard';

const erased = { patientId: 'p1', erasedAt: '2026-03-02T09:05:00Z', imagesShredded: 15 };

describe('DataRightsCard', () => {
  it('downloads the record with one click', async () => {
    const onDownload = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(<DataRightsCard patientName="Ana García" erased={false} onDownload={onDownload} onErase={vi.fn()} />);

    await user.click(screen.getByRole('button', { name: 'Download record' }));

    expect(onDownload).toHaveBeenCalledTimes(1);
  });

  it('erases only after the warning dialog and the typed word ERASE, then says what happened', async () => {
    const onErase = vi.fn().mockResolvedValue(erased);
    const user = userEvent.setup();
    render(<DataRightsCard patientName="Ana García" erased={false} onDownload={vi.fn()} onErase={onErase} />);

    await user.click(screen.getByRole('button', { name: 'Erase patient…' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Erase Ana García?' });
    expect(dialog).toHaveTextContent('cannot be undone');
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(screen.queryByLabelText(/Type ERASE/)).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const field = screen.getByLabelText('Type ERASE to erase Ana García');
    const erase = screen.getByRole('button', { name: 'Erase permanently' });
    expect(erase).toBeDisabled();
    await user.type(field, 'erase');
    expect(erase).toBeDisabled();
    await user.keyboard('{Enter}');
    expect(onErase).not.toHaveBeenCalled();

    await user.clear(field);
    await user.type(field, 'ERASE');
    expect(erase).toBeEnabled();
    await user.click(erase);

    expect(onErase).toHaveBeenCalledExactlyOnceWith('ERASE');
    await waitFor(() => expect(screen.getByText(/Patient erased\./)).toHaveTextContent('15 photos are permanently unreadable'));
    expect(screen.queryByRole('button', { name: 'Download record' })).not.toBeInTheDocument();
  });

  it('cancelling the dialog sends nothing and starts over', async () => {
    const onErase = vi.fn();
    const user = userEvent.setup();
    render(<DataRightsCard patientName="Ana García" erased={false} onDownload={vi.fn()} onErase={onErase} />);

    await user.click(screen.getByRole('button', { name: 'Erase patient…' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(screen.getByLabelText('Type ERASE to erase Ana García'), 'ERASE');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(onErase).not.toHaveBeenCalled();
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Erase patient…' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByLabelText('Type ERASE to erase Ana García')).toHaveValue('');
  });

  it('shows the problem when the erasure is refused, and an erased patient offers no actions', async () => {
    const onErase = vi.fn().mockRejectedValue(new ApiError({ status: 409, title: 'This patient was already erased.' }));
    const user = userEvent.setup();
    const { unmount } = render(<DataRightsCard patientName="Ana García" erased={false} onDownload={vi.fn()} onErase={onErase} />);

    await user.click(screen.getByRole('button', { name: 'Erase patient…' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(screen.getByLabelText('Type ERASE to erase Ana García'), 'ERASE');
    await user.click(screen.getByRole('button', { name: 'Erase permanently' }));

    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('This patient was already erased.'));
    unmount();

    render(<DataRightsCard patientName="Erased Patient" erased onDownload={vi.fn()} onErase={vi.fn()} />);
    expect(screen.getByText(/This patient was erased/)).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
