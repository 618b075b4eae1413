import { existsSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A video for Chromium's fake camera (--use-file-for-fake-video-capture): 1600x1200, one frame a second, each frame
 * a different pattern of sharp grey blocks. The built-in fake camera gives 640x480 frames that barely change, which
 * the API rightly refuses (too small, and five views of the same picture); a phone gives large, distinct photos.
 */
export function fakeCameraVideo(path: string, frames = 24): string {
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  const width = 1600;
  const height = 1200;
  const block = 50;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F1:1 Ip A1:1 C420jpeg\n`);
    const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
    for (let frame = 0; frame < frames; frame++) {
      writeSync(fd, 'FRAME\n');
      // mulberry32: 32-bit integer arithmetic (a float LCG loses precision and repeats across frames).
      let seed = 0x9e3779b9 ^ (frame * 0x85ebca6b);
      const next = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const luma = Buffer.alloc(width * height);
      for (let by = 0; by < height / block; by++) {
        const row = Buffer.alloc(width);
        for (let bx = 0; bx < width / block; bx++) row.fill(60 + Math.floor(next() * 150), bx * block, (bx + 1) * block);
        for (let y = 0; y < block; y++) row.copy(luma, (by * block + y) * width);
      }
      writeSync(fd, luma);
      writeSync(fd, chroma);
      writeSync(fd, chroma);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}
