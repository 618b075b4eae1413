import type { components } from './schema';

type Schemas = components['schemas'];
export type Me = Schemas['MeResponse'];
export type ScanSession = Schemas['SessionResponse'];
export type ScanImage = Schemas['ImageResponse'];
export type ImageType = Schemas['ImageType'];
export type ScanPage = Schemas['PageOfSessionResponse'];
export type UploadGrant = Schemas['CreateUploadUrlResponse'];
export type AccessGrant = Schemas['AccessGrant'];
export type Activation = Schemas['ActivatePatientResponse'];
export type Message = Schemas['MessageResponse'];
export type MessagePage = Schemas['PageOfMessageResponse'];
export type ThreadPage = Schemas['PageOfListThreadsItem'];
export type Language = Schemas['PreferredLanguage'];

/** The five views of a scan, in the order the app asks for them. */
export const allViews: readonly ImageType[] = ['frontal', 'buccal_l', 'buccal_r', 'occlusal_u', 'occlusal_l'];
