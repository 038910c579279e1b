import jsQR from 'jsqr';

// Reading a QR code for real: from an image (a pasted or dropped screenshot of the other tab, a
// photo) with jsQR, which finds and decodes the code in the pixels; from the device camera with the
// browser's BarcodeDetector where it exists (Chrome on Android and macOS; not Firefox).

/** Images larger than this on a side are scaled down first (a phone photo is 4000 px wide). */
const imageSideMaxPx = 1600;

/** The text of the first QR code in the image, or null when none is found. */
export async function decodeQrImage(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, imageSideMaxPx / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) return null;
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const pixels = ctx.getImageData(0, 0, width, height);
  return jsQR(pixels.data, width, height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

type DetectedBarcode = { readonly rawValue: string };
type BarcodeDetectorLike = { detect(source: CanvasImageSource): Promise<DetectedBarcode[]> };
type BarcodeDetectorClass = new (options: { formats: string[] }) => BarcodeDetectorLike;

function detectorClass(): BarcodeDetectorClass | null {
  const value = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  return typeof value === 'function' ? value : null;
}

/** Whether this browser can scan with a camera (BarcodeDetector and a camera API). */
export function cameraScanAvailable(): boolean {
  return detectorClass() !== null && typeof navigator !== 'undefined' && navigator.mediaDevices?.getUserMedia !== undefined;
}

/** Frames looked at before the camera scan gives up (about a minute at 4 frames a second). */
const cameraFramesMax = 240;
const cameraFrameGapMs = 250;

/**
 * Scans with the camera into `video` until a QR code is seen, `signal` aborts, or the frames run
 * out (null). The camera is always released.
 */
export async function scanWithCamera(video: HTMLVideoElement, signal: AbortSignal): Promise<string | null> {
  const Detector = detectorClass();
  if (Detector === null) return null;
  const detector = new Detector({ formats: ['qr_code'] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  try {
    video.srcObject = stream;
    await video.play();
    for (let frame = 0; frame < cameraFramesMax && !signal.aborted; frame++) {
      const found = await detector.detect(video);
      if (found[0] !== undefined) return found[0].rawValue;
      await new Promise((resolve) => setTimeout(resolve, cameraFrameGapMs));
    }
    return null;
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
