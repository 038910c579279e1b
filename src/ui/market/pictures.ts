import type { PictureInput } from '../../app/market/products.ts';

// Product pictures are resized in the browser before they are stored: the picture at most 800 px
// on its long side as JPEG, and a 200 px thumbnail for lists. A phone photo of several MB becomes
// ~100 kB, so a classroom's worth of products stays small in IndexedDB. (Node tests cannot
// decode images; the app layer stores whatever Blob this module produced.)

export const pictureSidePx = 800;
export const thumbnailSidePx = 200;
const jpegQuality = 0.85;

async function encode(bitmap: ImageBitmap, side: number): Promise<{ blob: Blob; width: number; height: number }> {
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d canvas');
  // JPEG has no transparency: a transparent PNG would turn black without a white background.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', jpegQuality));
  if (blob === null) throw new Error('canvas could not encode');
  return { blob, width, height };
}

/** Decodes an uploaded image and makes the stored picture and its thumbnail; null if it is no image. */
export async function resizePicture(file: Blob): Promise<PictureInput | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  try {
    const picture = await encode(bitmap, pictureSidePx);
    const thumbnail = await encode(bitmap, thumbnailSidePx);
    return { image: picture.blob, thumbnail: thumbnail.blob, width: picture.width, height: picture.height };
  } finally {
    bitmap.close();
  }
}

const categoryColours: Record<string, string> = {
  books: '#3f6fb5', digital: '#2d3e50', appliances: '#6b7c85', clothing: '#b5477a', food: '#c0622b',
  beauty: '#c2577a', home: '#4f8a5b', sports: '#2f8f9d', content: '#7a5cb5',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A simple drawn picture for a demo product (no photos ship with the app): the category's colour,
 * the product's number and name. SVG, so it is a few hundred bytes and sharp at any size.
 */
export function demoPicture(product: { readonly number: string; readonly name: string; readonly category: string }): PictureInput {
  const colour = categoryColours[product.category] ?? '#0f5b78';
  const svg = (w: number, h: number) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 800 600">` +
    `<rect width="800" height="600" fill="${colour}"/>` +
    `<circle cx="400" cy="250" r="150" fill="#ffffff" fill-opacity="0.18"/>` +
    `<text x="400" y="270" font-size="64" text-anchor="middle" fill="#fff" font-family="sans-serif">${escapeXml(product.name.slice(0, 12))}</text>` +
    `<text x="400" y="520" font-size="40" text-anchor="middle" fill="#fff" fill-opacity="0.8" font-family="monospace">${escapeXml(product.number)}</text>` +
    `</svg>`;
  const type = 'image/svg+xml';
  return { image: new Blob([svg(800, 600)], { type }), thumbnail: new Blob([svg(200, 150)], { type }), width: 800, height: 600 };
}
