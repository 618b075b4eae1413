import type { components } from './schema';

type Schemas = components['schemas'];

// Types taken straight from the generated OpenAPI schema (src/api/schema.d.ts, `npm run gen:api`).
export type Patient = Schemas['PatientResponse'];
export type PatientPage = Schemas['PageOfPatientResponse'];
export type PatientChanges = Schemas['Changes'];
export type PatientStatus = Schemas['PatientStatus'];
export type TreatmentType = Schemas['TreatmentType'];
export type ScanFrequency = Schemas['ScanFrequency'];
export type PreferredLanguage = Schemas['PreferredLanguage'];
export type MfaStep = Schemas['MfaStep'];
export type MfaChallenge = Schemas['MfaChallenge'];

/*
 * The API's OpenAPI document currently names every nested `Command` / `Response` record by its short name, so the
 * generated `Command` and `Response` schemas are whichever slice was registered last (CreatePatient's command,
 * InvitePatient's response). Until the API gives them unique schema ids, the request/response shapes below are
 * written by hand from src/OrthoScan.Api/Features/Auth/*.cs. Only these collide; everything else is generated.
 */
export type CreatePatientBody = Schemas['Command'];

export interface LoginBody { email: string; password: string }
export interface RegisterBody {
  practiceName: string;
  practiceAddress: string | null;
  ownerName: string;
  email: string;
  password: string;
}
export interface RegisterResponse { practiceId: string; userId: string; mfaRequired: MfaStep; mfaToken: string }
export interface AcceptInvitationBody { code: string; password: string }
export interface EnrollMfaResponse { secret: string; otpauthUri: string; qrCodePng: string }
export interface VerifyMfaBody { mfaToken: string; code: string }
/** With `X-OrthoScan-Client: dashboard` the refresh token travels only in the httpOnly cookie, so the body's is null. */
export interface AccessGrant { accessToken: string; refreshToken: string | null; expiresIn: number }
export type StaffRole = 'doctor' | 'staff';
export interface InviteStaffBody { email: string; name: string; role: StaffRole }
export interface InviteStaffResponse { memberId: string; invitationCode: string; expiresAt: string }
export interface InvitePatientResponse { patientId: string; code: string; expiresAt: string }
/** `GET /api/v1/practice` (being added to the API): only `name` is relied on. */
export interface Practice { id: string; name: string; [key: string]: unknown }
/** `GET /api/v1/practice/members` is not in the API yet; the doctor picker uses it when it appears. */
export interface PracticeMember { id: string; name: string; role: string }

export const patientStatuses: PatientStatus[] = ['active', 'invited', 'paused', 'completed', 'archived'];
export const treatmentTypes: TreatmentType[] = ['clear_aligners', 'retainers', 'other'];
export const scanFrequencies: ScanFrequency[] = ['weekly', 'biweekly', 'monthly'];
export const preferredLanguages: PreferredLanguage[] = ['en', 'es', 'fr', 'de'];
