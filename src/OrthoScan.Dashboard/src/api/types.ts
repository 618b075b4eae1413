import type { components } from './schema';

type Schemas = components['schemas'];

// Types taken straight from the generated OpenAPI schema (src/api/schema.d.ts, `npm run gen:api`).
export type Patient = Schemas['PatientResponse'];
export type PracticeSettings = Schemas['PracticeSettingsResponse'];
export type PracticeSettingsChanges = Schemas['UpdatePracticeSettingsChanges'];
export type PatientPage = Schemas['PageOfPatientResponse'];
export type PatientChanges = Schemas['UpdatePatientChanges'];
export type PatientStatus = Schemas['PatientStatus'];
export type TreatmentType = Schemas['TreatmentType'];
export type ScanFrequency = Schemas['ScanFrequency'];
export type PreferredLanguage = Schemas['PreferredLanguage'];
export type AgeBand = NonNullable<Schemas['AgeBand']>;
export type MfaStep = Schemas['MfaStep'];
export type MfaChallenge = Schemas['MfaChallenge'];
export type CreatePatientBody = Schemas['CreatePatientCommand'];
export type LoginBody = Schemas['LoginCommand'];
export type RegisterBody = Schemas['RegisterCommand'];
export type RegisterResponse = Schemas['RegisterResponse'];
export type AcceptInvitationBody = Schemas['AcceptInvitationCommand'];
export type EnrollMfaResponse = Schemas['EnrollMfaResponse'];
export type VerifyMfaBody = Schemas['VerifyMfaCommand'];
/** With `X-OrthoScan-Client: dashboard` the refresh token travels only in the httpOnly cookie, so the body's is null. */
export type AccessGrant = Schemas['AccessGrant'];
export type StaffRole = 'doctor' | 'staff';
export type InviteStaffBody = Omit<Schemas['InviteStaffCommand'], 'role'> & { role: StaffRole };
export type InviteStaffResponse = Schemas['InviteStaffResponse'];
export type InvitePatientResponse = Schemas['InvitePatientResponse'];
export type PatientErasure = Schemas['ErasePatientResponse'];
export type Practice = Schemas['GetCurrentPracticeResponse'];
export type PracticeMember = Schemas['ListMembersMember'];
export type ComplianceResponse = Schemas['ComplianceResponse'];
export type ComplianceItem = Schemas['ComplianceItem'];
export type TimelinePage = Schemas['PageOfListPatientSessionsTimelineItem'];
export type TimelineItem = Schemas['ListPatientSessionsTimelineItem'];
export type SessionOutcome = Schemas['ListPatientSessionsOutcome'];
export type ReviewAction = Schemas['ReviewAction'];
export type ScanSessionStatus = Schemas['ScanSessionStatus'];
export type ImageType = Schemas['ImageType'];
export type ScanImage = Schemas['ImageResponse'];

/** Owner only: the practice's background work that failed for good (`GET /admin/jobs/dead`). */
export type DeadJob = Schemas['ListDeadJobsDeadJob'];
export type DeadJobPage = Schemas['PageOfListDeadJobsDeadJob'];
export type RetriedJob = Schemas['RetryDeadJobResponse'];

/** Platform admin: every practice with aggregates only (`GET /admin/practices`). */
export type PracticeSummary = Schemas['ListPracticesPracticeSummary'];
export type PracticeSummaryPage = Schemas['PageOfListPracticesPracticeSummary'];

export type DashboardAnalytics = Schemas['AnalyticsResponse'];
export type ScoreCount = Schemas['AnalyticsValueCount'];
/** Doctors and owners only (staff get 403). */
export type TagAnalytics = Schemas['TagAnalyticsResponse'];
/** The suggester the practice gets and the loaded model's card (`GET /ai/model`). */
export type AiModel = Schemas['GetModelResponse'];
export type ModelCard = Schemas['ModelCard'];
/** Doctors and owners only: where the doctors keep or change the AI's suggestions (`GET /dashboard/ai-acceptance`). */
export type AiAcceptance = Schemas['GetAiAcceptanceResponse'];

/** A patient's thread with the practice, with what the caller has not read (`GET /messages/threads`). */
export type MessageThread = Schemas['ListThreadsItem'];
export type MessageThreadPage = Schemas['PageOfListThreadsItem'];
export type Message = Schemas['MessageResponse'];
export type MessagePage = Schemas['PageOfMessageResponse'];
export type SendMessageBody = Schemas['SendMessageBody'];

export const patientStatuses: PatientStatus[] = ['active', 'invited', 'paused', 'completed', 'archived', 'erased'];
export const treatmentTypes: TreatmentType[] = ['clear_aligners', 'retainers', 'other'];
export const scanFrequencies: ScanFrequency[] = ['weekly', 'biweekly', 'monthly'];
export const preferredLanguages: PreferredLanguage[] = ['en', 'es', 'fr', 'de'];
