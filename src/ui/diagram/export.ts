// The diagram as a file for a lab report: the drawn <svg> serialized on its own (every colour,
// size and font is an attribute or the inline <style>, so the file looks the same outside the
// app), and a PNG made by drawing that SVG into a canvas.

/** Fonts the drawing asks for, Chinese ones included: a viewer without them falls back to its own sans-serif. */
export const diagramFontFamily = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif`;

const svgNs = 'http://www.w3.org/2000/svg';

/** A standalone SVG document of `svg`: namespaces, a white background, the font in a <style>. */
export function standaloneSvg(svg: SVGSVGElement, title: string): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('version', '1.1');
  copy.removeAttribute('class');
  const style = document.createElementNS(svgNs, 'style');
  style.textContent = `text { font-family: ${diagramFontFamily}; }`;
  const titleEl = document.createElementNS(svgNs, 'title');
  titleEl.textContent = title;
  const background = document.createElementNS(svgNs, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  copy.prepend(titleEl, style, background);
  // The page's interaction hooks (focus, test ids) say nothing in a report.
  for (const el of copy.querySelectorAll('[tabindex],[role]')) {
    el.removeAttribute('tabindex');
    el.removeAttribute('role');
  }
  // XMLSerializer writes the SVG namespace of an element made in it; setting the attribute as
  // well would make it twice (a file no parser accepts), so it is added only when missing.
  let text = new XMLSerializer().serializeToString(copy);
  if (!/^<svg[^>]*\sxmlns="/.test(text)) text = text.replace(/^<svg/, `<svg xmlns="${svgNs}"`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${text}`;
}

/** The SVG text drawn into a canvas at `scale` (sharper print), as a PNG. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.width = width;
    image.height = height;
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the SVG did not load as an image'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2d canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b === null ? reject(new Error('toBlob gave nothing')) : resolve(b)), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
