import { ImageManipulator, SaveFormat } from 'expo-image-manipulator';
import { assessPhoto, analysisMaxEdge, type QualityIssue } from './quality';

/**
 * The on-device check of a photo just taken: the platform scales it to the API's analysis size first (decoding a
 * 12-megapixel JPEG in JavaScript would take seconds on a phone), then the check reads that copy. A photo the check
 * cannot read is left to the server, which judges every photo again anyway.
 */
export async function checkPhoto(uri: string, width: number, height: number): Promise<QualityIssue[]> {
  try {
    const resize = width >= height ? { width: Math.min(width, analysisMaxEdge) } : { height: Math.min(height, analysisMaxEdge) };
    const image = await ImageManipulator.manipulate(uri).resize(resize).renderAsync();
    const copy = await image.saveAsync({ base64: true, format: SaveFormat.JPEG, compress: 0.95 });
    return copy.base64 ? assessPhoto(copy.base64) : [];
  } catch {
    return [];
  }
}
