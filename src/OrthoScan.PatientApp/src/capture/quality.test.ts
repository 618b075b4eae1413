import { encode } from 'jpeg-js';
import { assessGreyscale, assessPhoto, type Greyscale } from './quality';

function image(width: number, height: number, pixel: (x: number, y: number) => number): Greyscale {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = pixel(x, y);
  return { width, height, pixels };
}

/** Sharp detail at a good exposure: small squares, like the edges of teeth. */
const sharp = image(200, 150, (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? 200 : 90));

function jpegBase64(grey: Greyscale): string {
  const rgba = Buffer.alloc(grey.width * grey.height * 4);
  grey.pixels.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
  return Buffer.from(encode({ data: rgba, width: grey.width, height: grey.height }, 92).data).toString('base64');
}

describe('the on-device photo check', () => {
  it('passes a sharp, well-lit photo', () => {
    expect(assessGreyscale(sharp)).toEqual([]);
  });

  it('finds a photo too dark, even when it is sharp', () => {
    const dark = image(200, 150, (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? 40 : 5));
    expect(assessGreyscale(dark)).toEqual(['too_dark']);
  });

  it('finds a photo blurry when its edges are smooth ramps', () => {
    const blurred = image(200, 150, (x) => 80 + Math.round(100 * (0.5 + 0.5 * Math.sin(x / 25))));
    expect(assessGreyscale(blurred)).toEqual(['too_blurry']);
  });

  it('reads the camera\'s JPEG and judges it the same way', () => {
    expect(assessPhoto(jpegBase64(sharp))).toEqual([]);
    const dim = image(200, 150, () => 20);
    expect(assessPhoto(jpegBase64(dim))).toEqual(expect.arrayContaining(['too_dark']));
  });

  it('leaves a file it cannot read to the server instead of failing the capture', () => {
    expect(assessPhoto(Buffer.from('not a jpeg').toString('base64'))).toEqual([]);
  });
});
