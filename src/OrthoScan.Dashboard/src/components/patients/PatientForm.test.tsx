import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/errors';
import type { Patient } from '@/api/types';
import { emptyPatientValues, PatientForm, toChanges, toCreateBody, validatePatient, valuesFromPatient, type PatientFormValues } from './PatientForm';

const filled: PatientFormValues = {
  ...emptyPatientValues(),
  firstName: 'Ana',
  lastName: 'García',
  dateOfBirth: '2008-03-14',
  totalStages: '24',
  currentStage: '3',
  email: 'ana@example.com',
  phone: '+34 612 345 678',
  timezone: 'Europe/Madrid',
  preferredLanguage: 'es',
};

describe('PatientForm', () => {
  it('maps problem field errors from a 400 onto the matching fields, and lists the rest at the top', async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError({
        status: 400,
        title: 'The request has invalid fields.',
        detail: 'See errors for each field.',
        fieldErrors: {
          lastName: ['The length of \u2018Last Name\u2019 must be 100 characters or fewer.'],
          phone: ['Use the international format, e.g. +14155550123.'],
          timezone: ['Use an IANA time zone such as Europe/Paris.'],
          '': ['Something about the whole patient.'],
        },
      }),
    );
    const user = userEvent.setup();
    render(<PatientForm mode="create" initial={filled} onSubmit={onSubmit} cancelHref="/patients/" />);

    await user.click(screen.getByRole('button', { name: 'Add patient' }));

    await waitFor(() => expect(screen.getByLabelText('Mobile phone')).toHaveAccessibleDescription('Use the international format, e.g. +14155550123.'));
    expect(screen.getByLabelText('Last name')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Last name')).toHaveAccessibleDescription(/must be 100 characters or fewer/);
    expect(screen.getByLabelText('Time zone')).toHaveAccessibleDescription('Use an IANA time zone such as Europe/Paris.');
    expect(screen.getByLabelText('First name')).not.toHaveAttribute('aria-invalid');
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('The request has invalid fields.');
    expect(within(alert).getByTestId('form-errors')).toHaveTextContent('Something about the whole patient.');
    expect(screen.getByLabelText('Last name')).toHaveFocus();
  });

  it('shows a 422 rule violation on the stage field', async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError({
        status: 422,
        title: 'The request breaks a rule.',
        detail: 'The current stage cannot be after the last stage.',
        fieldErrors: { currentStage: ['The current stage cannot be after the last stage.'] },
      }),
    );
    const user = userEvent.setup();
    render(<PatientForm mode="create" initial={filled} onSubmit={onSubmit} cancelHref="/patients/" />);

    await user.click(screen.getByRole('button', { name: 'Add patient' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Current stage')).toHaveAccessibleDescription('The current stage cannot be after the last stage.'),
    );
    expect(screen.getByRole('alert')).toHaveTextContent('The request breaks a rule.');
  });

  it('checks required fields and contact details on the client before submitting', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<PatientForm mode="create" initial={{ ...emptyPatientValues(), phone: '0612 345' }} onSubmit={onSubmit} cancelHref="/patients/" />);

    await user.click(screen.getByRole('button', { name: 'Add patient' }));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByLabelText('First name')).toHaveAccessibleDescription('Enter the first name.');
    expect(screen.getByLabelText('Date of birth')).toHaveAccessibleDescription('Enter the date of birth.');
    expect(screen.getByLabelText('Mobile phone')).toHaveAccessibleDescription(/international format/);
    expect(screen.getByLabelText('First name')).toHaveFocus();
  });

  it('submits typed values: numbers, nulls for blanks, a phone without spaces', async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(<PatientForm mode="create" initial={{ ...filled, alignerBrand: '  ' }} onSubmit={onSubmit} cancelHref="/patients/" />);

    await user.selectOptions(screen.getByLabelText(/Scan frequency/), 'biweekly');
    await user.click(screen.getByLabelText(/de-identified scans/));
    await user.click(screen.getByRole('button', { name: 'Add patient' }));

    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(toCreateBody(onSubmit.mock.calls[0][0])).toEqual({
      firstName: 'Ana', lastName: 'García', dateOfBirth: '2008-03-14', doctorId: null, treatmentType: 'clear_aligners',
      alignerBrand: null, currentStage: 3, totalStages: 24, scanFrequency: 'biweekly', email: 'ana@example.com',
      phone: '+34612345678', timezone: 'Europe/Madrid', preferredLanguage: 'es', researchConsent: true,
    });
  });
});

describe('edit mapping', () => {
  it('round-trips a patient into PATCH changes and never sends archived as a status', () => {
    const patient: Patient = {
      id: 'p1', firstName: 'Ana', lastName: 'García', dateOfBirth: '2008-03-14', ageBand: '18_29', doctorId: null, treatmentType: 'retainers',
      alignerBrand: 'Spark', treatmentStartDate: '2025-02-03', currentStage: 5, totalStages: 20, scanFrequency: 'monthly', status: 'paused', email: null,
      phone: '+34612345678', timezone: 'Europe/Madrid', preferredLanguage: 'es',
      researchConsent: { given: true, changedAt: '2025-01-02T00:00:00Z', changedBy: 'u1' },
      createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z',
    };
    const changes = toChanges(valuesFromPatient(patient));
    expect(changes).toMatchObject({
      treatmentType: 'retainers', alignerBrand: 'Spark', treatmentStartDate: '2025-02-03', currentStage: 5, totalStages: 20, status: 'paused',
      email: null, researchConsent: true,
    });
    expect(toChanges({ ...valuesFromPatient(patient), status: 'archived' }).status).toBeNull();
  });
});

describe('treatment start date', () => {
  it('is refused in the future or before the date of birth, and an empty one is no error', () => {
    expect(validatePatient({ ...filled, treatmentStartDate: '2999-01-01' }).treatmentStartDate).toEqual(['The treatment start date cannot be in the future.']);
    expect(validatePatient({ ...filled, treatmentStartDate: '2008-03-13' }).treatmentStartDate).toEqual(['The treatment cannot start before the date of birth.']);
    expect(validatePatient({ ...filled, treatmentStartDate: '2020-09-01' }).treatmentStartDate).toBeUndefined();
    expect(validatePatient(filled).treatmentStartDate).toBeUndefined();
  });

  it('is offered when editing a patient, not when adding one', () => {
    const { unmount } = render(<PatientForm mode="create" initial={filled} onSubmit={vi.fn()} cancelHref="/patients/" />);
    expect(screen.queryByLabelText(/Treatment start date/)).toBeNull();
    unmount();
    render(<PatientForm mode="edit" initial={{ ...filled, treatmentStartDate: '2020-09-01' }} onSubmit={vi.fn()} cancelHref="/patients/" />);
    expect(screen.getByLabelText(/Treatment start date/)).toHaveValue('2020-09-01');
  });
});
