import { decode } from 'jpeg-js';

/** What the phone can tell before the photo is sent: the server judges again, with the same measures. */
export type QualityIssue = 'too_dark' | 'too_blurry';

export interface Greyscale {
  width: number;
  height: number;
  /** One byte per pixel, row by row. */
  pixels: Uint8Array;
}

// The server's thresholds (QualityOptions, QualityAnalyzer), so a photo accepted here is rarely refused there.
const minMeanBrightness = 60;
const darkPixelLevel = 10;
const maxDarkPixelShare = 0.5;
const minSharpness = 25;
const referenceContrast = 50;
const minContrast = referenceContrast / 4;
/** Analysed at most this wide or high, as the server analyses (QualityAnalyzer.AnalysisMaxEdge): blur depends on scale. */
export const analysisMaxEdge = 1024;

/**
 * Too dark: mean brightness under 60 or half the pixels near black. Too blurry: the Laplacian's variance, after
 * stretching the contrast to a reference (a dim but sharp photo is not blurry), under 25.
 */
export function assessGreyscale(image: Greyscale): QualityIssue[] {
  const { width, height, pixels } = image;
  const count = width * height;
  let sum = 0;
  let sumSquares = 0;
  let dark = 0;
  for (let i = 0; i < count; i++) {
    const value = pixels[i];
    sum += value;
    sumSquares += value * value;
    if (value <= darkPixelLevel) dark++;
  }
  const mean = sum / count;
  const contrast = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));

  let lapSum = 0;
  let lapSquares = 0;
  let lapCount = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = pixels[i - 1] + pixels[i + 1] + pixels[i - width] + pixels[i + width] - 4 * pixels[i];
      lapSum += lap;
      lapSquares += lap * lap;
      lapCount++;
    }
  }
  const lapMean = lapCount ? lapSum / lapCount : 0;
  const lapVariance = lapCount ? lapSquares / lapCount - lapMean * lapMean : 0;
  const gain = referenceContrast / Math.max(contrast, minContrast);
  const sharpness = lapVariance * gain * gain;

  const issues: QualityIssue[] = [];
  if (mean < minMeanBrightness || dark / count > maxDarkPixelShare) issues.push('too_dark');
  if (sharpness < minSharpness) issues.push('too_blurry');
  return issues;
}

/** Decodes a JPEG (base64) into a greyscale image of at most 1024 px a side. */
export function greyscaleOfJpeg(base64: string): Greyscale {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const { width, height, data } = decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
  const step = Math.max(1, Math.ceil(Math.max(width, height) / analysisMaxEdge));
  const outWidth = Math.floor(width / step);
  const outHeight = Math.floor(height / step);
  const pixels = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const at = (y * step * width + x * step) * 4;
      pixels[y * outWidth + x] = Math.round(0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2]);
    }
  }
  return { width: outWidth, height: outHeight, pixels };
}

/** The on-device check of a photo taken: never throws (an image it cannot read is left to the server). */
export function assessPhoto(base64: string): QualityIssue[] {
  try {
    return assessGreyscale(greyscaleOfJpeg(base64));
  } catch {
    return [];
  }
}
