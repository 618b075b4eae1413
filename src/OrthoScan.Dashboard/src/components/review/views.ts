import type { ImageType, ScanImage } from '@/api/review';

/** The clinical montage: right side, front, left side on top; upper and lower arch below. */
export const viewOrder: ImageType[] = ['buccal_r', 'frontal', 'buccal_l', 'occlusal_u', 'occlusal_l'];

export const viewLabels: Record<ImageType, string> = {
  frontal: 'Front',
  buccal_r: 'Right side',
  buccal_l: 'Left side',
  occlusal_u: 'Upper arch',
  occlusal_l: 'Lower arch',
};

const issueLabels: Record<string, string> = {
  blurry: 'Blurry',
  underexposed: 'Too dark',
  overexposed: 'Too bright',
  too_small: 'Low resolution',
  duplicate: 'Same as another photo',
};

export function issueLabel(code: string): string {
  if (issueLabels[code]) return issueLabels[code];
  const text = code.replace(/_/g, ' ');
  return text[0].toUpperCase() + text.slice(1);
}

/** Quality issues and retake reasons of a photo, once each, in words. */
export function photoWarnings(image: Pick<ScanImage, 'qualityIssues' | 'retakeReasons'>): string[] {
  return [...new Set([...image.qualityIssues, ...image.retakeReasons])].map(issueLabel);
}

export function sortViews<T extends { imageType: ImageType }>(images: T[]): T[] {
  return [...images].sort((a, b) => viewOrder.indexOf(a.imageType) - viewOrder.indexOf(b.imageType));
}
